/**
 * Who works on a task, and the notes on a case: claiming a task so that two officers do not work
 * on the same one, giving it back, a supervisor handing it to an officer, and internal comments.
 * Each is an update, so the case's history records who did it and when. `check*` methods refuse
 * (they run in validators, before anything is recorded); `apply*` methods change the case.
 * Whoever four eyes bars from deciding a task may not claim it or be assigned it either (they could
 * only hold it until a supervisor freed it); that is checked in the validators only, so a rule added
 * later leaves running cases replaying.
 */
import type { Actor, CommentRecord } from '../../common/types.js';
import type { AssignInput, CommentInput, TaskWorkInput } from '../definitions.js';
import { barOf, isStaffOf, type FourEyesBar } from './actors.js';
import { conflict, forbidden, notFound } from './refusals.js';
import type { TaskState } from './tasks.js';
import { iso } from './time.js';

const isSupervisorOf = (actor: Actor, dept: string) => actor.dept === dept && actor.roles.includes('supervisor');

/** Who four eyes bars from deciding a task, each with why (CaseCore.barredFrom). */
export type BarredFrom = (task: TaskState) => FourEyesBar[];

export class TaskWork {
  readonly comments: CommentRecord[] = [];

  constructor(
    private readonly tasks: TaskState[],
    /** Departments involved in the case beyond its tasks (the one that opened it). */
    private readonly openingDept: string | undefined,
  ) {}

  private openTask(taskId: string): TaskState {
    const task = this.tasks.find((t) => t.taskId === taskId);
    if (!task) return notFound(`no task ${taskId} on this case`);
    if (task.status !== 'open') conflict(`task ${taskId} is not open (${task.status === 'decided' ? `decided: ${task.outcome}` : task.status})`);
    return task;
  }

  /** The claim's validator: also refuses whoever four eyes bars from deciding the task. */
  checkClaim(input: TaskWorkInput, barredFrom: BarredFrom): TaskState {
    return this.claimable(input, barredFrom);
  }

  applyClaim(input: TaskWorkInput): void {
    const task = this.claimable(input);
    task.assignee = { sub: input.actor.sub, name: input.actor.name };
  }

  private claimable({ taskId, actor }: TaskWorkInput, barredFrom?: BarredFrom): TaskState {
    const task = this.openTask(taskId);
    if (!(actor.dept === task.dept && actor.roles.includes('caseworker'))) forbidden(`task ${taskId} is claimed by a caseworker of department ${task.dept}`);
    const bar = barredFrom && barOf(actor.sub, barredFrom(task));
    if (bar) forbidden(`four eyes: you are the ${bar.role} and may not decide task ${taskId}, so you may not claim it`);
    if (task.assignee && task.assignee.sub !== actor.sub) conflict(`task ${taskId} is held by another officer`);
    return task;
  }

  checkRelease({ taskId, actor }: TaskWorkInput): TaskState {
    const task = this.openTask(taskId);
    if (!task.assignee) conflict(`nobody holds task ${taskId}`);
    if (task.assignee?.sub !== actor.sub && !isSupervisorOf(actor, task.dept)) {
      forbidden(`task ${taskId} is released by the officer who holds it or a supervisor of department ${task.dept}`);
    }
    return task;
  }

  applyRelease(input: TaskWorkInput): void {
    this.checkRelease(input).assignee = null;
  }

  /** The assignment's validator: also refuses an assignee whom four eyes bars from deciding the task. */
  checkAssign(input: AssignInput, barredFrom: BarredFrom): TaskState {
    const task = this.assignable(input);
    const { sub, name } = input.assignee;
    const bar = barOf(sub, barredFrom(task));
    if (bar) forbidden(`four eyes: ${name} (${sub}) is the ${bar.role} and may not decide task ${task.taskId}, so may not be assigned it`);
    return task;
  }

  applyAssign(input: AssignInput): void {
    this.assignable(input).assignee = { sub: input.assignee.sub, name: input.assignee.name };
  }

  private assignable({ taskId, actor }: AssignInput): TaskState {
    const task = this.openTask(taskId);
    if (!isSupervisorOf(actor, task.dept)) forbidden(`task ${taskId} is assigned by a supervisor of department ${task.dept}`);
    return task;
  }

  /** A claimed task is decided by the officer who holds it, or by a supervisor of its department. */
  checkHolder(task: TaskState, actor: Actor): void {
    if (task.assignee && task.assignee.sub !== actor.sub && !isSupervisorOf(actor, task.dept)) {
      conflict(`task ${task.taskId} is held by another officer`);
    }
  }

  checkComment({ taskId, actor }: CommentInput): void {
    if (taskId !== undefined && !this.tasks.some((t) => t.taskId === taskId)) notFound(`no task ${taskId} on this case`);
    const involved = [this.openingDept, ...this.tasks.map((t) => t.dept)].some((d) => d !== undefined && isStaffOf(actor, d));
    if (!involved && !actor.roles.includes('auditor')) forbidden('comments are written by the departments on the case and by auditors');
  }

  applyComment(input: CommentInput, at: number): void {
    this.checkComment(input);
    this.comments.push({ at: iso(at), by: input.actor.sub, byName: input.actor.name, text: input.text, taskId: input.taskId ?? null });
  }
}
