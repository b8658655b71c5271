/**
 * The escalation ladder of a task: steps at fractions of the task's SLA (reminder to the department,
 * its supervisor, the command centre). Each step fires once, only while the task is still open, and
 * is recorded on the case and written to the notification outbox.
 */
import type { EscalationAction, EscalationRecord } from '../../common/types.js';
import type { NotificationInput } from '../../common/notifications.js';
import type { CaseTime } from './case-time.js';
import { DeadlineGroup, type Deadlines } from './deadlines.js';
import type { TaskState } from './tasks.js';
import { iso, now } from './time.js';

export interface LadderStep {
  at: number;
  action: EscalationAction;
}

const RECIPIENT: Record<EscalationAction, NotificationInput['recipient']['role']> = {
  reminder: 'caseworker',
  supervisor: 'supervisor',
  'command-center': 'command-center',
};

/** The deadlines of a task's ladder, one per step. */
export const escalationGroup = (taskId: string) => new DeadlineGroup(`escalation:${taskId}`);

/**
 * Schedules every step of `ladder` for `task`. `onStep` receives the record and the outbox entry;
 * the caller stores the record and sends the notification (so this module does no I/O). The case's
 * id keys the notifications; its number is what their text calls it.
 */
export function scheduleLadder(
  deadlines: Deadlines,
  time: CaseTime,
  { caseId, number }: { caseId: string; number: string },
  task: TaskState,
  ladder: LadderStep[],
  at: number,
  onStep: (record: EscalationRecord, notification: NotificationInput) => Promise<void>,
): void {
  ladder.forEach((step, i) => {
    const level = i + 1;
    deadlines.add(escalationGroup(task.taskId).key(String(level)), time.part(task.span, step.at), at, async () => {
      if (task.status !== 'open') return;
      const firedAt = now();
      task.escalationLevel = Math.max(task.escalationLevel, level);
      const record: EscalationRecord = { at: iso(firedAt), taskId: task.taskId, action: step.action, level };
      await onStep(record, {
        // A reopened task's ladder is a new round: its notifications need keys of their own.
        key: `${caseId}:escalation:${task.taskId}:${task.round > 1 ? `r${task.round}:` : ''}${level}`,
        caseId,
        kind: 'escalation',
        taskId: task.taskId,
        action: step.action,
        level,
        recipient: { dept: step.action === 'command-center' ? null : task.dept, role: RECIPIENT[step.action] },
        at: record.at,
        message: `${step.action}: task "${task.title}" (${task.dept}) on case ${number} has used ${Math.round(step.at * 100)}% of its time`,
      });
    });
  });
}
