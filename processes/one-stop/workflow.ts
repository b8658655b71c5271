/**
 * Process 1, one-stop approval: every department of the template reviews in parallel; the case is
 * decided within the template's SLA. Any reject rejects the case; all approvals approve it with a
 * decision number; `request-info` stops every clock until the applicant's supplement arrives.
 */
import { describeDuration } from '../../common/duration.js';
import { SYSTEM_ACTOR, type Actor, type CaseView } from '../../common/types.js';
import type { CaseInput } from '../../workflows/definitions.js';
import { CaseCore, runCase, type OpenedCase } from '../../workflows/lib/case-core.js';
import { decideTask } from '../../workflows/lib/tasks.js';
import { now } from '../../workflows/lib/time.js';
import type { OneStopDetails } from './details.js';
import { ONE_STOP_TRANSITIONS, type OneStopStatus } from './status.js';
import type { OneStopTemplate } from './template.js';

/** A one-stop case's input: its template and the free-form details filed. */
export type OneStopInput = CaseInput<OneStopTemplate, OneStopDetails>;

const CASE_DEADLINE = 'case:deadline';

export function oneStopApprovalWorkflow(input: OneStopInput): Promise<CaseView> {
  return runCase(openOneStopCase(input));
}

/** The case as it opens: every department's task and the case deadline (no command sent yet). */
export function openOneStopCase(input: OneStopInput): OpenedCase {
  const { template } = input;

  const c: CaseCore<OneStopTemplate, OneStopStatus> = new CaseCore(input, ONE_STOP_TRANSITIONS, {
    deadlineMs: (at) => c.time.due(caseSpan, 0, at),
    onDecision: async (d, task, at) => {
      if (d.outcome === 'request-info') c.awaitSupplement(at);
      else if (d.outcome === 'reject') await c.close('rejected', d.actor, [{ taskId: task.taskId, reason: d.comment ?? '' }]);
      else await closeIfAllApproved(d.actor);
    },
  });

  const caseSpan = c.time.spanOf(template.sla, c.openedAtMs);
  for (const d of template.departments) {
    c.openTask({ taskId: d.dept, dept: d.dept, title: d.title, sla: c.time.resolve(d.sla ?? template.sla) }, c.openedAtMs);
  }
  c.deadlines.add(CASE_DEADLINE, caseSpan, c.openedAtMs, onCaseDeadline);

  async function closeIfAllApproved(by: Actor): Promise<void> {
    if (!c.tasks.every((t) => t.outcome === 'approve' || t.outcome === 'deemed-approved')) return;
    await c.close('approved', by, [], {
      number: { purpose: 'decision', prefix: 'OSA' },
      afterNumber: async (decision, at) => {
        decision.followUps = template.followUps;
        for (const f of template.followUps) {
          await c.notify(
            'follow-up',
            `follow-up:${f.dept}`,
            { recipient: { dept: f.dept, role: 'caseworker' }, message: `${f.title} for approved case ${c.caseId} (decision ${decision.number})` },
            at,
          );
        }
      },
    });
  }

  async function onCaseDeadline(): Promise<void> {
    const at = now();
    await c.breach('breach', `case ${c.caseId} passed its ${describeDuration(template.sla)} deadline undecided (${template.onDeadline})`);
    if (template.onDeadline !== 'deem-approved') return;
    for (const task of c.tasks.filter((t) => t.status === 'open')) {
      decideTask(task, c.time, 'deemed-approved', SYSTEM_ACTOR, at, `no decision within ${describeDuration(template.sla)}: deemed approved`);
      await c.notify(
        'deemed-approved',
        `deemed:${task.taskId}`,
        {
          taskId: task.taskId,
          recipient: { dept: task.dept, role: 'caseworker' },
          message: `task "${task.title}" on case ${c.caseId} was deemed approved at the deadline`,
        },
        at,
      );
    }
    await closeIfAllApproved(SYSTEM_ACTOR);
  }

  return { core: c, registerHandlers: () => c.registerHandlers() };
}
