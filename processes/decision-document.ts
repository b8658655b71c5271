/**
 * The decision documents cases issue, as every process states its own (its `documents(view)`,
 * processes/<kind>/documents.ts): the kinds, their states, and what a document carries. A document
 * exists once its number does; what it says and its state now come from the case's view alone (the
 * record the applicant and the verification page both see).
 */

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

/** A document as its process states it; the engine adds the case and the enterprise. */
export type DocumentDraft = Omit<DecisionDocument, 'caseId' | 'enterprise'>;

/** The date part of an instant, as documents print it. */
export const day = (iso: string) => iso.slice(0, 10);
