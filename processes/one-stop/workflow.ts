/**
 * Process 1, one-stop approval: every department of the template reviews in parallel; the case is
 * decided within the template's SLA. Any reject rejects the case; all approvals approve it with a
 * decision number; `request-info` stops every clock until the applicant's supplement arrives.
 */
import { describeDuration } from '../../common/duration.js';
import { SYSTEM_ACTOR, type Actor } from '../../common/types.js';
import type { CaseInput, DecisionInput } from '../../workflows/definitions.js';
import { CaseCore, runCase, type CaseCoreHooks, type OpenedCase } from '../../workflows/lib/case-core.js';
import type { Span } from '../../workflows/lib/case-time.js';
import { DeadlineGroup } from '../../workflows/lib/deadlines.js';
import { decideTask, type TaskState } from '../../workflows/lib/tasks.js';
import { now } from '../../workflows/lib/time.js';
import type { OneStopDetails } from './details.js';
import { ONE_STOP_TRANSITIONS, type OneStopStatus } from './status.js';
import type { OneStopTemplate } from './template.js';
import type { OneStopView } from './view.js';

/** A one-stop case's input: its template and the free-form details filed. */
export type OneStopInput = CaseInput<OneStopTemplate, OneStopDetails>;

/** The case deadline, the one the view shows. */
const CASE_DEADLINE = new DeadlineGroup('case').key('deadline');

export function oneStopApprovalWorkflow(input: OneStopInput): Promise<OneStopView> {
  return runCase(new OneStopCase(input));
}

/** The case as it opens: every department's task and the case deadline (no command sent yet). */
export const openOneStopCase = (input: OneStopInput): OpenedCase<OneStopView> => new OneStopCase(input);

/** A one-stop case: the core every process shares, and what the departments' decisions mean here. */
class OneStopCase implements OpenedCase<OneStopView>, CaseCoreHooks<OneStopStatus, OneStopView> {
  readonly core: CaseCore<OneStopTemplate, OneStopStatus, OneStopView>;
  private readonly template: OneStopTemplate;
  private readonly caseSpan: Span;

  constructor(input: OneStopInput) {
    this.template = input.template;
    const c = (this.core = new CaseCore(input, ONE_STOP_TRANSITIONS, this));
    this.caseSpan = c.time.spanOf(this.template.sla, c.openedAtMs);
    for (const d of this.template.departments) {
      c.openTask({ taskId: d.dept, dept: d.dept, title: d.title, sla: c.time.resolve(d.sla ?? this.template.sla) }, c.openedAtMs);
    }
    c.deadlines.add(CASE_DEADLINE, this.caseSpan, c.openedAtMs, () => this.onCaseDeadline());
  }

  registerHandlers(): void {
    this.core.registerHandlers();
  }

  deadlineMs(at: number): number {
    return this.core.time.due(this.caseSpan, 0, at);
  }

  async onDecision(d: DecisionInput, task: TaskState, at: number): Promise<void> {
    if (d.outcome === 'request-info') this.core.awaitSupplement(at);
    else if (d.outcome === 'reject') await this.core.close('rejected', d.actor, [{ taskId: task.taskId, reason: d.comment ?? '' }]);
    else await this.closeIfAllApproved(d.actor);
  }

  /** Every department approved (or was deemed to): the decision, its number, and the follow-ups. */
  private async closeIfAllApproved(by: Actor): Promise<void> {
    const c = this.core;
    if (!c.tasks.every((t) => t.outcome === 'approve' || t.outcome === 'deemed-approved')) return;
    await c.close('approved', by, [], {
      number: { purpose: 'decision', prefix: 'OSA' },
      afterNumber: async (decision, at) => {
        decision.followUps = this.template.followUps;
        for (const f of this.template.followUps) {
          await c.notify(
            'follow-up',
            `follow-up:${f.dept}`,
            { recipient: { dept: f.dept, role: 'caseworker' }, message: `${f.title} for approved case ${c.number} (decision ${decision.number})` },
            at,
          );
        }
      },
    });
  }

  /** The case deadline: breached, and with `deem-approved` every open task is deemed approved. */
  private async onCaseDeadline(): Promise<void> {
    const c = this.core;
    const { template } = this;
    const at = now();
    await c.breach('breach', `case ${c.number} passed its ${describeDuration(template.sla)} deadline undecided (${template.onDeadline})`);
    if (template.onDeadline !== 'deem-approved') return;
    for (const task of c.tasks.filter((t) => t.status === 'open')) {
      decideTask(task, c.time, 'deemed-approved', SYSTEM_ACTOR, at, `no decision within ${describeDuration(template.sla)}: deemed approved`);
      await c.notify(
        'deemed-approved',
        `deemed:${task.taskId}`,
        {
          taskId: task.taskId,
          recipient: { dept: task.dept, role: 'caseworker' },
          message: `task "${task.title}" on case ${c.number} was deemed approved at the deadline`,
        },
        at,
      );
    }
    await this.closeIfAllApproved(SYSTEM_ACTOR);
  }
}
