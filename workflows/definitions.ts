/**
 * The messages a case workflow understands, defined once and imported by the workflow, the API and
 * the tests (so a renamed update cannot silently drift between them).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, Applicant, CaseView, DecisionOutcome, Document } from '../common/types.js';
import type { OneStopTemplate } from '../templates/schema.js';

export const TASK_QUEUE = 'onestop-cases';

/** What the API hands a new case workflow; everything is already validated. */
export interface OpenCaseInput<T = OneStopTemplate> {
  caseId: string;
  template: T;
  templateVersion: number;
  applicant: Applicant;
  details: Record<string, unknown>;
  openedBy: Actor;
  priority: boolean;
}

export interface DecisionInput {
  taskId: string;
  outcome: DecisionOutcome;
  comment?: string;
  requestedDocuments?: string[];
  actor: Actor;
}

export interface SupplementInput {
  documents: Document[];
  note?: string;
  actor: Actor;
}

export interface WithdrawInput {
  reason: string;
  actor: Actor;
}

export const getCaseQuery = defineQuery<CaseView>('getCase');
export const decideUpdate = defineUpdate<CaseView, [DecisionInput]>('decide');
export const supplementUpdate = defineUpdate<CaseView, [SupplementInput]>('supplement');
export const withdrawUpdate = defineUpdate<CaseView, [WithdrawInput]>('withdraw');

/** Workflow type names, as the API starts them and the worker registers them. */
export const WORKFLOW_TYPES = { 'one-stop-approval': 'oneStopApprovalWorkflow' } as const;
