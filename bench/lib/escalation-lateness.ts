/**
 * How late a case's first escalation step fired: the case's own record of it (the view's
 * `escalations[0].at`, the workflow's clock when the step ran) minus when it was due (the task's
 * `openedAt` plus the step's share of its SLA, as workflows/lib/escalation.ts schedules it, with no
 * clock stop in between). Read from the projection, which the workflow publishes after the step.
 * For a sample, the case's history says where the lateness arose (server timestamps).
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
// @temporalio/proto is CommonJS: its namespace is read from the default export at run time.
import proto from '@temporalio/proto';
import type { Pool } from '../../db/pool.js';

const { EventType } = proto.temporal.api.enums.v1;

export interface Lateness {
  caseId: string;
  dueMs: number;
  firedMs: number;
  latenessMs: number;
}

/** Cases (of `ids`) whose projection shows a first escalation. */
export async function escalatedCount(pool: Pool, ids: string[]): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1) AND jsonb_array_length(view->'escalations') > 0`, [ids]);
  return rows[0].n;
}

/** The lateness of each case's first escalation; `fraction` is the ladder step's `at`. */
export async function firstEscalationLateness(pool: Pool, ids: string[], fraction: number): Promise<Lateness[]> {
  const { rows } = await pool.query(
    `SELECT case_id, e->>'taskId' AS task_id, e->>'at' AS fired_at,
            (SELECT t->>'openedAt' FROM jsonb_array_elements(view->'tasks') t WHERE t->>'taskId' = e->>'taskId') AS opened_at,
            (SELECT (t->>'slaMs')::bigint FROM jsonb_array_elements(view->'tasks') t WHERE t->>'taskId' = e->>'taskId') AS sla_ms
     FROM cases, LATERAL (SELECT view->'escalations'->0 AS e) first
     WHERE case_id = ANY($1) AND e IS NOT NULL`,
    [ids],
  );
  return rows.map((r) => {
    const dueMs = Date.parse(r.opened_at) + Math.round(fraction * Number(r.sla_ms));
    const firedMs = Date.parse(r.fired_at);
    return { caseId: r.case_id, dueMs, firedMs, latenessMs: firedMs - dueMs };
  });
}

/** Where one case's lateness arose, from its history (ms, server timestamps). */
export interface LatenessParts {
  /** The timer was recorded when the first workflow task completed: its fire time minus the due time. */
  timerSetLate: number;
  /** TimerFired minus the fire time the timer was recorded with. */
  serverFiredLate: number;
  /** The workflow task that ran the step: started minus TimerFired (its queueing). */
  pickedUp: number;
}

export async function latenessParts(client: Client, l: Lateness): Promise<LatenessParts | undefined> {
  const events = (await client.workflow.getHandle(l.caseId).fetchHistory()).events ?? [];
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  const fired = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
  const started = fired && byId.get(Number(fired.timerFiredEventAttributes?.startedEventId));
  const task = fired && events.find((e) => Number(e.eventId) > Number(fired.eventId) && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  if (!fired || !started || !task) return undefined;
  const fireAt = tsToMs(started.eventTime) + tsToMs(started.timerStartedEventAttributes?.startToFireTimeout);
  return { timerSetLate: fireAt - l.dueMs, serverFiredLate: tsToMs(fired.eventTime) - fireAt, pickedUp: tsToMs(task.eventTime) - tsToMs(fired.eventTime) };
}
