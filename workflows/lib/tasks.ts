/**
 * A task: one department's unit of work on a case. Open until a caseworker or supervisor of that
 * department decides it; decided once (a `request-info` decision is reopened by the supplement).
 */
import type { Actor, TaskOutcome, TaskStatus, TaskView } from '../../common/types.js';
import { assertDeptMember, assertFourEyes, type FourEyesBar } from './actors.js';
import type { CaseTime, Period, Span } from './case-time.js';
import { conflict, notFound } from './refusals.js';
import { iso } from './time.js';

export interface TaskState {
  taskId: string;
  dept: string;
  title: string;
  status: TaskStatus;
  openedAtMs: number;
  /** The task's SLA, and where it counts from (working days start with the next working day). */
  sla: Period;
  span: Span;
  /** Pause total when the task opened: its due date moves by every stop after that. */
  mark: number;
  outcome: TaskOutcome | null;
  decidedBy: Actor | null;
  decidedAtMs: number | null;
  /** Time from opening to the decision with the case's clock stops taken out (wall time). */
  netMs: number | null;
  /** The due date in force when the task was decided: a later stop of the case's clock no longer moves it. */
  dueAtDecisionMs: number | null;
  comment: string | null;
  requestedDocuments: string[];
  escalationLevel: number;
  /** Rounds of work on this task: a verification reopened for a new filing is round 2, … */
  round: number;
  /** Who filed the supplements this task asked for: four eyes bars them from deciding it (and so from holding it). */
  supplementedBy: string[];
  /** The officer who holds the task (claimed it, or was assigned it by a supervisor). */
  assignee: { sub: string; name: string } | null;
}

export interface TaskSpec {
  taskId: string;
  dept: string;
  title: string;
  sla: Period;
}

export function openTask(spec: TaskSpec, at: number, time: CaseTime): TaskState {
  return {
    taskId: spec.taskId,
    dept: spec.dept,
    title: spec.title,
    sla: spec.sla,
    span: time.span(spec.sla, at),
    status: 'open',
    openedAtMs: at,
    mark: time.clock.pausedMs(at),
    outcome: null,
    decidedBy: null,
    decidedAtMs: null,
    netMs: null,
    dueAtDecisionMs: null,
    comment: null,
    requestedDocuments: [],
    escalationLevel: 0,
    round: 1,
    supplementedBy: [],
    assignee: null,
  };
}

export function taskDueMs(task: TaskState, time: CaseTime, at: number): number {
  return time.due(task.span, task.mark, at);
}

/**
 * Finds the task a decision names, refusing as the API contract says (404 / 403 / 409). With
 * `barredFrom` (the validator: CaseCore.barredFrom) it refuses whoever four eyes bars from the task;
 * the handler passes none, so a four-eyes rule added later leaves running cases replaying.
 */
export function checkDecidable(tasks: TaskState[], taskId: string, actor: Actor, barredFrom?: (task: TaskState) => FourEyesBar[]): TaskState {
  const task = tasks.find((t) => t.taskId === taskId);
  if (!task) return notFound(`no task ${taskId} on this case`);
  assertDeptMember(actor, task.dept, `task ${taskId}`);
  if (barredFrom) assertFourEyes(actor, barredFrom(task));
  if (task.status === 'cancelled') conflict(`task ${taskId} was cancelled`);
  if (task.status === 'decided') {
    conflict(
      task.outcome === 'request-info' ? `task ${taskId} is waiting for the applicant's supplement` : `task ${taskId} was already decided (${task.outcome})`,
    );
  }
  return task;
}

export function decideTask(
  task: TaskState,
  time: CaseTime,
  outcome: TaskOutcome,
  actor: Actor,
  at: number,
  comment?: string,
  requestedDocuments?: string[],
): void {
  task.status = 'decided';
  task.outcome = outcome;
  task.decidedBy = actor;
  task.decidedAtMs = at;
  task.netMs = at - task.openedAtMs - (time.clock.pausedMs(at) - task.mark);
  // A request for information reopens the task when the clock restarts: its due date keeps moving.
  task.dueAtDecisionMs = outcome === 'request-info' ? null : taskDueMs(task, time, at);
  task.comment = comment ?? null;
  task.requestedDocuments = requestedDocuments ?? [];
}

/** The supplement arrived (filed by `filedBy`): a task that asked for information is open again. */
export function reopenAfterSupplement(task: TaskState, filedBy: string): void {
  task.supplementedBy.push(filedBy);
  task.status = 'open';
  task.outcome = null;
  task.decidedBy = null;
  task.decidedAtMs = null;
  task.netMs = null;
  task.dueAtDecisionMs = null;
}

export function cancelTask(task: TaskState): void {
  task.status = 'cancelled';
}

export function taskView(task: TaskState, time: CaseTime, at: number): TaskView {
  return {
    taskId: task.taskId,
    dept: task.dept,
    title: task.title,
    status: task.status,
    openedAt: iso(task.openedAtMs),
    dueAt: iso(task.dueAtDecisionMs ?? taskDueMs(task, time, at)),
    outcome: task.outcome,
    decidedBy: task.decidedBy?.sub ?? null,
    decidedByName: task.decidedBy?.name ?? null,
    decidedAt: task.decidedAtMs === null ? null : iso(task.decidedAtMs),
    decidedNetMs: task.netMs,
    comment: task.comment,
    requestedDocuments: task.requestedDocuments,
    escalationLevel: task.escalationLevel,
    slaMs: task.span.budgetMs,
    remainingMs: remainingWhileStopped(task, time),
    assignee: task.assignee?.sub ?? null,
    assigneeName: task.assignee?.name ?? null,
  };
}

/**
 * Time left on an open task while the clock is stopped: constant for the whole stop, so the view
 * stays the same between changes (a value that moved with time would make every publish a change).
 */
function remainingWhileStopped(task: TaskState, time: CaseTime): number | null {
  const stoppedAt = time.clock.stoppedAt;
  if (task.status !== 'open' || stoppedAt === null) return null;
  return taskDueMs(task, time, stoppedAt) - stoppedAt;
}
