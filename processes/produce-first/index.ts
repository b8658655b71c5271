/**
 * Produce first, certify later: a provisional permit on a pledge, with the missing certificates
 * filed and verified later. docs/processes/produce-first.md describes it.
 */
import { defineProcess } from '../process.js';
import { produceFirstDocuments } from './documents.js';
import { PRODUCE_FIRST_TRANSITIONS } from './status.js';
import { produceFirstDetails, produceFirstDetailsSchema } from './details.js';
import { fileCertificateAction } from './action.js';
import { ProduceFirstTemplate } from './template.js';
import { produceFirstNotifications, produceFirstOpening, produceFirstUpdateEntries } from './timeline.js';
import { openProduceFirstCase } from './workflow.js';

export const produceFirstProcess = defineProcess({
  kind: 'produce-first-certify-later',
  folder: 'produce-first',
  workflowType: 'produceFirstWorkflow',
  statuses: PRODUCE_FIRST_TRANSITIONS,
  template: ProduceFirstTemplate,
  detailsSchema: produceFirstDetailsSchema,
  details: produceFirstDetails,
  open: openProduceFirstCase,
  documents: produceFirstDocuments,
  actions: [fileCertificateAction],
  timeline: { opening: produceFirstOpening, updates: produceFirstUpdateEntries, notifications: produceFirstNotifications },
});
