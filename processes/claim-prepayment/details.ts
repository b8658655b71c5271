/** What an enterprise files when it claims through the fast channel: the claim, in the policy's currency. */
import { z } from 'zod';
import { Money, named, Text } from '../../templates/schema.js';
import type { ClaimTemplate } from './template.js';

/** Claims: what the enterprise files; amounts are integer minor units. */
const ClaimedAmount = Money.extend({ amount: Money.shape.amount.min(1, 'the claimed amount must be positive') });
const CLAIMED_AMOUNT = named('Claimed amount', '索赔金额');

export const ClaimDetailsBody = z
  .strictObject({
    policyNumber: Text(100).meta(named('Policy number', '保单号')),
    claimedAmount: ClaimedAmount.meta(CLAIMED_AMOUNT),
    loss: z
      .strictObject({
        description: Text(10_000).meta(named('What happened', '损失经过')),
        occurredAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).meta(named('When it happened', '发生时间')),
      })
      .meta(named('The loss', '损失情况')),
  })
  .meta({ id: 'ClaimDetails' });

/** What the enterprise filed; its evidence is the opening's documents (uploaded files, not details). */
export type ClaimDetails = z.output<typeof ClaimDetailsBody>;

/** Claims under `template`: in the policy's currency, the template's threshold currency. */
export function claimDetailsSchema(template: ClaimTemplate) {
  const expected = template.prepayment.approvalThreshold.currency;
  return ClaimDetailsBody.extend({
    claimedAmount: ClaimedAmount.extend({
      currency: z.literal(expected, { error: (iss) => `claims under ${template.id} are in ${expected}, not ${String(iss.input)}` }),
    }).meta(CLAIMED_AMOUNT),
  });
}

/** What the enterprise filed, or a ZodError saying what is wrong. */
export function claimDetails(template: ClaimTemplate, raw: Record<string, unknown>): ClaimDetails {
  return claimDetailsSchema(template).parse(raw);
}
