/**
 * What a completed case leaves in Temporal, from a sample of histories: events and bytes by event
 * type (activity events split by activity type), the payload bytes in them (as stored, and after
 * the payload codec for an encrypted history), workflow tasks, timers, and the server's timestamps
 * of the work in between (workflow-task and activity queueing and running, update accepted → completed).
 */
import type { PayloadCodec } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time.js';
// @temporalio/proto is CommonJS: its namespace is read from the default export at run time.
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;

const { EventType } = proto.temporal.api.enums.v1;
const ProtoPayload = proto.temporal.api.common.v1.Payload;
const ProtoEvent = proto.temporal.api.history.v1.HistoryEvent;

export interface EventTally {
  count: number;
  /** The events' protobuf size, as the server stores and ships them. */
  bytes: number;
  /** The payloads inside them (inputs, results, update arguments, search attributes, headers). */
  payloadBytes: number;
  /** The same payloads after the payload codec (equal to payloadBytes for a plain history). */
  plainPayloadBytes: number;
}

export interface HistoryProfile {
  histories: number;
  events: number;
  bytes: number;
  /** By event type, activity events as `ActivityTaskScheduled (pay)`. */
  byType: Map<string, EventTally>;
  workflowTasks: number;
  /** Server time from a workflow task's scheduling to its pick-up by the worker, and from pick-up to completion (ms). */
  workflowTaskQueued: number[];
  workflowTaskRunning: number[];
  /** The same for activity tasks, by activity type. */
  activityQueued: Map<string, number[]>;
  activityRunning: Map<string, number[]>;
  /** Update accepted → update completed, as the history records them (ms). */
  updateAcceptedToCompleted: number[];
  /** Workflow tasks by what made the server schedule them (the event just before), with their queueing and running (ms). */
  workflowTaskCause: Map<string, { count: number; queued: number[]; running: number[] }>;
}

/** `EVENT_TYPE_WORKFLOW_TASK_COMPLETED` → `WorkflowTaskCompleted`. */
function typeName(e: HistoryEvent): string {
  const raw = EventType[e.eventType ?? 0] ?? String(e.eventType);
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function isPayload(v: unknown): v is Payload {
  return !!v && typeof v === 'object' && 'metadata' in v && (v as Payload).data instanceof Uint8Array;
}

function payloadsIn(node: unknown, out: Payload[] = []): Payload[] {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return out;
  if (isPayload(node)) {
    out.push(node);
    return out;
  }
  for (const v of Array.isArray(node) ? node : Object.values(node)) payloadsIn(v, out);
  return out;
}

/**
 * What a workflow task's preceding event says about its cause. An update's task is speculative:
 * the server writes it only when the update is accepted, right after whatever the previous task wrote.
 */
function causeOf(previous: string): string {
  if (previous === 'WorkflowExecutionStarted') return 'the start';
  if (/^ActivityTask(Completed|Failed|TimedOut|Canceled) /.test(previous)) return `an activity ended: ${previous.slice(previous.indexOf('(') + 1, -1)}`;
  if (previous === 'TimerFired') return 'a timer fired';
  if (previous === 'WorkflowExecutionSignaled') return 'a signal';
  return 'an update arrived';
}

const size = (p: Payload) => ProtoPayload.encode(p).finish().length;
const ms = (e: HistoryEvent | undefined) => (e?.eventTime ? tsToMs(e.eventTime) : NaN);
const push = (m: Map<string, number[]>, k: string, v: number) => m.set(k, [...(m.get(k) ?? []), v]);

export async function profileHistories(histories: temporal.api.history.v1.IHistory[], codecs: readonly PayloadCodec[] = []): Promise<HistoryProfile> {
  const p: HistoryProfile = {
    histories: histories.length,
    events: 0,
    bytes: 0,
    byType: new Map(),
    workflowTasks: 0,
    workflowTaskQueued: [],
    workflowTaskRunning: [],
    activityQueued: new Map(),
    activityRunning: new Map(),
    updateAcceptedToCompleted: [],
    workflowTaskCause: new Map(),
  };
  for (const history of histories) {
    const events = history.events ?? [];
    const byId = new Map(events.map((e) => [Number(e.eventId), e]));
    const activityType = new Map<number, string>(); // scheduled event id → activity type
    const updateAccepted = new Map<string, HistoryEvent>();
    let previous = '';
    const causeOfTask = new Map<number, string>(); // scheduled event id → cause
    for (const e of events) {
      const type = typeName(e);
      let label = type;
      if (e.activityTaskScheduledEventAttributes) {
        const name = e.activityTaskScheduledEventAttributes.activityType?.name ?? '?';
        activityType.set(Number(e.eventId), name);
        label = `${type} (${name})`;
      }
      const a = e.activityTaskStartedEventAttributes ?? e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
      if (a) {
        const name = activityType.get(Number(a.scheduledEventId)) ?? '?';
        label = `${type} (${name})`;
        const scheduled = byId.get(Number(a.scheduledEventId));
        if (e.activityTaskStartedEventAttributes) push(p.activityQueued, name, ms(e) - ms(scheduled));
        else push(p.activityRunning, name, ms(e) - ms(byId.get(Number(e.activityTaskCompletedEventAttributes?.startedEventId ?? 0))));
      }
      if (e.workflowTaskScheduledEventAttributes) {
        const c = causeOf(previous);
        causeOfTask.set(Number(e.eventId), c);
        const t = p.workflowTaskCause.get(c) ?? { count: 0, queued: [], running: [] };
        t.count += 1;
        p.workflowTaskCause.set(c, t);
      }
      const taskOf = (scheduledEventId: unknown) => p.workflowTaskCause.get(causeOfTask.get(Number(scheduledEventId)) ?? '');
      if (e.workflowTaskStartedEventAttributes) {
        const scheduledId = e.workflowTaskStartedEventAttributes.scheduledEventId;
        const queued = ms(e) - ms(byId.get(Number(scheduledId)));
        p.workflowTaskQueued.push(queued);
        taskOf(scheduledId)?.queued.push(queued);
      }
      if (e.workflowTaskCompletedEventAttributes) {
        p.workflowTasks += 1;
        const started = byId.get(Number(e.workflowTaskCompletedEventAttributes.startedEventId));
        const running = ms(e) - ms(started);
        p.workflowTaskRunning.push(running);
        taskOf(started?.workflowTaskStartedEventAttributes?.scheduledEventId)?.running.push(running);
      }
      const accepted = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId;
      if (accepted) updateAccepted.set(accepted, e);
      const completed = e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId;
      if (completed && updateAccepted.has(completed)) p.updateAcceptedToCompleted.push(ms(e) - ms(updateAccepted.get(completed)));

      const payloads = payloadsIn(e);
      const plain = codecs.length ? await [...codecs].reverse().reduce(async (acc, c) => c.decode(await acc), Promise.resolve(payloads)) : payloads;
      const t = p.byType.get(label) ?? { count: 0, bytes: 0, payloadBytes: 0, plainPayloadBytes: 0 };
      const bytes = ProtoEvent.encode(e).finish().length;
      t.count += 1;
      t.bytes += bytes;
      t.payloadBytes += payloads.reduce((s, x) => s + size(x), 0);
      t.plainPayloadBytes += plain.reduce((s, x) => s + size(x), 0);
      p.byType.set(label, t);
      p.events += 1;
      p.bytes += bytes;
      previous = label;
    }
  }
  return p;
}
