/**
 * The messages a case workflow understands, defined once and imported by the workflow, the API and
 * the tests (so a renamed update cannot silently drift between them).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Applicant, CaseKind, CaseView, DecisionOutcome, Document, Money } from '../common/types.js';
import type { PinnedCalendar } from '../common/working-time.js';
import type { Template } from '../templates/schema.js';
// Types only: the API imports this file and must not load workflow code.
import type * as workflows from './index.js';

/** What the API hands a new case workflow; everything is already validated. */
export interface OpenCaseInput<T = Template> {
  caseId: string;
  template: T;
  templateVersion: number;
  applicant: Applicant;
  details: Record<string, unknown>;
  openedBy: Actor;
  priority: boolean;
  /**
   * The calendar version the template's working time is counted on, pinned when the case opened:
   * a calendar published later never moves this case's due dates, and replay stays deterministic.
   */
  calendar?: PinnedCalendar;
  /**
   * When the case was filed, by the API's clock (ISO 8601): its clocks start here, and the API answers
   * the opening with the case's first view computed from this input (workflows/first-view.ts) instead
   * of waiting for the workflow. Without it (a case a test starts directly), the clocks start at the
   * first workflow task's time.
   */
  openedAt?: string;
}

export interface DecisionInput {
  taskId: string;
  outcome: DecisionOutcome;
  comment?: string;
  requestedDocuments?: string[];
  /** Claims: the proposed prepayment or the assessed amount. */
  amount?: Money;
  actor: Actor;
}

/**
 * Set when a caseworker of the opening department acts for the applicant enterprise (the credit
 * code it acts for), so the history records both who acted and for whom.
 */
interface OnBehalf {
  onBehalfOf?: string;
}

export interface SupplementInput extends OnBehalf {
  documents: Document[];
  note?: string;
  actor: Actor;
}

export interface WithdrawInput extends OnBehalf {
  reason: string;
  actor: Actor;
}

/** Produce first: a certificate filed for one of the case's obligations. */
export interface CertificateInput extends OnBehalf {
  qualification: string;
  number: string;
  issuer: string;
  issuedAt: string;
  documentRef: string;
  actor: Actor;
}

/** Produce first: the verification task of a qualification (`verify:<qualification>`), in the case and in its timeline. */
export const verifyTaskId = (qualification: string): string => `verify:${qualification}`;

/** Task work: take a task, give it back, or (a supervisor) hand it to an officer. */
export interface TaskWorkInput {
  taskId: string;
  actor: Actor;
}

export interface AssignInput extends TaskWorkInput {
  assignee: { sub: string; name: string };
}

/** An internal note on the case, optionally about one task. */
export interface CommentInput {
  text: string;
  taskId?: string;
  actor: Actor;
}

/**
 * What every update answers: which publication of the case shows the change (the `cases` projection
 * row once its `seq` reaches this one), not the case itself. An update's answer is recorded in the
 * history, so answering with the whole case recorded it again at every update: a case's history grew
 * with the square of its comments. The API reads the case from the projection, which the same
 * workflow task has written by the time the answer arrives.
 */
export interface CaseReceipt {
  caseId: string;
  seq: number;
  /** A supplement: how long the clocks stood still and the case deadline after it (for the audit timeline). */
  resumed?: { stoppedMs: number; deadlineAt: string };
}

export const getCaseQuery = defineQuery<CaseView>('getCase');
export const decideUpdate = defineUpdate<CaseReceipt, [DecisionInput]>('decide');
export const supplementUpdate = defineUpdate<CaseReceipt, [SupplementInput]>('supplement');
export const withdrawUpdate = defineUpdate<CaseReceipt, [WithdrawInput]>('withdraw');
export const fileCertificateUpdate = defineUpdate<CaseReceipt, [CertificateInput]>('fileCertificate');
export const claimTaskUpdate = defineUpdate<CaseReceipt, [TaskWorkInput]>('claimTask');
export const releaseTaskUpdate = defineUpdate<CaseReceipt, [TaskWorkInput]>('releaseTask');
export const assignTaskUpdate = defineUpdate<CaseReceipt, [AssignInput]>('assignTask');
export const addCommentUpdate = defineUpdate<CaseReceipt, [CommentInput]>('addComment');
/** An admin asks a case stopped on an incident to run its failed activity again (workflows/lib/incidents.ts). */
export const retryIncidentUpdate = defineUpdate<CaseReceipt, [{ actor: Actor }]>('retryIncident');

type Workflows = typeof workflows;

/** The names of the registered workflows (workflows/index.ts) whose input takes a template of kind K. */
type WorkflowFor<K extends CaseKind> = {
  [W in keyof Workflows]: Parameters<Workflows[W]>[0] extends OpenCaseInput<infer T> ? (T extends { kind: K } ? W : never) : never;
}[keyof Workflows];

/**
 * Workflow type names, as the API starts them and the worker registers them: each the name of the
 * exported workflow function that interprets that kind (checked against workflows/index.ts).
 */
export const WORKFLOW_TYPES = {
  'one-stop-approval': 'oneStopApprovalWorkflow',
  'produce-first-certify-later': 'produceFirstWorkflow',
  'claim-prepayment': 'claimPrepaymentWorkflow',
} as const satisfies { [K in CaseKind]: WorkflowFor<K> };
