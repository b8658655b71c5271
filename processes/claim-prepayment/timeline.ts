/** What the auditor's timeline shows of a claim's opening: the acknowledgement and the claim as filed. */
import type { ClaimInput } from './workflow.js';

export function claimOpening(input: ClaimInput): Record<string, unknown> {
  const claim = input.details;
  return {
    sla: input.template.acknowledge.sla,
    tasks: ['acknowledge'],
    policyNumber: claim.policyNumber,
    claimedAmount: claim.claimedAmount,
    loss: claim.loss,
    evidence: claim.evidence,
  };
}
