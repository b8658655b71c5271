/**
 * A claim through the fast channel: acknowledgement, a prepayment paid once (four eyes above the
 * threshold), assessment and settlement. docs/processes/claim-prepayment.md describes it.
 */
import { defineProcess } from '../process.js';
import { claimDocuments } from './documents.js';
import { CLAIM_TRANSITIONS } from './status.js';
import { claimDetails, claimDetailsSchema } from './details.js';
import { ClaimTemplate } from './template.js';
import { claimNotifications, claimOpening } from './timeline.js';
import { openClaimCase } from './workflow.js';

export const claimPrepaymentProcess = defineProcess({
  kind: 'claim-prepayment',
  folder: 'claim-prepayment',
  workflowType: 'claimPrepaymentWorkflow',
  statuses: CLAIM_TRANSITIONS,
  template: ClaimTemplate,
  detailsSchema: claimDetailsSchema,
  details: claimDetails,
  open: openClaimCase,
  documents: claimDocuments,
  actions: [],
  timeline: { opening: claimOpening, notifications: claimNotifications },
});
