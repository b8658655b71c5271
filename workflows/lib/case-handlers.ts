/**
 * The query and the updates every process answers alike: the case itself, a retry of its incident,
 * decisions with their shared checks (four eyes, the task's holder, reasons), supplements that
 * restart the clocks, withdrawal, and the task work and comments. A process adds its own updates
 * beside these (processes/produce-first/messages.ts) and says what a decision means for it
 * (CaseCoreHooks.onDecision).
 */
import type { Actor, AnyCaseView, CaseView } from '../../common/types.js';
import { setHandler } from '@temporalio/workflow';
import {
  addCommentUpdate,
  assignTaskUpdate,
  claimTaskUpdate,
  decideUpdate,
  getCaseQuery,
  releaseTaskUpdate,
  retryIncidentUpdate,
  supplementUpdate,
  withdrawUpdate,
  type CaseReceipt,
} from '../definitions.js';
import type { CaseStatus } from '../../processes/registry.js';
import type { CaseCore, CaseCoreHooks, TemplateBase } from './case-core.js';
import { escalationGroup } from './escalation.js';
import type { Incidents } from './incidents.js';
import { conflict, invalid } from './refusals.js';
import { checkDecidable, decideTask, type TaskState } from './tasks.js';
import { now } from './time.js';

export function registerCaseHandlers<T extends TemplateBase, S extends CaseStatus, V extends AnyCaseView>(
  c: CaseCore<T, S, V>,
  hooks: CaseCoreHooks<S, V>,
  incidents: Incidents,
): void {
  // The incident is shown to whoever reads the live case; it is never projected (a projection is what may have failed).
  // A process's view is its member of CaseView (the registry's union), which the core's generic V cannot name.
  setHandler(getCaseQuery, () => ({ ...(c.view() as CaseView), ...(incidents.current ? { incident: incidents.current } : {}) }));
  setHandler(
    retryIncidentUpdate,
    (_retry: { actor: Actor }) => {
      incidents.retry();
      return c.receipt();
    },
    { validator: (_retry: { actor: Actor }) => incidents.checkRetry() },
  );
  registerTaskWork(c);

  c.onUpdate(
    decideUpdate,
    async (d) => {
      const at = now();
      const task = checkDecidable(c.tasks, d.taskId, d.actor);
      decideTask(task, c.time, d.outcome, d.actor, at, d.comment, d.requestedDocuments);
      c.touch();
      // A request-info keeps the ladder: it resumes with the clock when the task reopens.
      if (d.outcome !== 'request-info') c.deadlines.cancel(escalationGroup(task.taskId));
      if (d.outcome !== 'request-info') {
        const what = d.outcome === 'approve' ? 'approved' : `rejected: ${d.comment ?? ''}`;
        await c.tellApplicant('task-decided', `decided:${task.taskId}:${task.round}`, `${task.title} (${task.dept}): ${what}`, at, task.taskId);
      }
      await hooks.onDecision(d, task, at);
      if (d.outcome === 'request-info' && c.status.is('awaiting-supplement')) {
        await c.askForSupplement(task.taskId, task.title, d.requestedDocuments ?? [], at);
      }
      return c.receipt();
    },
    (d) => {
      c.assertOpen();
      // Four eyes is checked here only (validators do not run on replay): a rule added later leaves running cases replaying.
      const task = checkDecidable(c.tasks, d.taskId, d.actor, (t) => c.barredFrom(t));
      c.work.checkHolder(task, d.actor);
      if (d.outcome === 'reject' && !d.comment?.trim()) invalid('a rejection needs a comment giving the reason');
      if (d.outcome === 'request-info' && !d.requestedDocuments?.length) invalid('request-info needs requestedDocuments');
      if (d.outcome === 'request-info') c.assertHistoryRoom('asking for information');
      hooks.validateDecision?.(d, task);
    },
  );

  c.onUpdate(
    supplementUpdate,
    (s) => {
      c.resumeAfterSupplement(s.actor, s.documents, s.note ?? null);
      const view = c.view();
      const stoppedMs = c.supplements[c.supplements.length - 1]?.pausedMs ?? 0;
      return c.receipt(view, { resumed: { stoppedMs, deadlineAt: view.sla.deadlineAt } });
    },
    (s) => {
      c.assertOpen();
      c.assertApplicantOrOpeningDept(s.actor, 'filing a supplement');
      if (!c.status.is('awaiting-supplement')) conflict(`case ${c.caseId} is not waiting for a supplement (${c.status.value})`);
    },
  );

  c.onUpdate(
    withdrawUpdate,
    async (w) => {
      await c.close('withdrawn', w.actor, [{ taskId: null, reason: w.reason }]);
      return c.receipt();
    },
    (w) => {
      c.assertOpen();
      c.assertApplicantOrOpeningDept(w.actor, 'withdrawing a case');
      hooks.validateWithdraw?.();
      c.status.check('withdrawn', 'withdrawal');
    },
  );
}

/**
 * Task work and comments: refused on a closed case; each change is published like any other. A
 * claim or an assignment is refused to whoever four eyes bars from the task (validators only).
 */
function registerTaskWork<T extends TemplateBase, S extends CaseStatus, V extends AnyCaseView>(c: CaseCore<T, S, V>): void {
  const refuse = (check: () => void) => {
    c.assertOpen();
    check();
    c.assertHistoryRoom('this change of the task work');
  };
  const change = (apply: () => void): CaseReceipt => {
    apply();
    c.touch();
    return c.receipt();
  };
  const w = c.work;
  const barredFrom = (task: TaskState) => c.barredFrom(task);
  c.onUpdate(
    claimTaskUpdate,
    (i) => change(() => w.applyClaim(i)),
    (i) => refuse(() => w.checkClaim(i, barredFrom)),
  );
  c.onUpdate(
    releaseTaskUpdate,
    (i) => change(() => w.applyRelease(i)),
    (i) => refuse(() => w.checkRelease(i)),
  );
  c.onUpdate(
    assignTaskUpdate,
    (i) => change(() => w.applyAssign(i)),
    (i) => refuse(() => w.checkAssign(i, barredFrom)),
  );
  c.onUpdate(
    addCommentUpdate,
    (i) => change(() => w.applyComment(i, now())),
    (i) => refuse(() => w.checkComment(i)),
  );
}
