/** The decision documents a claim issues: the prepayment notice and the settlement notice (docs/decision-documents.md): what each says, and its state now. */
import { formatMoney } from '../../common/money.js';
import type { Money } from '../../common/types.js';
import type { DocumentDraft } from '../decision-document.js';
import type { ClaimView } from './view.js';

/** Yuan with two decimals, as the applicant's documents state money (`12345 CNY` → `123.45 CNY`). */
const money = (m: Money) => formatMoney(m);

export function claimDocuments(view: ClaimView): DocumentDraft[] {
  const out: DocumentDraft[] = [];
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
