/**
 * Claims with prepayment in the browser: the claim's own state on its case page (acknowledgement,
 * prepayment, payments, settlement) and the amounts that go with approving the prepayment and the
 * assessment. Each task, with its actions, is the case page's own.
 */
import type { ProcessWeb, StatusLabels } from '../../../web/src/processes';
import type { ClaimStatus } from '../status';
import { claimApproveFields } from './approve-fields';
import { ClaimPanel } from './panel';

const statusLabels: StatusLabels<ClaimStatus> = {
  accepted: { en: 'accepted', zh: '已受理' },
  prepaid: { en: 'prepaid', zh: '已预付' },
  settled: { en: 'settled', zh: '已结案' },
};

export const web: ProcessWeb = { kind: 'claim-prepayment', statusLabels, CasePanel: ClaimPanel, approveFields: claimApproveFields };
