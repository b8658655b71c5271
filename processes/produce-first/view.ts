/** A produce-first case as its view shows it: every case's fields, the pledge, the permit, the obligations, the suspensions. */
import type { CaseViewBase, FiledDocument, ObligationStatus } from '../../common/types.js';
import type { ProduceFirstDetails } from './details.js';
import type { ProduceFirstStatus } from './status.js';

/** A certificate filed for an obligation, with what became of it. */
export interface FilingRecord {
  number: string;
  issuer: string;
  issuedAt: string;
  document: FiledDocument;
  filedAt: string;
  filedBy: string;
  outcome: 'pending' | 'verified' | 'rejected';
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

/** Produce first: a qualification the enterprise must obtain within `due` of the provisional permit. */
export interface ObligationView {
  qualification: string;
  dept: string;
  title: string;
  due: string;
  status: ObligationStatus;
  dueAt: string | null;
  /** When the due date passed unverified (it stays set once overdue). */
  overdueAt: string | null;
  remindersSent: { at: string; before: string }[];
  /** Reason of the latest rejected filing, cleared by a verified one. */
  rejectionReason: string | null;
  filings: FilingRecord[];
}

export interface PermitView {
  /** Null only for the moment between the eligibility approval and the number's issue. */
  number: string | null;
  issuedAt: string;
}

export interface SuspensionView {
  at: string;
  reason: string;
  /** When the permit is revoked unless every overdue certificate is verified first. */
  revokeAt: string;
  reinstatedAt: string | null;
}

/** The fields a produce-first case's view has besides every case's. */
export interface ProduceFirstFields {
  pledge: { signedBy: string; text: string; signedAt: string };
  permit: PermitView | null;
  obligations: ObligationView[];
  suspensions: SuspensionView[];
}

export type ProduceFirstView = CaseViewBase<'produce-first-certify-later', ProduceFirstStatus, ProduceFirstDetails> & ProduceFirstFields;
