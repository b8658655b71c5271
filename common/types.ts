/**
 * Plain data shared by workflows, activities, the API and tests.
 * Everything here travels as a Temporal payload (JSON), so: no Date, no Map, no classes.
 * This file has no runtime imports so the workflow bundle can use it freely.
 */

export const ROLES = ['applicant', 'caseworker', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated person behind a request, as the API read it from the JWT. */
export interface Actor {
  sub: string;
  name: string;
  roles: Role[];
  /** Department, for caseworkers and supervisors. */
  dept?: string;
  /** The applicant's unified social credit code, for applicants. */
  org?: string;
}

/** Who acts when the engine itself decides (deemed approval, breach). */
export const SYSTEM_ACTOR: Actor = { sub: 'system', name: 'OneStop engine', roles: [] };

export const ESCALATION_ACTIONS = ['reminder', 'supervisor', 'command-center'] as const;
export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];

export const TASK_STATUSES = ['open', 'decided', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const DECISION_OUTCOMES = ['approve', 'reject', 'request-info'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];
export type TaskOutcome = DecisionOutcome | 'deemed-approved';

/** The kinds of the registered processes (processes/index.ts); their statuses, each process's own (status.ts). */
export type { CaseKind, CaseStatus, CaseView, ClosedStatus } from '../processes/registry.js';
import type { CaseKind, CaseStatus, ClosedStatus } from '../processes/registry.js';

export const OBLIGATION_STATUSES = ['pending', 'submitted', 'verified', 'overdue'] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

/** Money: an integer count of minor units (fen for CNY) and an ISO 4217 currency. Never a float. */
export interface Money {
  amount: number;
  currency: string;
}

/** A payment made through the payments adapter (the ledger, locally): one per case and purpose. */
export interface PaymentRecord {
  paymentId: string;
  caseId: string;
  purpose: 'prepayment' | 'settlement';
  amount: Money;
  payee: { creditCode: string; name: string };
  paidAt: string;
  /** The disbursement system's reference (the ledger's own id locally). */
  reference: string;
}

export interface RecoveryRecord {
  recoveryId: string;
  caseId: string;
  amount: Money;
  reason: string;
  recordedAt: string;
}

/**
 * A document filed with a case, as its history records it: the uploaded file's SHA-256 and what
 * the store said of it (api/documents/), never its bytes. The archive's hash chain covers these
 * fields, so the digest proves which file a department read.
 */
export interface FiledDocument {
  /** SHA-256 of the bytes, lowercase hex: the key of the document store. */
  digest: string;
  name: string;
  /** Judged from the bytes when uploaded (application/pdf, image/png, image/jpeg, application/ofd). */
  mediaType: string;
  size: number;
}

export interface Applicant {
  creditCode: string;
  name: string;
  contact: { name: string; phone: string; email: string };
}

export interface TaskView {
  taskId: string;
  dept: string;
  title: string;
  status: TaskStatus;
  openedAt: string;
  /**
   * Due date: moves later by every stop of the clock after the task opened, until the task is
   * decided; a decided task keeps the due date in force at its decision (so on-time is decidable).
   */
  dueAt: string;
  outcome: TaskOutcome | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  /** Time from the task's opening to its decision with the case's clock stops taken out; null until decided. */
  decidedNetMs: number | null;
  comment: string | null;
  /** Documents asked for by the latest `request-info`. */
  requestedDocuments: string[];
  /** Highest ladder step reached: 0 none, 1 the first step, … */
  escalationLevel: number;
  /** The task's SLA length (its due date is this long after it opened, plus stopped time). */
  slaMs: number;
  /**
   * Time left on an open task. The workflow fills it in only while the clock is stopped (it is then
   * constant); otherwise it is null there, and the API answers `dueAt − now`.
   */
  remainingMs: number | null;
  /** The officer who holds (claimed, or was assigned) the task; null when nobody does. */
  assignee: string | null;
  assigneeName: string | null;
}

/** An internal note on a case (staff and auditors; not shown to the applicant). */
export interface CommentRecord {
  at: string;
  by: string;
  byName: string;
  text: string;
  taskId: string | null;
}

export interface EscalationRecord {
  at: string;
  taskId: string;
  action: EscalationAction;
  /** Index of the ladder step (1-based), so two steps with the same action stay distinct. */
  level: number;
}

export interface SupplementRecord {
  at: string;
  by: string;
  byName: string;
  documents: FiledDocument[];
  note: string | null;
  /** How long the clocks were stopped, in milliseconds. */
  pausedMs: number;
}

export interface CaseDecision {
  status: ClosedStatus;
  /** Formal number: the decision number of an approval, the licence number of a certification. */
  number: string | null;
  at: string;
  by: string;
  /** Reasons given: reject comments per task, or the withdrawal reason. */
  reasons: { taskId: string | null; reason: string }[];
  /** Follow-up allocations (land, water, electricity) notified on approval. */
  followUps: { dept: string; title: string }[];
}

export interface SlaView {
  deadlineAt: string;
  paused: boolean;
  pausedMs: number;
  breached: boolean;
  breachedAt: string | null;
  /** While the case waits for a supplement: the date by which the applicant must supply it (null otherwise). */
  supplementDueAt: string | null;
  /** The calendar version the case's working time is counted on, pinned when it opened (null: wall-clock only). */
  calendar: { id: string; version: number } | null;
}

/**
 * What every case's view has, whatever its process: a process's view (processes/<kind>/view.ts) is
 * this with its kind, its statuses, its details and its own fields; `CaseView` is their union.
 */
export interface CaseViewBase<K extends string = CaseKind, S extends string = CaseStatus, D = Record<string, unknown>> {
  caseId: string;
  /** The number people read and say (SA-2026-000123); the id for a case opened before numbers existed. */
  number: string;
  templateId: string;
  templateVersion: number;
  kind: K;
  title: string;
  status: S;
  priority: boolean;
  openedAt: string;
  openedBy: string;
  openedByName: string;
  /** Department of the caseworker who opened the case (null when the applicant opened it). */
  openedByDept: string | null;
  closedAt: string | null;
  /** `contact` is shown only to the departments on the case and to auditors (api/access-policy.ts). */
  applicant: { creditCode: string; name: string; contact?: Applicant['contact'] };
  details: D;
  /** The documents filed with the opening (supplements and a process's own filings carry theirs). */
  documents: FiledDocument[];
  sla: SlaView;
  tasks: TaskView[];
  escalations: EscalationRecord[];
  supplements: SupplementRecord[];
  comments: CommentRecord[];
  decision: CaseDecision | null;
  /** Only while the case is stopped on an incident (workflows/lib/incidents.ts); never projected. */
  incident?: IncidentView;
}

/**
 * A view of any process, named without the registry (whose unions are built from the processes,
 * which are themselves built on this): what the case core and the process contract are generic over.
 */
export type AnyCaseView = CaseViewBase<string, string, unknown>;

/** A case stopped on an activity that retrying cannot cure, until an admin retries it. */
export interface IncidentView {
  /** The activity that failed (`publishCase`, `issueNumber`, …). */
  activity: string;
  /** PostgreSQL's SQLSTATE (`22P02`), or the failure type. */
  code: string;
  /** Why, in words that quote none of the case's data. */
  reason: string;
  since: string;
  /** Failures of this incident: the first, and one per retry that failed again. */
  attempts: number;
}

/** One open task as the inbox lists it (db/tasks.ts reads it from the case_tasks projection). */
export interface InboxTask {
  caseId: string;
  /** The case's number (CaseViewBase.number). */
  caseNumber: string;
  taskId: string;
  title: string;
  dept: string;
  dueAt: string;
  remainingMs: number;
  paused: boolean;
  escalationLevel: number;
  /** The highest step of the task's escalation ladder reached since the task (last) opened, or null. */
  escalation: Omit<EscalationRecord, 'taskId'> | null;
  assignee: string | null;
  assigneeName: string | null;
  caseTitle: string;
  applicantName: string;
  priority: boolean;
  breached: boolean;
  templateId: string;
  openedAt: string;
  slaMs: number;
}
