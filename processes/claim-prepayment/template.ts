/** Claims through the fast channel: acknowledgement, prepayment (ratio, four-eyes threshold), assessment, settlement. */
import { z } from 'zod';
import { CaseRules, Duration, EscalationLadder, Money, Slug, Title, checkTimeRules } from '../../templates/schema.js';

const TaskSpec = z.strictObject({ dept: Slug, sla: Duration });

export const ClaimTemplate = z
  .strictObject({
    id: Slug,
    title: Title,
    kind: z.literal('claim-prepayment'),
    acknowledge: TaskSpec.describe('the claims desk accepts or rejects the claim'),
    prepayment: z.strictObject({
      dept: Slug,
      sla: Duration.describe('from acceptance'),
      maxRatio: z.number().gt(0).lte(1).describe('the advance may not exceed this share of the claimed amount'),
      approvalThreshold: Money.describe('a proposal above this needs a second approver'),
      approverDept: Slug,
    }),
    assessment: TaskSpec,
    settlement: z.strictObject({ sla: Duration.describe('from acceptance to settlement') }),
    escalation: EscalationLadder,
    ...CaseRules,
  })
  .superRefine(checkTimeRules);

export type ClaimTemplate = z.infer<typeof ClaimTemplate>;
