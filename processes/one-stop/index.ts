/**
 * One-stop approval: every department of the template reviews in parallel within the case SLA.
 * docs/processes/one-stop.md describes it.
 */
import { defineProcess } from '../process.js';
import { oneStopDocuments } from './documents.js';
import { ONE_STOP_TRANSITIONS } from './status.js';
import { oneStopDetails, oneStopDetailsSchema } from './details.js';
import { OneStopTemplate } from './template.js';
import { oneStopNotifications, oneStopOpening } from './timeline.js';
import { openOneStopCase } from './workflow.js';

export const oneStopProcess = defineProcess({
  kind: 'one-stop-approval',
  folder: 'one-stop',
  workflowType: 'oneStopApprovalWorkflow',
  statuses: ONE_STOP_TRANSITIONS,
  template: OneStopTemplate,
  detailsSchema: oneStopDetailsSchema,
  details: oneStopDetails,
  open: openOneStopCase,
  documents: oneStopDocuments,
  actions: [],
  timeline: { opening: oneStopOpening, notifications: oneStopNotifications },
});
