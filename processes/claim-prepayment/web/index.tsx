/**
 * Claims with prepayment in the browser: the claim's own state on its case page (acknowledgement,
 * prepayment, payments, settlement) and the amounts that go with approving the prepayment and the
 * assessment. Each task, with its actions, is the case page's own.
 */
import type { CaseView } from '../../../web/src/api/types';
import { messages } from '../../../web/src/i18n';
import { fmtMoney } from '../../../web/src/money';
import type { ProcessWeb, StatusLabels } from '../../../web/src/processes';
import type { ClaimStatus } from '../status';
import { claimApproveFields } from './approve-fields';
import { ClaimPanel } from './panel';

const statusLabels: StatusLabels<ClaimStatus> = {
  accepted: { en: 'accepted', zh: '已受理' },
  prepaid: { en: 'prepaid', zh: '已预付' },
  settled: { en: 'settled', zh: '已结案' },
};

const m = messages(
  { accepted: 'Claim accepted; being assessed', prepaid: 'Claim accepted; advance paid {paid}', settled: 'Settled: {paid} paid in all' },
  { accepted: '理赔已受理，正在核定', prepaid: '理赔已受理，已预付 {paid}', settled: '已结案：共支付 {paid}' },
);

/** What has been paid on the claim, in the claim's currency (the ledger holds one currency per case). */
function paid(view: CaseView, purpose?: 'prepayment'): string {
  const payments = (view.payments ?? []).filter((p) => !purpose || p.purpose === purpose);
  const currency = payments[0]?.amount.currency ?? view.prepayment?.cap.currency ?? 'CNY';
  return fmtMoney({ amount: payments.reduce((sum, p) => sum + p.amount.amount, 0), currency });
}

/** A claim's own states in the enterprise's words; in review and waiting for documents are the engine's. */
function applicantSummary(view: CaseView): string | undefined {
  if (view.status === 'accepted') return m('accepted');
  if (view.status === 'prepaid') return m('prepaid', { paid: paid(view, 'prepayment') });
  if (view.status === 'settled') return m('settled', { paid: paid(view) });
  return undefined;
}

export const web: ProcessWeb = { kind: 'claim-prepayment', statusLabels, CasePanel: ClaimPanel, approveFields: claimApproveFields, applicantSummary };
