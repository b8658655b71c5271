/**
 * What the auditor's timeline shows of a one-stop case: its opening (the case SLA and every
 * department's task), tasks deemed approved at the deadline, and the follow-ups notified on approval.
 */
import { noticeEntry, type TimelineEntry } from '../../audit/timeline-entry.js';
import type { NotificationInput } from '../../common/notifications.js';
import type { OneStopInput } from './workflow.js';

export function oneStopOpening(input: OneStopInput): Record<string, unknown> {
  return { sla: input.template.sla, tasks: input.template.departments.map((d) => d.dept) };
}

export const oneStopNotifications = {
  'deemed-approved': (n: NotificationInput): TimelineEntry => ({ ...noticeEntry(n), details: { message: n.message } }),
  'follow-up': (n: NotificationInput): TimelineEntry => noticeEntry(n, 'follow-up-notified'),
};
