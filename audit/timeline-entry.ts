/**
 * One entry of the auditor's timeline, and the helpers every part of it (audit/timeline.ts, each
 * process's timeline.ts) writes entries with. Free of the Temporal SDK, so a process's workflow
 * bundle may import its timeline beside its workflow.
 */
import type { NotificationInput } from '../common/notifications.js';
import { SYSTEM_ACTOR, type Actor } from '../common/types.js';

export interface TimelineEntry {
  at: string;
  type: string;
  actor?: { sub: string; name: string; roles: string[]; dept?: string };
  taskId?: string;
  details: Record<string, unknown>;
}

/** The actor as an entry names them. */
export const who = (a: Actor): NonNullable<TimelineEntry['actor']> => ({ sub: a.sub, name: a.name, roles: [...a.roles], ...(a.dept ? { dept: a.dept } : {}) });

export const SYSTEM = who(SYSTEM_ACTOR);

/** A caseworker acting for the enterprise: the entry names the enterprise beside the actor. */
export function onBehalf(input: { onBehalfOf?: string }): { onBehalfOf?: string } {
  return input.onBehalfOf ? { onBehalfOf: input.onBehalfOf } : {};
}

/** Where a notification's entry sits: its time, and its task if it has one. */
const noticeBase = (n: NotificationInput) => ({ at: n.at, ...(n.taskId ? { taskId: n.taskId } : {}) });

/** A notification as an entry of its own `type` (its kind by default): by the system, to its recipient. */
export function noticeEntry(n: NotificationInput, type: string = n.kind): TimelineEntry {
  return { ...noticeBase(n), type, actor: SYSTEM, details: { recipient: n.recipient, message: n.message } };
}

/** What the applicant was told of its case's progress (the events themselves have entries of their own). */
export function applicantNotice(n: NotificationInput): TimelineEntry {
  return { ...noticeBase(n), type: 'applicant-notified', actor: SYSTEM, details: { kind: n.kind, recipient: n.recipient, message: n.message } };
}
