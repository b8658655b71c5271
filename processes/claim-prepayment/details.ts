/** What an enterprise files when it claims through the fast channel: the claim, in the policy's currency. */
import { z } from 'zod';
import { Money, Text } from '../../templates/schema.js';
import type { ClaimTemplate } from './template.js';

/** Claims: what the enterprise files; amounts are integer minor units. */
export const ClaimDetailsBody = z
  .strictObject({
    policyNumber: Text(100),
    claimedAmount: Money.extend({ amount: Money.shape.amount.min(1, 'the claimed amount must be positive') }),
    loss: z.strictObject({ description: Text(10_000), occurredAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]) }),
    evidence: z
      .array(z.strictObject({ name: Text(200), ref: Text(500) }))
      .max(100)
      .default([]),
  })
  .meta({ id: 'ClaimDetails' });

/** What the enterprise filed (evidence defaults to none). */
export type ClaimDetails = z.output<typeof ClaimDetailsBody>;

/** Claims under `template`: in the policy's currency, the template's threshold currency. */
export function claimDetailsSchema(template: ClaimTemplate) {
  const expected = template.prepayment.approvalThreshold.currency;
  return ClaimDetailsBody.extend({
    claimedAmount: ClaimDetailsBody.shape.claimedAmount.extend({
      currency: z.literal(expected, { error: (iss) => `claims under ${template.id} are in ${expected}, not ${String(iss.input)}` }),
    }),
  });
}

/** What the enterprise filed, or a ZodError saying what is wrong. */
export function claimDetails(template: ClaimTemplate, raw: Record<string, unknown>): ClaimDetails {
  return claimDetailsSchema(template).parse(raw);
}
