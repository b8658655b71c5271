/**
 * What a process hands the case core and gets back (case-core.ts): the template and input fields the
 * core reads, the hooks by which a process says what its decisions mean, and the laid-out case that
 * its workflow runs and the API views.
 */
import type { HistoryBudgetRules } from '../../common/history-budget.js';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { AnyCaseView, CaseKind } from '../../common/types.js';
import type { CaseInputBase, DecisionInput } from '../definitions.js';
import type { FourEyesBar } from './actors.js';
import type { LadderStep } from './escalation.js';
import type { SupplementRules } from './supplement-wait.js';
import type { TaskState } from './tasks.js';

/** What the core reads of every process's template. */
export interface TemplateBase extends SupplementRules {
  historyBudget?: HistoryBudgetRules;
  id: string;
  title: string;
  kind: CaseKind;
  escalation: LadderStep[];
}

/**
 * What the core reads of a case's input (definitions.ts): the fields every process has, its
 * template, and its details only to show them in the view, so any process's input (OneStopInput,
 * ClaimInput, …) is one as it is, with no cast.
 */
export type CaseCoreInput<T> = CaseInputBase & { template: T; details: unknown };

export interface CaseCoreHooks<S extends string = string, V extends AnyCaseView = AnyCaseView> {
  /** The case deadline shown as `sla.deadlineAt` (and the DeadlineAt search attribute). */
  deadlineMs: (at: number) => number;
  /** The process's own fields of its view (every case's fields the core fills in). */
  extraView?: (at: number) => Omit<V, keyof AnyCaseView>;
  /** Refuses a decision the process does not allow (after the shared checks). */
  validateDecision?: (d: DecisionInput, task: TaskState) => void;
  /**
   * Who else four eyes bars from deciding `task` (the person who took the earlier step it checks),
   * each with why: they may not decide it, claim it or be assigned it (see CaseCore.barredFrom).
   */
  fourEyes?: (task: TaskState) => FourEyesBar[];
  /** What a recorded decision means for the process (the task is already marked decided). */
  onDecision: (d: DecisionInput, task: TaskState, at: number) => Promise<void>;
  /** Refuses a withdrawal the process does not allow at this point. */
  validateWithdraw?: () => void;
  /** Status after the supplement resumes the clock (default `in-review`). */
  statusAfterSupplement?: () => S;
}

/**
 * A case laid out from its input by its process: tasks, deadlines and state, with no command sent
 * and no handler registered yet, so the API can compute its first view outside a workflow too.
 */
export interface OpenedCase<V extends AnyCaseView = AnyCaseView> {
  /** What running it and viewing it need (a process's core is of its own template, statuses and view). */
  core: { run(): Promise<void>; view(): V; viewAt(at: number): V; searchAttributes(at?: number): SearchAttributeUpdatePair[] };
  /** Registers the process's query and update handlers (inside the workflow only). */
  registerHandlers(): void;
}

/** Runs a laid-out case to its end: the body of every case workflow. */
export async function runCase<V extends AnyCaseView>(opened: OpenedCase<V>): Promise<V> {
  opened.registerHandlers();
  await opened.core.run();
  return opened.core.view();
}
