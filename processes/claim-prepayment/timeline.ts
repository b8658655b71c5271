/** What the auditor's timeline shows of a claim: its opening (the acknowledgement and the claim as filed), and the applicant told of each payment. */
import { applicantNotice } from '../../audit/timeline-entry.js';
import type { ClaimInput } from './workflow.js';

export function claimOpening(input: ClaimInput): Record<string, unknown> {
  const claim = input.details;
  return {
    sla: input.template.acknowledge.sla,
    tasks: ['acknowledge'],
    policyNumber: claim.policyNumber,
    claimedAmount: claim.claimedAmount,
    loss: claim.loss,
  };
}

export const claimNotifications = { prepayment: applicantNotice, settlement: applicantNotice };
