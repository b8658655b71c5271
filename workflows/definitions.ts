/**
 * The messages every case workflow understands, defined once and imported by the workflows, the API
 * and the tests (so a renamed update cannot silently drift between them). A process's own messages
 * live in its folder (processes/produce-first/messages.ts).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Applicant, CaseView, DecisionOutcome, FiledDocument, Money } from '../common/types.js';
import type { PinnedCalendar } from '../common/working-time.js';

/** What every new case workflow is handed, whatever its process; everything is already validated. */
export interface CaseInputBase {
  caseId: string;
  templateVersion: number;
  applicant: Applicant;
  openedBy: Actor;
  priority: boolean;
  /**
   * The calendar version the template's working time is counted on, pinned when the case opened:
   * a calendar published later never moves this case's due dates, and replay stays deterministic.
   */
  calendar?: PinnedCalendar;
  /**
   * When the case was filed, by the API's clock (ISO 8601): its clocks start here, and the API answers
   * the opening with the case's first view computed from this input (publication/first-view.ts) instead
   * of waiting for the workflow. Without it (a case a test starts directly), the clocks start at the
   * first workflow task's time.
   */
  openedAt?: string;
  /**
   * The case number issued by the API before the start (db/case-numbers.ts), e.g. SA-2026-000123.
   * A case started before numbers existed (a saved history) or directly by a test has none and is
   * known by its id (CaseCore.number).
   */
  number?: string;
  /** The documents filed with the opening, resolved against the document store by the API. */
  documents?: FiledDocument[];
}

/**
 * A case's input on a template of type T with details of type D: what each process's workflow takes
 * (processes/<kind>/input.ts). The union over every process is the registry's `OpenCaseInput`.
 */
export type CaseInput<T, D> = CaseInputBase & { template: T; details: D };

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
export interface OnBehalf {
  onBehalfOf?: string;
}

export interface SupplementInput extends OnBehalf {
  documents: FiledDocument[];
  note?: string;
  actor: Actor;
}

export interface WithdrawInput extends OnBehalf {
  reason: string;
  actor: Actor;
}

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
export const claimTaskUpdate = defineUpdate<CaseReceipt, [TaskWorkInput]>('claimTask');
export const releaseTaskUpdate = defineUpdate<CaseReceipt, [TaskWorkInput]>('releaseTask');
export const assignTaskUpdate = defineUpdate<CaseReceipt, [AssignInput]>('assignTask');
export const addCommentUpdate = defineUpdate<CaseReceipt, [CommentInput]>('addComment');
/** An admin asks a case stopped on an incident to run its failed activity again (workflows/lib/incidents.ts). */
export const retryIncidentUpdate = defineUpdate<CaseReceipt, [{ actor: Actor }]>('retryIncident');
