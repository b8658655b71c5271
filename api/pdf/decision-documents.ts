/**
 * The decision documents a case has, derived from its view alone (the view is the record the
 * applicant and the verification page both see): what each says, and what state it is in now.
 * A document exists once its number does: an approval's decision number, a produce-first case's
 * provisional permit and licence numbers, a claim's payment (or recovery) references.
 */
import type { CaseView, Money } from '../../common/types.js';
import { formatMoney } from '../../common/money.js';

export const DOCUMENT_KINDS = ['decision', 'provisional-permit', 'licence', 'prepayment-notice', 'settlement-notice'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_STATES = ['valid', 'suspended', 'revoked', 'superseded', 'withdrawn'] as const;
export type DocumentState = (typeof DOCUMENT_STATES)[number];

/** Every text on a document is in both languages, Chinese first. */
export interface Bilingual {
  zh: string;
  en: string;
}

export const KIND_TITLES: Record<DocumentKind, Bilingual> = {
  decision: { zh: '一站式审批决定书', en: 'One-stop approval decision' },
  'provisional-permit': { zh: '临时生产许可证', en: 'Provisional production permit' },
  licence: { zh: '生产许可证', en: 'Production licence' },
  'prepayment-notice': { zh: '预付款通知书', en: 'Prepayment notice' },
  'settlement-notice': { zh: '结算通知书', en: 'Settlement notice' },
};

export const STATE_TITLES: Record<DocumentState, Bilingual> = {
  valid: { zh: '有效', en: 'Valid' },
  suspended: { zh: '已暂停', en: 'Suspended' },
  revoked: { zh: '已撤销', en: 'Revoked' },
  superseded: { zh: '已被正式许可证取代', en: 'Superseded by the licence' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
};

export interface DecisionDocument {
  kind: DocumentKind;
  number: string;
  caseId: string;
  enterprise: { name: string; creditCode: string };
  issuedAt: string;
  state: DocumentState;
  /** What was decided: the departments that approved, the permit's obligations, the amounts. */
  lines: Bilingual[];
}

/** Yuan with two decimals, as the applicant's documents state money (`12345 CNY` → `123.45 CNY`). */
const money = (m: Money) => formatMoney(m);
const day = (iso: string) => iso.slice(0, 10);

type Draft = Omit<DecisionDocument, 'caseId' | 'enterprise'>;

function oneStopDocuments(view: Extract<CaseView, { kind: 'one-stop-approval' }>): Draft[] {
  const d = view.decision;
  if (view.status !== 'approved' || !d?.number) return [];
  const approved = view.tasks.filter((t) => t.outcome === 'approve' || t.outcome === 'deemed-approved');
  const lines = approved.map((t) => ({
    zh: `${t.outcome === 'deemed-approved' ? '视为批准' : '批准'}：${t.title}（${t.dept}）`,
    en: `${t.outcome === 'deemed-approved' ? 'Deemed approved' : 'Approved'}: ${t.title} (${t.dept})`,
  }));
  for (const f of d.followUps) lines.push({ zh: `后续办理：${f.title}（${f.dept}）`, en: `Follow-up: ${f.title} (${f.dept})` });
  return [{ kind: 'decision', number: d.number, issuedAt: d.at, state: 'valid', lines }];
}

/** A provisional permit stands while the enterprise produces; the licence replaces it, a revocation or withdrawal ends it. */
function permitState(status: Extract<CaseView, { kind: 'produce-first-certify-later' }>['status']): DocumentState {
  if (status === 'suspended' || status === 'revoked' || status === 'withdrawn') return status;
  return status === 'certified' ? 'superseded' : 'valid';
}

function produceFirstDocuments(view: Extract<CaseView, { kind: 'produce-first-certify-later' }>): Draft[] {
  const out: Draft[] = [];
  if (view.permit?.number) {
    const lines = view.obligations.map((o) => ({
      zh: `须于 ${o.dueAt ? day(o.dueAt) : o.due} 前取得：${o.title}（${o.dept}）`,
      en: `To obtain by ${o.dueAt ? day(o.dueAt) : o.due}: ${o.title} (${o.dept})`,
    }));
    out.push({ kind: 'provisional-permit', number: view.permit.number, issuedAt: view.permit.issuedAt, state: permitState(view.status), lines });
  }
  if (view.status === 'certified' && view.decision?.number) {
    const lines = view.obligations.map((o) => {
      const cert = o.filings.find((f) => f.outcome === 'verified');
      return { zh: `已核验：${o.title}${cert ? `（证书 ${cert.number}）` : ''}`, en: `Verified: ${o.title}${cert ? ` (certificate ${cert.number})` : ''}` };
    });
    out.push({ kind: 'licence', number: view.decision.number, issuedAt: view.decision.at, state: 'valid', lines });
  }
  return out;
}

function claimDocuments(view: Extract<CaseView, { kind: 'claim-prepayment' }>): Draft[] {
  const out: Draft[] = [];
  const prepayment = view.payments.find((p) => p.purpose === 'prepayment');
  if (prepayment) {
    const lines = [
      { zh: `预付金额：${money(prepayment.amount)}`, en: `Amount prepaid: ${money(prepayment.amount)}` },
      { zh: `收款单位：${prepayment.payee.name}`, en: `Payee: ${prepayment.payee.name}` },
    ];
    out.push({ kind: 'prepayment-notice', number: prepayment.paymentId, issuedAt: prepayment.paidAt, state: 'valid', lines });
  }
  const s = view.settlement;
  const paid = view.payments.find((p) => p.purpose === 'settlement');
  // A settlement with nothing paid and nothing to recover moves no money, so it has no reference to number a notice by.
  const numbered = paid ? { number: paid.paymentId, at: paid.paidAt } : s?.recovery ? { number: s.recovery.recoveryId, at: s.recovery.recordedAt } : null;
  if (s && numbered) {
    const lines = [
      { zh: `核定金额：${money(s.assessed)}`, en: `Amount assessed: ${money(s.assessed)}` },
      { zh: `已预付：${money(s.prepaid)}`, en: `Already prepaid: ${money(s.prepaid)}` },
      s.remainder.amount > 0
        ? { zh: `补付余额：${money(s.remainder)}`, en: `Remainder paid: ${money(s.remainder)}` }
        : {
            zh: `应退回：${money({ ...s.remainder, amount: -s.remainder.amount })}`,
            en: `To be recovered: ${money({ ...s.remainder, amount: -s.remainder.amount })}`,
          },
    ];
    out.push({ kind: 'settlement-notice', number: numbered.number, issuedAt: numbered.at, state: 'valid', lines });
  }
  return out;
}

/** The case's documents, in the order they were issued. */
export function documentsOf(view: CaseView): DecisionDocument[] {
  const drafts =
    view.kind === 'one-stop-approval'
      ? oneStopDocuments(view)
      : view.kind === 'produce-first-certify-later'
        ? produceFirstDocuments(view)
        : claimDocuments(view);
  const enterprise = { name: view.applicant.name, creditCode: view.applicant.creditCode };
  // A withdrawal ends every document the case had issued (only a provisional permit can still stand then).
  return drafts.map((d) => ({ ...d, caseId: view.caseId, enterprise, state: view.status === 'withdrawn' ? 'withdrawn' : d.state }));
}

export function documentOf(view: CaseView, kind: DocumentKind): DecisionDocument | undefined {
  return documentsOf(view).find((d) => d.kind === kind);
}
