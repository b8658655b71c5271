/**
 * A case in plain words for the enterprise that applied: where it stands, what is asked of it and by
 * when, and why its clock is stopped. A process says its own states in its own words
 * (ProcessWeb.applicantSummary); the states every process shares are said here.
 */
import type { CaseView, Task } from '../api/types';
import { fmtTime, messages, statusLabel } from '../i18n';
import { processWeb } from '../processes';

const m = messages(
  {
    reviewedBy: 'Being reviewed by {n} departments',
    reviewedByOne: 'Being reviewed by {dept}',
    waiting: 'Waiting for you: documents asked by {depts}, due {due}',
    waitingNoDate: 'Waiting for you: documents asked by {depts}',
    approved: 'Approved',
    rejected: 'Rejected',
    withdrawn: 'Withdrawn',
    abandoned: 'Closed: the documents asked for did not arrive in time',
    stoppedForYou: 'the clock is stopped while we wait for your documents',
    stopped: 'the clock is stopped',
  },
  {
    reviewedBy: '{n} 个部门正在审查',
    reviewedByOne: '{dept} 正在审查',
    waiting: '等待您补正：{depts} 要求提交材料，截止 {due}',
    waitingNoDate: '等待您补正：{depts} 要求提交材料',
    approved: '已批准',
    rejected: '未获批准',
    withdrawn: '已撤回',
    abandoned: '已结束：所要求的材料未按时提交',
    stoppedForYou: '等待您提交材料期间，办理时限暂停计算',
    stopped: '办理时限已暂停计算',
  },
);

/** The tasks whose request for information the enterprise still has to answer (none unless it is awaited). */
export function requestsOfYou(view: CaseView): Task[] {
  if (view.status !== 'awaiting-supplement') return [];
  return view.tasks.filter((task) => task.status === 'decided' && task.outcome === 'request-info' && task.requestedDocuments.length > 0);
}

function engineSummary(view: CaseView): string {
  const open = view.tasks.filter((task) => task.status === 'open');
  switch (view.status) {
    case 'awaiting-supplement': {
      const depts = [...new Set(requestsOfYou(view).map((task) => task.dept))].join(', ');
      const due = view.sla.supplementDueAt;
      return due ? m('waiting', { depts, due: fmtTime(due) }) : m('waitingNoDate', { depts });
    }
    case 'in-review':
      return open.length === 1 ? m('reviewedByOne', { dept: open[0]!.dept }) : m('reviewedBy', { n: open.length });
    case 'approved':
    case 'rejected':
    case 'withdrawn':
    case 'abandoned':
      return m(view.status);
    default:
      return statusLabel(view.status);
  }
}

/** Where the case stands, in the enterprise's words (its process's, where the process has its own). */
export function applicantSummary(view: CaseView): string {
  // Waiting for the enterprise is said the same way by every process: it is what the enterprise must act on.
  if (view.status === 'awaiting-supplement') return engineSummary(view);
  return processWeb(view.kind)?.applicantSummary?.(view) ?? engineSummary(view);
}

/** Why the case's clock is stopped, when it is. */
export function clockStoppedReason(view: CaseView): string | undefined {
  if (!view.sla.paused) return undefined;
  return view.status === 'awaiting-supplement' ? m('stoppedForYou') : m('stopped');
}
