/**
 * What every case process shares, written once: the case record (status, tasks, escalations,
 * supplements, decision), opening tasks with their escalation ladder, closing, notifications,
 * the standard view and search attributes; the handlers every process answers in the same way are
 * in case-handlers.ts.
 * A process workflow creates a CaseCore, adds its tasks and deadlines, says what a decision means
 * for it (`onDecision`), and runs.
 */
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import type { NotificationInput, NotificationKind } from '../../common/notifications.js';
import {
  ApplicantCodeKey,
  BreachedKey,
  CaseKindKey,
  CaseStatusKey,
  DeadlineAtKey,
  OpenDeptsKey,
  PriorityKey,
  TemplateIdKey,
} from '../../common/search-attributes.js';
import {
  SYSTEM_ACTOR,
  type Actor,
  type CaseDecision,
  type CaseKind,
  type AnyCaseView,
  type CaseViewBase,
  type FiledDocument,
  type EscalationRecord,
  type SupplementRecord,
} from '../../common/types.js';
import type { CaseReceipt } from '../definitions.js';
import { assertApplicantOrOpeningDept, type FourEyesBar } from './actors.js';
import { WorkingTime } from '../../common/working-time.js';
import { activities, CaseRuntime, localActivities } from './case-runtime.js';
import { assertHistoryRoom } from './history-budget.js';
import { escalationGroup, scheduleLadder } from './escalation.js';
import { conflict } from './refusals.js';
import { SupplementWait } from './supplement-wait.js';
import { TaskWork } from './task-work.js';
import { registerCaseHandlers } from './case-handlers.js';
import { cancelTask, openTask, reopenAfterSupplement, taskView, type TaskSpec, type TaskState } from './tasks.js';
import { StatusMachine, type CoreStatus, type Transitions } from './status.js';
import { iso, now } from './time.js';
import type { CaseCoreHooks, CaseCoreInput, TemplateBase } from './case-contract.js';

export { runCase, type CaseCoreHooks, type OpenedCase, type TemplateBase } from './case-contract.js';
import type { CaseStatus, ClosedStatus } from '../../processes/registry.js';

type NumberRequest = { caseId: string; purpose: string; prefix: string };

export type NotificationFields = Omit<NotificationInput, 'key' | 'caseId' | 'kind' | 'at' | 'taskId' | 'action' | 'level'> &
  Partial<Pick<NotificationInput, 'taskId' | 'action' | 'level'>>;

export class CaseCore<T extends TemplateBase = TemplateBase, S extends CaseStatus = CaseStatus, V extends AnyCaseView = AnyCaseView> {
  readonly caseId: string;
  /** What the case is called in its view and notices (definitions.ts `number`): its id when its input has none. */
  readonly number: string;
  readonly template: T;
  readonly openedAtMs: number;
  /** Every case opens in review; its process's table (processes/<kind>/status.ts) says where it may go. */
  readonly status: StatusMachine<S | CoreStatus>;
  closedAtMs: number | null = null;
  breachedAtMs: number | null = null;
  decision: CaseDecision | null = null;
  readonly tasks: TaskState[] = [];
  readonly escalations: EscalationRecord[] = [];
  readonly supplements: SupplementRecord[] = [];
  private readonly rt: CaseRuntime;
  readonly work: TaskWork;
  private readonly supplementWait: SupplementWait;

  constructor(
    readonly input: CaseCoreInput<T>,
    statuses: Transitions<S | CoreStatus>,
    private readonly hooks: CaseCoreHooks<S, V>,
  ) {
    this.caseId = input.caseId;
    this.number = input.number ?? input.caseId;
    this.status = new StatusMachine(statuses, input.caseId, 'in-review');
    this.template = input.template;
    this.openedAtMs = input.openedAt === undefined ? now() : Date.parse(input.openedAt);
    this.work = new TaskWork(this.tasks, input.openedBy.dept);
    this.rt = new CaseRuntime(
      this.caseId,
      { view: () => this.view(), searchAttributes: () => this.searchAttributes(), isClosed: () => this.closed },
      input.calendar ? new WorkingTime(input.calendar) : null,
    );
    this.supplementWait = new SupplementWait(
      {
        time: this.rt.time,
        deadlines: this.rt.deadlines,
        tellApplicant: (kind, keySuffix, message, at, taskId) => this.tellApplicant(kind, keySuffix, message, at, taskId),
        abandon: (reason) => this.close('abandoned', SYSTEM_ACTOR, [{ taskId: null, reason }]),
        resumeWithout: (note) => this.resumeAfterSupplement(SYSTEM_ACTOR, [], note),
      },
      this.template,
      input.calendar !== undefined,
    );
  }

  get closed(): boolean {
    return this.closedAtMs !== null;
  }

  /** The activities a process may call (payments, formal numbers); notifications go through notify(). */
  readonly activities = {
    pay: (r: Parameters<typeof activities.pay>[0]) => this.rt.incidents.guard('pay', () => activities.pay(r)),
    recordRecovery: (r: Parameters<typeof activities.recordRecovery>[0]) => this.rt.incidents.guard('recordRecovery', () => activities.recordRecovery(r)),
    issueNumber: (r: NumberRequest) => this.rt.incidents.guard('issueNumber', () => this.issueNumber(r)),
  };

  /**
   * Issues a formal number (once per case and purpose) by a local activity, a short idempotent
   * write, so the closing decision does not wait for a workflow task of its own.
   */
  private issueNumber(r: NumberRequest): Promise<string> {
    return localActivities.issueNumber(r);
  }

  /** Marks the case changed, so the main loop publishes it (search attributes and projection). */
  touch(): void {
    this.rt.touch();
  }

  get clock() {
    return this.rt.clock;
  }

  get deadlines() {
    return this.rt.deadlines;
  }

  /** Periods of the template laid down in the case's time (wall-clock, or working time on its calendar). */
  get time() {
    return this.rt.time;
  }

  task(taskId: string): TaskState | undefined {
    return this.tasks.find((t) => t.taskId === taskId);
  }

  /** Opens a task and schedules its escalation ladder on the SLA clock. */
  openTask(spec: TaskSpec, at: number): TaskState {
    const task = openTask(spec, at, this.time);
    this.tasks.push(task);
    this.scheduleLadder(task, at);
    return task;
  }

  /** Opens an existing task again (a new round of work), with a fresh SLA and ladder. */
  reopenTask(task: TaskState, at: number): void {
    Object.assign(task, openTask(task, at, this.time), { round: task.round + 1 });
    this.deadlines.cancel(escalationGroup(task.taskId));
    this.scheduleLadder(task, at);
  }

  private scheduleLadder(task: TaskState, at: number): void {
    scheduleLadder(this.deadlines, this.time, this, task, this.template.escalation, at, async (record, notification) => {
      this.escalations.push(record);
      this.rt.touch();
      await this.rt.notify(notification);
    });
  }

  /** Writes a notification to the outbox; `keySuffix` makes it once-only within the case. */
  notify(kind: NotificationKind, keySuffix: string, fields: NotificationFields, at = now()): Promise<void> {
    return this.rt.notify({
      key: `${this.caseId}:${keySuffix}`,
      caseId: this.caseId,
      kind,
      taskId: null,
      action: null,
      level: null,
      at: iso(at),
      ...fields,
    });
  }

  /** Tells the applicant, at the contact it gave when the case opened. */
  tellApplicant(kind: NotificationKind, keySuffix: string, message: string, at = now(), taskId?: string): Promise<void> {
    return this.notify(kind, keySuffix, { recipient: { dept: null, role: 'applicant' }, message, ...(taskId ? { taskId } : {}) }, at);
  }

  /**
   * A deadline passed: the case is marked breached (from the first breach on) and the command
   * centre is notified, once per `key`.
   */
  async breach(key: string, message: string): Promise<void> {
    const at = now();
    this.breachedAtMs ??= at;
    this.rt.touch();
    await this.notify('breach', key, { action: 'command-center', recipient: { dept: null, role: 'command-center' }, message }, at);
  }

  /** Supplements, certificates, withdrawal: the enterprise itself or the opening department on its behalf. */
  assertApplicantOrOpeningDept(actor: Actor, what: string): void {
    assertApplicantOrOpeningDept(actor, this.input.applicant.creditCode, this.input.openedBy.dept, what);
  }

  assertOpen(): void {
    if (this.closed) conflict(`case ${this.caseId} is closed (${this.status.value})`);
    this.rt.incidents.assertNone();
  }

  /** Refuses an action that may repeat without end once the case's history is full (history-budget.ts). */
  assertHistoryRoom(what: string): void {
    assertHistoryRoom(this.template.historyBudget, what);
  }

  /** Tells the applicant what a department asked for and by when, with the reminders before that date. */
  askForSupplement(taskId: string, title: string, documents: string[], at: number): Promise<void> {
    return this.supplementWait.ask(taskId, title, documents, at);
  }

  /** Stops every clock of the case until the applicant's supplement arrives. */
  awaitSupplement(at: number): void {
    this.clock.pause(at);
    this.status.to('awaiting-supplement');
  }

  /**
   * The clocks restart: the supplement (or, when its date passed, nothing) is recorded with how long
   * the clocks stood still, and the tasks that asked for it open again.
   */
  resumeAfterSupplement(by: Actor, documents: FiledDocument[], note: string | null): void {
    const at = now();
    const stopped = this.clock.resume(at);
    this.supplementWait.settle();
    this.supplements.push({ at: iso(at), by: by.sub, byName: by.name, documents, note, pausedMs: stopped });
    for (const t of this.tasks) if (t.outcome === 'request-info') reopenAfterSupplement(t, by.sub);
    this.status.to(this.hooks.statusAfterSupplement?.() ?? 'in-review');
    this.rt.touch();
  }

  /**
   * Closes the case for good: open and waiting tasks are cancelled, deadlines dropped, the clock
   * stopped. With `number`, a formal number is issued (once per case and purpose) and recorded;
   * `afterNumber` runs before the applicant is notified (e.g. follow-up allocations).
   */
  async close(
    final: Extract<S | CoreStatus, ClosedStatus>,
    by: Actor,
    reasons: CaseDecision['reasons'],
    opts: { number?: { purpose: string; prefix: string }; afterNumber?: (decision: CaseDecision, at: number) => Promise<void> } = {},
  ): Promise<void> {
    const at = now();
    this.clock.resume(at);
    for (const t of this.tasks) if (t.status === 'open' || t.outcome === 'request-info') cancelTask(t);
    this.supplementWait.settle();
    this.deadlines.clear();
    this.status.to(final);
    this.closedAtMs = at;
    const decision: CaseDecision = { status: final, number: null, at: iso(at), by: by.sub, reasons, followUps: [] };
    this.decision = decision;
    this.rt.touch();
    if (opts.number) {
      decision.number = await this.issueNumber({ caseId: this.caseId, ...opts.number });
      await opts.afterNumber?.(decision, at);
    }
    await this.notify(
      'case-closed',
      'closed',
      {
        recipient: { dept: null, role: 'applicant' },
        message: `case ${this.number} is ${final}${decision.number ? ` (${opts.number?.purpose} ${decision.number})` : ''}`,
      },
      at,
    );
  }

  view(): V {
    return this.viewAt(now());
  }

  /** What an update answers: the publication that shows the case as the update left it (definitions.ts). */
  receipt(view: AnyCaseView = this.view(), extra: Pick<CaseReceipt, 'resumed'> = {}): CaseReceipt {
    return { caseId: this.caseId, seq: this.rt.seqShowing(view), ...extra };
  }

  /** The view as of `at` (first-view.ts takes it at the opening instant, outside the workflow). */
  viewAt(at: number): V {
    const base: CaseViewBase<CaseKind, S | CoreStatus, unknown> = {
      caseId: this.caseId,
      number: this.number,
      templateId: this.template.id,
      templateVersion: this.input.templateVersion,
      kind: this.template.kind,
      title: this.template.title,
      status: this.status.value,
      priority: this.input.priority,
      openedAt: iso(this.openedAtMs),
      openedBy: this.input.openedBy.sub,
      openedByName: this.input.openedBy.name,
      openedByDept: this.input.openedBy.dept ?? null,
      closedAt: this.closedAtMs === null ? null : iso(this.closedAtMs),
      applicant: { creditCode: this.input.applicant.creditCode, name: this.input.applicant.name, contact: this.input.applicant.contact },
      details: this.input.details,
      documents: this.input.documents ?? [],
      sla: {
        deadlineAt: iso(this.hooks.deadlineMs(at)),
        paused: this.clock.paused,
        pausedMs: this.clock.pausedMs(at),
        breached: this.breachedAtMs !== null,
        breachedAt: this.breachedAtMs === null ? null : iso(this.breachedAtMs),
        supplementDueAt: this.supplementWait.dueAtMs === null ? null : iso(this.supplementWait.dueAtMs),
        calendar: this.input.calendar ? { id: this.input.calendar.id, version: this.input.calendar.version } : null,
      },
      tasks: this.tasks.map((t) => taskView(t, this.time, at)),
      escalations: [...this.escalations],
      supplements: [...this.supplements],
      comments: [...this.work.comments],
      decision: this.decision,
    };
    // Every case's fields, of the template's kind and the process's statuses, with the process's own
    // (its extraView): the process's view V, which the types cannot see through the spread.
    return { ...base, ...this.hooks.extraView?.(at) } as V;
  }

  /** The case's search attributes as of `at` (first-view.ts: the opening instant, outside the workflow). */
  searchAttributes(at = now()): SearchAttributeUpdatePair[] {
    return [
      { key: CaseStatusKey, value: this.status.value },
      { key: TemplateIdKey, value: this.template.id },
      { key: CaseKindKey, value: this.template.kind },
      { key: ApplicantCodeKey, value: this.input.applicant.creditCode },
      { key: PriorityKey, value: this.input.priority },
      { key: BreachedKey, value: this.breachedAtMs !== null },
      { key: DeadlineAtKey, value: new Date(this.hooks.deadlineMs(at)) },
      { key: OpenDeptsKey, value: this.tasks.filter((t) => t.status === 'open').map((t) => t.dept) },
    ];
  }

  /** Registers the query and the updates every process answers alike (case-handlers.ts). */
  registerHandlers(): void {
    registerCaseHandlers(this, this.hooks, this.rt.incidents);
  }

  /**
   * Registers an update of the case. Every accepted update marks the case changed as its handler
   * starts, so the main loop publishes the case (search attributes, projection) once the handler has
   * finished, whatever the handler does or forgets. Marking it at the start, synchronously, adds no
   * promise turn, so the order of commands is otherwise unchanged.
   */
  onUpdate<I>(update: UpdateDefinition<CaseReceipt, [I]>, handler: (input: I) => CaseReceipt | Promise<CaseReceipt>, validator: (input: I) => void): void {
    setHandler(
      update,
      (input: I) => {
        this.rt.touch();
        return handler(input);
      },
      { validator },
    );
  }

  /**
   * Who four eyes bars from deciding `task`, each with why: the case's opener, whoever filed a
   * supplement the task asked for, and whom the process names (hooks.fourEyes). Written once for
   * the decision, the claim and the assignment, so nobody barred can hold a task they may not decide.
   */
  barredFrom(task: TaskState): FourEyesBar[] {
    return [
      { sub: this.input.openedBy.sub, role: 'person who opened this case' },
      ...task.supplementedBy.map((sub) => ({ sub, role: 'person who filed the supplement this task asked for' })),
      ...(this.hooks.fourEyes?.(task) ?? []),
    ];
  }

  /** Runs the case until it closes (see CaseRuntime.run), having told the applicant it opened. */
  async run(): Promise<void> {
    await this.tellApplicant('case-opened', 'opened', `${this.template.title}: your case is open; its number is ${this.number}`, this.openedAtMs);
    return this.rt.run();
  }
}
