/** The decision documents produce first issues: the provisional permit, then the licence (docs/decision-documents.md): what each says, and its state now. */
import type { DocumentDraft, DocumentState } from '../decision-document.js';
import { day } from '../decision-document.js';
import type { ProduceFirstView } from './view.js';

/** A provisional permit stands while the enterprise produces; the licence replaces it, a revocation or withdrawal ends it. */
function permitState(status: ProduceFirstView['status']): DocumentState {
  if (status === 'suspended' || status === 'revoked' || status === 'withdrawn') return status;
  return status === 'certified' ? 'superseded' : 'valid';
}

export function produceFirstDocuments(view: ProduceFirstView): DocumentDraft[] {
  const out: DocumentDraft[] = [];
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
