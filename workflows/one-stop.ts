/**
 * Process 1, one-stop approval: every department of the template reviews in parallel; the case is
 * decided within the template's SLA. Any reject rejects the case; all approvals approve it with a
 * decision number; `request-info` stops every clock until the applicant's supplement arrives.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { durationMs } from '../common/duration.js';
import {
  ApplicantCodeKey,
  BreachedKey,
  CaseKindKey,
  CaseStatusKey,
  DeadlineAtKey,
  OpenDeptsKey,
  PriorityKey,
  TemplateIdKey,
} from '../common/search-attributes.js';
import { SYSTEM_ACTOR, type Actor, type CaseDecision, type CaseStatus, type CaseView, type EscalationRecord, type SupplementRecord } from '../common/types.js';
import { decideUpdate, getCaseQuery, supplementUpdate, withdrawUpdate, type DecisionInput, type OpenCaseInput } from './definitions.js';
import { assertApplicantOrCaseworker } from './lib/actors.js';
import { activities, CaseRuntime } from './lib/case-runtime.js';
import { scheduleLadder, escalationKey } from './lib/escalation.js';
import { conflict, invalid } from './lib/refusals.js';
import { cancelTask, checkDecidable, decideTask, openTask, reopenTask, taskView, type TaskState } from './lib/tasks.js';
import { iso, now } from './lib/time.js';

const CASE_DEADLINE = 'case:deadline';

export async function oneStopApprovalWorkflow(input: OpenCaseInput): Promise<CaseView> {
  const { caseId, template } = input;
  const openedAtMs = now();
  const caseSlaMs = durationMs(template.sla);

  let status: CaseStatus = 'in-review';
  let closedAtMs: number | null = null;
  let breachedAtMs: number | null = null;
  let decision: CaseDecision | null = null;
  const escalations: EscalationRecord[] = [];
  const supplements: SupplementRecord[] = [];

  const isClosed = () => closedAtMs !== null;
  const rt = new CaseRuntime(caseId, { view, searchAttributes, isClosed });
  const { clock, deadlines } = rt;

  const tasks: TaskState[] = template.departments.map((d) =>
    openTask({ taskId: d.dept, dept: d.dept, title: d.title, slaMs: d.sla ? durationMs(d.sla) : caseSlaMs }, openedAtMs, clock),
  );
  for (const task of tasks) {
    scheduleLadder(deadlines, caseId, task, template.escalation, openedAtMs, async (record, notification) => {
      escalations.push(record);
      rt.touch();
      await rt.notify(notification);
    });
  }
  deadlines.add(CASE_DEADLINE, openedAtMs + caseSlaMs, openedAtMs, onCaseDeadline);

  function deadlineMs(at: number): number {
    return clock.shifted(openedAtMs + caseSlaMs, 0, at);
  }

  function view(): CaseView {
    const at = now();
    return {
      caseId,
      templateId: template.id,
      templateVersion: input.templateVersion,
      kind: template.kind,
      title: template.title,
      status,
      priority: input.priority,
      openedAt: iso(openedAtMs),
      openedBy: input.openedBy.sub,
      openedByName: input.openedBy.name,
      closedAt: closedAtMs === null ? null : iso(closedAtMs),
      applicant: { creditCode: input.applicant.creditCode, name: input.applicant.name },
      details: input.details,
      sla: {
        deadlineAt: iso(deadlineMs(at)),
        paused: clock.paused,
        pausedMs: clock.pausedMs(at),
        breached: breachedAtMs !== null,
        breachedAt: breachedAtMs === null ? null : iso(breachedAtMs),
      },
      tasks: tasks.map((t) => taskView(t, clock, at)),
      escalations: [...escalations],
      supplements: [...supplements],
      decision,
    };
  }

  function searchAttributes(): SearchAttributeUpdatePair[] {
    return [
      { key: CaseStatusKey, value: status },
      { key: TemplateIdKey, value: template.id },
      { key: CaseKindKey, value: template.kind },
      { key: ApplicantCodeKey, value: input.applicant.creditCode },
      { key: PriorityKey, value: input.priority },
      { key: BreachedKey, value: breachedAtMs !== null },
      { key: DeadlineAtKey, value: new Date(deadlineMs(now())) },
      { key: OpenDeptsKey, value: tasks.filter((t) => t.status === 'open').map((t) => t.dept) },
    ];
  }

  function assertOpen(): void {
    if (isClosed()) conflict(`case ${caseId} is closed (${status})`);
  }

  /** Closes the case: open and waiting tasks are cancelled, the clocks stop for good. */
  async function close(final: CaseDecision['status'], by: Actor, reasons: CaseDecision['reasons']): Promise<void> {
    const at = now();
    clock.resume(at);
    for (const t of tasks) if (t.status === 'open' || t.outcome === 'request-info') cancelTask(t);
    deadlines.clear();
    status = final;
    closedAtMs = at;
    decision = { status: final, number: null, at: iso(at), by: by.sub, reasons, followUps: [] };
    rt.touch();
    const closed = decision;
    if (final === 'approved') {
      closed.number = await activities.issueNumber({ caseId, purpose: 'decision', prefix: 'OSA' });
      closed.followUps = template.followUps;
      for (const f of template.followUps) {
        await rt.notify({
          key: `${caseId}:follow-up:${f.dept}`,
          caseId,
          kind: 'follow-up',
          taskId: null,
          action: null,
          level: null,
          recipient: { dept: f.dept, role: 'caseworker' },
          at: iso(at),
          message: `${f.title} for approved case ${caseId} (decision ${closed.number})`,
        });
      }
    }
    await rt.notify({
      key: `${caseId}:closed`,
      caseId,
      kind: 'case-closed',
      taskId: null,
      action: null,
      level: null,
      recipient: { dept: null, role: 'applicant' },
      at: iso(at),
      message: `case ${caseId} is ${final}${closed.number ? ` (decision ${closed.number})` : ''}`,
    });
  }

  async function closeIfAllApproved(by: Actor): Promise<void> {
    if (tasks.every((t) => t.outcome === 'approve' || t.outcome === 'deemed-approved')) await close('approved', by, []);
  }

  async function onCaseDeadline(): Promise<void> {
    const at = now();
    breachedAtMs = at;
    rt.touch();
    await rt.notify({
      key: `${caseId}:breach`,
      caseId,
      kind: 'breach',
      taskId: null,
      action: 'command-center',
      level: null,
      recipient: { dept: null, role: 'command-center' },
      at: iso(at),
      message: `case ${caseId} passed its ${template.sla} deadline undecided (${template.onDeadline})`,
    });
    if (template.onDeadline !== 'deem-approved') return;
    for (const task of tasks.filter((t) => t.status === 'open')) {
      decideTask(task, 'deemed-approved', SYSTEM_ACTOR, at, `no decision within ${template.sla}: deemed approved`);
      await rt.notify({
        key: `${caseId}:deemed:${task.taskId}`,
        caseId,
        kind: 'deemed-approved',
        taskId: task.taskId,
        action: null,
        level: null,
        recipient: { dept: task.dept, role: 'caseworker' },
        at: iso(at),
        message: `task "${task.title}" on case ${caseId} was deemed approved at the deadline`,
      });
    }
    await closeIfAllApproved(SYSTEM_ACTOR);
  }

  function validateDecision(d: DecisionInput): void {
    assertOpen();
    checkDecidable(tasks, d.taskId, d.actor, input.openedBy);
    if (d.outcome === 'reject' && !d.comment?.trim()) invalid('a rejection needs a comment giving the reason');
    if (d.outcome === 'request-info' && !d.requestedDocuments?.length) invalid('request-info needs requestedDocuments');
  }

  setHandler(getCaseQuery, view);

  setHandler(
    decideUpdate,
    async (d) => {
      const at = now();
      const task = checkDecidable(tasks, d.taskId, d.actor, input.openedBy);
      decideTask(task, d.outcome, d.actor, at, d.comment, d.requestedDocuments);
      rt.touch();
      if (d.outcome === 'request-info') {
        // The task reopens on the supplement and its remaining ladder steps resume with the clock.
        clock.pause(at);
        status = 'awaiting-supplement';
      } else {
        deadlines.cancel(escalationKey(task.taskId));
        if (d.outcome === 'reject') await close('rejected', d.actor, [{ taskId: task.taskId, reason: d.comment ?? '' }]);
        else await closeIfAllApproved(d.actor);
      }
      return view();
    },
    { validator: validateDecision },
  );

  setHandler(
    supplementUpdate,
    (s) => {
      const at = now();
      const stopped = clock.resume(at);
      supplements.push({ at: iso(at), by: s.actor.sub, byName: s.actor.name, documents: s.documents, note: s.note ?? null, pausedMs: stopped });
      for (const t of tasks) if (t.outcome === 'request-info') reopenTask(t);
      status = 'in-review';
      rt.touch();
      return view();
    },
    {
      validator: (s) => {
        assertOpen();
        assertApplicantOrCaseworker(s.actor, input.applicant.creditCode, 'filing a supplement');
        if (status !== 'awaiting-supplement') conflict(`case ${caseId} is not waiting for a supplement (${status})`);
      },
    },
  );

  setHandler(
    withdrawUpdate,
    async (w) => {
      await close('withdrawn', w.actor, [{ taskId: null, reason: w.reason }]);
      return view();
    },
    {
      validator: (w) => {
        assertOpen();
        assertApplicantOrCaseworker(w.actor, input.applicant.creditCode, 'withdrawing a case');
      },
    },
  );

  await rt.run();
  return view();
}
