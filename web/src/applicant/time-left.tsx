/**
 * The time a case has left, as the enterprise reads it: counting down to the case's deadline, or
 * stopped (and why), or closed. Live: it counts from the deadline the view gives, which stands
 * still only while the clock is stopped.
 */
import { CLOSED_STATUSES } from '../api/enums';
import type { CaseView } from '../api/types';
import { fmtDuration, fmtTime, messages } from '../i18n';
import { useNow } from '../ui';
import { clockStoppedReason } from './summary';

const m = messages(
  {
    left: '{left} left (due {due})',
    overdue: 'overdue by {late} (was due {due})',
    stopped: 'Clock stopped',
    closed: 'Closed {at}',
  },
  {
    left: '剩余 {left}（截止 {due}）',
    overdue: '已超时 {late}（原截止 {due}）',
    stopped: '计时已暂停',
    closed: '已于 {at} 办结',
  },
);

export function TimeLeft({ view }: { view: CaseView }) {
  const now = useNow();
  if (CLOSED_STATUSES.includes(view.status)) return <span data-time-left="closed">{m('closed', { at: fmtTime(view.closedAt) })}</span>;
  const reason = clockStoppedReason(view);
  if (reason) {
    return (
      <span data-time-left="stopped">
        <span class="badge paused">{m('stopped')}</span> <span class="clock-reason">{reason}</span>
      </span>
    );
  }
  const due = view.sla.deadlineAt;
  const left = new Date(due).getTime() - now;
  return left > 0 ? (
    <span data-time-left="running">{m('left', { left: fmtDuration(left), due: fmtTime(due) })}</span>
  ) : (
    <span data-time-left="overdue" class="countdown red">
      {m('overdue', { late: fmtDuration(-left), due: fmtTime(due) })}
    </span>
  );
}
