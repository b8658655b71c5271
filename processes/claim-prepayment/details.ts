/** What an enterprise files when it claims through the fast channel: the claim, in the policy's currency. */
import { z } from 'zod';
import { Money, Text } from '../../templates/schema.js';
import { CaseDetailsRefusal } from '../details-refusal.js';
import type { ClaimTemplate } from './template.js';

/** Claims: what the enterprise files; amounts are integer minor units. */
export const ClaimDetailsBody = z
  .strictObject({
    policyNumber: Text(100),
    claimedAmount: Money.refine((m) => m.amount > 0, { message: 'the claimed amount must be positive', path: ['amount'] }),
    loss: z.strictObject({ description: Text(10_000), occurredAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]) }),
    evidence: z
      .array(z.strictObject({ name: Text(200), ref: Text(500) }))
      .max(100)
      .default([]),
  })
  .meta({ id: 'ClaimDetails' });

/** What the enterprise filed (evidence defaults to none). */
export type ClaimDetails = z.output<typeof ClaimDetailsBody>;

/**
 * Claims are in the policy's currency: the template's threshold currency. Throws a ZodError or a
 * CaseDetailsRefusal saying what is wrong.
 */
export function claimDetails(template: ClaimTemplate, raw: Record<string, unknown>): ClaimDetails {
  const parsed = ClaimDetailsBody.parse(raw);
  const expected = template.prepayment.approvalThreshold.currency;
  if (parsed.claimedAmount.currency !== expected) {
    throw new CaseDetailsRefusal(`claims under ${template.id} are in ${expected}`, [
      { path: 'claimedAmount.currency', message: `expected ${expected}, got ${parsed.claimedAmount.currency}` },
    ]);
  }
  return parsed;
}
