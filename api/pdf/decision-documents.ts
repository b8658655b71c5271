/**
 * A case's decision documents as the engine serves them (the PDF route, the verification page): its
 * process states them from the view (processes/<kind>/documents.ts); the engine adds the case and
 * the enterprise, and a withdrawal ends them all.
 */
import type { CaseView } from '../../common/types.js';
import type { DecisionDocument, DocumentKind } from '../../processes/decision-document.js';
import { documentDraftsOf } from '../../processes/registry.js';

export * from '../../processes/decision-document.js';

/** The case's documents, in the order they were issued. */
export function documentsOf(view: CaseView): DecisionDocument[] {
  const enterprise = { name: view.applicant.name, creditCode: view.applicant.creditCode };
  // A withdrawal ends every document the case had issued (only a provisional permit can still stand then).
  return documentDraftsOf(view).map((d) => ({ ...d, caseId: view.caseId, enterprise, state: view.status === 'withdrawn' ? 'withdrawn' : d.state }));
}

export function documentOf(view: CaseView, kind: DocumentKind): DecisionDocument | undefined {
  return documentsOf(view).find((d) => d.kind === kind);
}
