/**
 * Claims with prepayment in the browser: the claim's own state on its case page (acknowledgement,
 * prepayment, payments, settlement) and the amounts that go with approving the prepayment and the
 * assessment. Each task, with its actions, is the case page's own.
 */
import type { ProcessWeb } from '../../../web/src/processes';
import { claimApproveFields } from './approve-fields';
import { ClaimPanel } from './panel';

export const web: ProcessWeb = { kind: 'claim-prepayment', CasePanel: ClaimPanel, approveFields: claimApproveFields };
