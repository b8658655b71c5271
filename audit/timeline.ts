/**
 * The auditor's timeline, derived from the recorded Temporal history of a case (not from a second
 * log): the start event holds the opening, accepted updates hold every decision with its actor and
 * comment, the publication records (publication/protocol.ts, the results of `publishCase`) hold every
 * escalation, breach, deemed approval and notice to the applicant, scheduled `pay` and
 * `recordRecovery` activities hold the payments, and the completion holds the outcome. Updates
 * refused by a validator never enter the history, so every decision listed here took effect.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
// @temporalio/proto is CommonJS: its namespace is read from the default export at run time.
import proto, { type temporal } from '@temporalio/proto';
import type { DeliveryStatus, NotificationInput } from '../common/notifications.js';
import type { OutboxRow } from '../db/notifications.js';
import type { CaseView, Money } from '../common/types.js';
import { ACTIVITY } from '../activities/index.js';
import {
  addCommentUpdate,
  assignTaskUpdate,
  claimTaskUpdate,
  decideUpdate,
  releaseTaskUpdate,
  supplementUpdate,
  withdrawUpdate,
  type AssignInput,
  type CaseReceipt,
  type CommentInput,
  type DecisionInput,
  type SupplementInput,
  type TaskWorkInput,
  type WithdrawInput,
} from '../workflows/definitions.js';
import { openingTimeline, processNotificationEntry, processUpdateEntries, type OpenCaseInput } from '../processes/registry.js';
import { isPublicationRecord } from '../publication/protocol.js';
import { applicantNotice, noticeEntry, onBehalf, SYSTEM, who, type TimelineEntry } from './timeline-entry.js';

type IHistory = temporal.api.history.v1.IHistory;
const EventType = proto.temporal.api.enums.v1.EventType;

export type { TimelineEntry } from './timeline-entry.js';

/** A notification's delivery as the timeline shows it: overall and per channel (from the outbox, not the history). */
export interface TimelineDelivery {
  /** Null while the outbox has no row for it yet (the activity that writes it is under way). */
  notificationId: string | null;
  status: DeliveryStatus;
  channels: { channel: string; status: DeliveryStatus; attempts: number; reason: string | null; deliveredAt: string | null; nextAttemptAt: string | null }[];
}

/** Finds a notification's delivery by its outbox key (which each notification the history records carries). */
export type DeliveryLookup = (key: string) => TimelineDelivery | undefined;

export function timelineDelivery(n: OutboxRow): TimelineDelivery {
  return {
    notificationId: n.id,
    status: n.status,
    channels: n.deliveries.map((d) => ({
      channel: d.channel,
      status: d.status,
      attempts: d.attempts,
      reason: d.reason,
      deliveredAt: d.deliveredAt,
      nextAttemptAt: d.nextAttemptAt,
    })),
  };
}

const NOT_WRITTEN_YET: TimelineDelivery = { notificationId: null, status: 'pending', channels: [] };

const decode = <T>(p: Payload | null | undefined): T | undefined => (p ? defaultPayloadConverter.fromPayload<T>(p) : undefined);

/** A payload of a marker, any of which may be the SDK's own (in an encoding of its choosing): undefined when it is not JSON OneStop can read. */
function decodeIfAny(p: Payload): unknown {
  try {
    return decode<unknown>(p);
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds of a history timestamp. `seconds` is a Long when the history comes from the client and
 * a number or string when it was read back from JSON (the archive), so both are accepted.
 */
function eventTimeMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  const s = ts?.seconds;
  const seconds = s && typeof s === 'object' && 'toNumber' in s ? (s as { toNumber(): number }).toNumber() : Number(s ?? 0);
  return seconds * 1000 + Math.floor((ts?.nanos ?? 0) / 1e6);
}

/**
 * With `deliveries`, every entry that stems from a notification carries its delivery status
 * (`details.delivery`); the closing notices, which repeat the completion, ride on the case-closed
 * entry (`details.notices`).
 */
export function timelineFromHistory(history: IHistory, deliveries?: DeliveryLookup): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const closingNotices: NotificationInput[] = [];
  const deliveryOf = (n: NotificationInput) => deliveries?.(n.key) ?? NOT_WRITTEN_YET;
  /** A notification the case sent: an entry of its own, or (a closing notice) one riding on case-closed. */
  const notified = (n: NotificationInput) => {
    if (n.kind === 'case-closed') {
      closingNotices.push(n);
      return;
    }
    const entry = notificationEntry(n);
    if (deliveries) entry.details.delivery = deliveryOf(n);
    out.push(entry);
  };
  // Accepted updates wait for their completion: only those that completed successfully count. Their
  // entries go where the update was accepted (`pos`), before what the handler caused (a payment,
  // scheduled before the update completes) and what the case recorded meanwhile.
  const accepted = new Map<string, { at: string; name: string; arg: unknown; pos: number; seq: number }>();
  let acceptedSeq = 0;
  // The clock stops on the first request-info and resumes on the supplement; a second request-info
  // while stopped is a decision, not another stop.
  let clockStopped = false;

  for (const e of history.events ?? []) {
    const at = new Date(eventTimeMs(e.eventTime)).toISOString();
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const input = decode<OpenCaseInput>(e.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]);
        if (!input) break;
        out.push({ at, type: 'case-opened', actor: who(input.openedBy), details: openingDetails(input) });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const a = e.workflowExecutionUpdateAcceptedEventAttributes;
        const req = a?.acceptedRequest;
        const id = req?.meta?.updateId ?? a?.protocolInstanceId;
        if (id && req?.input?.name) {
          accepted.set(id, { at, name: req.input.name, arg: decode(req.input.args?.payloads?.[0]), pos: out.length, seq: acceptedSeq++ });
        }
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
        const c = e.workflowExecutionUpdateCompletedEventAttributes;
        const id = c?.meta?.updateId;
        const u = id ? accepted.get(id) : undefined;
        if (!u || !c?.outcome?.success) break;
        accepted.delete(id as string);
        const entries: TimelineEntry[] = [];
        for (const entry of updateEntries(u.name, u.at, u.arg, decode<CaseReceipt>(c.outcome.success.payloads?.[0]))) {
          if (entry.type === 'clock-stopped') {
            if (clockStopped) continue;
            clockStopped = true;
          }
          if (entry.type === 'clock-resumed') clockStopped = false;
          entries.push(entry);
        }
        out.splice(u.pos, 0, ...entries);
        // Updates accepted after this one and still pending keep their place after its entries.
        for (const other of accepted.values()) {
          if (other.pos > u.pos || (other.pos === u.pos && other.seq > u.seq)) other.pos += entries.length;
        }
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const s = e.activityTaskScheduledEventAttributes;
        const name = s?.activityType?.name;
        if (name === ACTIVITY.pay) {
          const p = decode<{ purpose: string; amount: Money; payee: { creditCode: string; name: string } }>(s?.input?.payloads?.[0]);
          if (p) out.push({ at, type: 'payment', actor: SYSTEM, details: { purpose: p.purpose, amount: p.amount, payee: p.payee } });
        } else if (name === ACTIVITY.recordRecovery) {
          const r = decode<{ amount: Money; reason: string }>(s?.input?.payloads?.[0]);
          if (r) out.push({ at, type: 'recovery', actor: SYSTEM, details: { amount: r.amount, reason: r.reason } });
        }
        break;
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        // Notifications go to the outbox with the projection, in a local activity whose result, a
        // PublicationRecord of OneStop's own, the history records in a marker. It is found by its
        // tag, whatever the SDK names the marker or its fields.
        for (const p of Object.values(e.markerRecordedEventAttributes?.details ?? {}).flatMap((d) => d.payloads ?? [])) {
          const record = decodeIfAny(p);
          if (isPublicationRecord(record)) for (const n of record.notifications) notified(n);
        }
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
        const result = decode<CaseView>(e.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0]);
        if (!result) break;
        out.push({
          at,
          type: 'case-closed',
          details: {
            status: result.status,
            decision: result.decision,
            cancelledTasks: result.tasks.filter((t) => t.status === 'cancelled').map((t) => t.taskId),
            pausedMs: result.sla.pausedMs,
            breached: result.sla.breached,
            ...(deliveries && closingNotices.length
              ? { notices: closingNotices.map((n) => ({ recipient: n.recipient, message: n.message, delivery: deliveryOf(n) })) }
              : {}),
          },
        });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        out.push({ at, type: 'case-terminated', details: { reason: e.workflowExecutionTerminatedEventAttributes?.reason ?? null } });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        out.push({ at, type: 'case-failed', details: { message: e.workflowExecutionFailedEventAttributes?.failure?.message ?? null } });
        break;
      default:
        break;
    }
  }
  return out;
}

/** The case-opened entry's details: what every case has, then what its process shows (its timeline.ts). */
function openingDetails(input: OpenCaseInput): Record<string, unknown> {
  return {
    templateId: input.template.id,
    templateVersion: input.templateVersion,
    kind: input.template.kind,
    applicant: { creditCode: input.applicant.creditCode, name: input.applicant.name },
    priority: input.priority,
    documents: input.documents ?? [],
    ...openingTimeline(input),
  };
}

function updateEntries(name: string, at: string, arg: unknown, result: CaseReceipt | undefined): TimelineEntry[] {
  if (name === decideUpdate.name) {
    const d = arg as DecisionInput;
    const entries: TimelineEntry[] = [
      {
        at,
        type: 'decision',
        actor: who(d.actor),
        taskId: d.taskId,
        details: {
          outcome: d.outcome,
          comment: d.comment ?? null,
          ...(d.requestedDocuments ? { requestedDocuments: d.requestedDocuments } : {}),
          ...(d.amount ? { amount: d.amount } : {}),
        },
      },
    ];
    if (d.outcome === 'request-info') entries.push({ at, type: 'clock-stopped', actor: who(d.actor), taskId: d.taskId, details: { reason: 'request-info' } });
    return entries;
  }
  if (name === supplementUpdate.name) {
    const s = arg as SupplementInput;
    return [
      { at, type: 'supplement-filed', actor: who(s.actor), details: { documents: s.documents, note: s.note ?? null, ...onBehalf(s) } },
      { at, type: 'clock-resumed', actor: who(s.actor), details: resumed(result) },
    ];
  }
  if (name === withdrawUpdate.name) {
    const w = arg as WithdrawInput;
    return [{ at, type: 'withdrawn', actor: who(w.actor), details: { reason: w.reason, ...onBehalf(w) } }];
  }
  if (name === claimTaskUpdate.name || name === releaseTaskUpdate.name) {
    const t = arg as TaskWorkInput;
    return [{ at, type: name === claimTaskUpdate.name ? 'task-claimed' : 'task-released', actor: who(t.actor), taskId: t.taskId, details: {} }];
  }
  if (name === assignTaskUpdate.name) {
    const a = arg as AssignInput;
    return [{ at, type: 'task-assigned', actor: who(a.actor), taskId: a.taskId, details: { assignee: a.assignee.sub, assigneeName: a.assignee.name } }];
  }
  if (name === addCommentUpdate.name) {
    const c = arg as CommentInput;
    return [{ at, type: 'comment', actor: who(c.actor), ...(c.taskId ? { taskId: c.taskId } : {}), details: { text: c.text } }];
  }
  return processUpdateEntries(name, at, arg) ?? [{ at, type: `update:${name}`, details: {} }];
}

/** How long the clocks stood still and the deadline after a supplement, from its receipt. */
function resumed(result: CaseReceipt | undefined): { stoppedMs: number | null; deadlineAt: string | null } {
  return { stoppedMs: result?.resumed?.stoppedMs ?? null, deadlineAt: result?.resumed?.deadlineAt ?? null };
}

/**
 * The entry of a notification (case-closed notices excepted: they repeat the completion): the kinds
 * every process sends here, a process's own kinds by its timeline.ts.
 */
function notificationEntry(n: NotificationInput): TimelineEntry {
  switch (n.kind) {
    case 'escalation':
      return { ...noticeEntry(n), details: { action: n.action, level: n.level, recipient: n.recipient, message: n.message } };
    case 'breach':
      return noticeEntry(n, 'deadline-breached');
    case 'case-opened':
    case 'task-decided':
    case 'info-requested':
    case 'supplement-reminder':
    case 'supplement-timeout':
      return applicantNotice(n);
    default:
      // A process's own kind, or one no process names yet: one generic entry, named by its kind.
      return (
        processNotificationEntry(n) ?? {
          ...noticeEntry(n, 'notification'),
          details: { kind: String(n.kind), recipient: n.recipient, message: n.message },
        }
      );
  }
}
