/** The decision documents a one-stop approval issues: its decision, once approved (docs/decision-documents.md): what each says, and its state now. */
import type { DocumentDraft } from '../decision-document.js';
import type { OneStopView } from './view.js';

export function oneStopDocuments(view: OneStopView): DocumentDraft[] {
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
