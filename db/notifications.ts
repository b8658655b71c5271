/**
 * The notification outbox: written once per key by workflows; each notification then gets one
 * delivery per channel (planned by the sender), whose status, attempts and next attempt are kept
 * here, and which the sender delivers (deliverDue) and an admin may retry once it has failed.
 */
import type pg from 'pg';
import type { ChannelName, DeliveryStatus, NotificationInput } from '../common/notifications.js';
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';

/** Writes a notification to the outbox once per key, on a pool or inside a transaction's client. */
export async function enqueueNotification(db: Pool | pg.PoolClient, n: NotificationInput): Promise<void> {
  await db.query(
    `INSERT INTO notifications (key, case_id, kind, task_id, action, level, recipient_dept, recipient_role, message, event_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (key) DO NOTHING`,
    [n.key, n.caseId, n.kind, n.taskId, n.action, n.level, n.recipient.dept, n.recipient.role, n.message, n.at],
  );
}

export interface DeliveryRecord {
  channel: ChannelName;
  /** Stable across the delivery's attempts (X-OneStop-Delivery, the mail's Message-ID). */
  deliveryId: string;
  status: DeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  /** The address the last attempt went to. */
  address: string | null;
  /** Why the last attempt failed; null once delivered. */
  reason: string | null;
  retriedBy: string | null;
  retriedAt: string | null;
}

export interface OutboxRow {
  id: string;
  key: string;
  caseId: string;
  kind: string;
  taskId: string | null;
  action: string | null;
  level: number | null;
  recipientDept: string | null;
  recipientRole: NotificationInput['recipient']['role'];
  message: string;
  eventAt: string;
  createdAt: string;
  /** Failed if a delivery failed; else pending while one is pending (or none is planned yet); else delivered. */
  status: DeliveryStatus;
  /** When the last channel delivered it, once every one has; else null. */
  sentAt: string | null;
  deliveries: DeliveryRecord[];
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

const SELECT_NOTIFICATIONS = `
  SELECT n.id::text, n.key, n.case_id AS "caseId", n.kind, n.task_id AS "taskId", n.action, n.level, n.recipient_dept AS "recipientDept",
         n.recipient_role AS "recipientRole", n.message, n.event_at AS "eventAt", n.created_at AS "createdAt", n.planned,
         COALESCE((SELECT json_agg(json_build_object(
             'channel', d.channel, 'deliveryId', d.delivery_id, 'status', d.status, 'attempts', d.attempts,
             'nextAttemptAt', d.next_attempt_at, 'lastAttemptAt', d.last_attempt_at, 'deliveredAt', d.delivered_at, 'address', d.address,
             'reason', d.reason, 'retriedBy', d.retried_by, 'retriedAt', d.retried_at) ORDER BY d.channel)
           FROM notification_deliveries d WHERE d.notification_id = n.id), '[]') AS deliveries
  FROM notifications n`;

type Row = Omit<OutboxRow, 'status' | 'sentAt' | 'deliveries'> & { planned: boolean; deliveries: DeliveryRecord[] };

function outboxRow({ planned, ...r }: Row): OutboxRow {
  const deliveries = r.deliveries.map((d) => ({
    ...d,
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    deliveredAt: iso(d.deliveredAt),
    retriedAt: iso(d.retriedAt),
  }));
  const status: DeliveryStatus = deliveries.some((d) => d.status === 'failed')
    ? 'failed'
    : !planned || deliveries.some((d) => d.status === 'pending')
      ? 'pending'
      : 'delivered';
  const sentAt =
    status === 'delivered'
      ? (deliveries
          .map((d) => d.deliveredAt as string)
          .sort()
          .at(-1) ?? null)
      : null;
  return { ...r, eventAt: iso(r.eventAt) as string, createdAt: iso(r.createdAt) as string, status, sentAt, deliveries };
}

export async function notificationsOfCase(pool: Pool, caseId: string): Promise<OutboxRow[]> {
  const { rows } = await pool.query<Row>(`${SELECT_NOTIFICATIONS} WHERE n.case_id = $1 ORDER BY n.id`, [caseId]);
  return rows.map(outboxRow);
}

export async function getNotification(pool: Pool, id: string): Promise<OutboxRow | undefined> {
  const { rows } = await pool.query<Row>(`${SELECT_NOTIFICATIONS} WHERE n.id = $1`, [id]);
  return rows[0] && outboxRow(rows[0]);
}

export interface NotificationFilter {
  status?: DeliveryStatus;
  caseId?: string;
  /** Notifications older than this id (the previous page's last). */
  before?: string;
  limit: number;
}

/** The same rule as OutboxRow.status, in SQL, so that the list filters before it pages. */
const STATUS_SQL: Record<DeliveryStatus, string> = {
  failed: `EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status = 'failed')`,
  pending: `NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status = 'failed')
            AND (NOT n.planned OR EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status = 'pending'))`,
  delivered: `n.planned AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status <> 'delivered')`,
};

/** Newest first (by id, which follows insertion order). */
export async function listNotifications(pool: Pool, f: NotificationFilter): Promise<OutboxRow[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.status) where.push(STATUS_SQL[f.status]);
  if (f.caseId) where.push(`n.case_id = $${args.push(f.caseId)}`);
  if (f.before) where.push(`n.id < $${args.push(f.before)}`);
  const { rows } = await pool.query<Row>(
    `${SELECT_NOTIFICATIONS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY n.id DESC LIMIT $${args.push(f.limit)}`,
    args,
  );
  return rows.map(outboxRow);
}

/** Puts the notification's failed deliveries back to pending, due now, with a fresh set of attempts. */
export async function retryFailed(pool: Pool, id: string, by: string): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), retried_by = $2, retried_at = now()
     WHERE notification_id = $1 AND status = 'failed'`,
    [id, by],
  );
  return rowCount ?? 0;
}

/**
 * Gives every notification not planned yet one pending delivery per channel. The channels are fixed
 * then: a channel configured later does not resend what was already planned.
 */
export async function planDeliveries(pool: Pool, channels: readonly ChannelName[], batch = 500): Promise<number> {
  const { rowCount } = await pool.query(
    `WITH todo AS (SELECT id FROM notifications WHERE NOT planned ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
          planned AS (INSERT INTO notification_deliveries (notification_id, channel)
                      SELECT todo.id, c FROM todo CROSS JOIN unnest($1::text[]) AS c ON CONFLICT DO NOTHING)
     UPDATE notifications SET planned = true WHERE id IN (SELECT id FROM todo)`,
    [channels, batch],
  );
  return rowCount ?? 0;
}

/** A delivery that is due, with its notification: what a channel needs to send it. */
export interface DueDelivery {
  notification: Omit<OutboxRow, 'status' | 'sentAt' | 'deliveries' | 'createdAt'> & {
    /** The number a person reads (SA-2026-000123); the case id for a case opened without one. */
    caseNumber: string;
  };
  channel: ChannelName;
  deliveryId: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
}

/** What an attempt came to: delivered, or failed (for good, or to be tried again after the backoff). */
export type AttemptOutcome = { delivered: true; address: string | null } | { delivered: false; address: string | null; reason: string; final: boolean };

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay after the first failed attempt; doubled after each further one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The delay before attempt `failed + 1`, after `failed` failed attempts: exponential, capped. */
export const backoffMs = (policy: RetryPolicy, failed: number): number => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failed - 1));

/** Deliveries attempted per round of the sender (each in its own transaction). */
export const DELIVERY_BATCH = 50;

/**
 * Attempts up to `batch` due deliveries, each in its own transaction holding its row (FOR UPDATE
 * SKIP LOCKED): several senders run side by side without taking the same delivery, and one that
 * crashes mid-attempt leaves the delivery pending (its transaction rolls back), never lost. The
 * outcome is written in the same transaction as the claim.
 */
export async function deliverDue(
  pool: Pool,
  attempt: (d: DueDelivery, db: pg.PoolClient) => Promise<AttemptOutcome>,
  policy: RetryPolicy,
  batch = DELIVERY_BATCH,
): Promise<number> {
  let done = 0;
  for (let i = 0; i < batch; i++) {
    const found = await withTransaction(pool, async (client) => {
      const { rows } = await client.query(
        `SELECT d.notification_id::text AS id, d.channel, d.delivery_id AS "deliveryId", d.attempts,
                n.key, n.case_id AS "caseId", n.kind, n.task_id AS "taskId", n.action, n.level, n.recipient_dept AS "recipientDept",
                n.recipient_role AS "recipientRole", n.message, n.event_at AS "eventAt", COALESCE(cn.number, n.case_id) AS "caseNumber"
         FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
         LEFT JOIN case_numbers cn ON cn.case_id = n.case_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= now()
         ORDER BY d.next_attempt_at, d.notification_id LIMIT 1 FOR UPDATE OF d SKIP LOCKED`,
      );
      const row = rows[0];
      if (!row) return false;
      const { channel, deliveryId, attempts, ...n } = row;
      const number = attempts + 1;
      const outcome = await attempt({ notification: { ...n, eventAt: iso(n.eventAt) }, channel, deliveryId, attempt: number }, client);
      if (outcome.delivered) {
        await client.query(
          `UPDATE notification_deliveries SET status = 'delivered', attempts = $3, last_attempt_at = now(), delivered_at = now(), address = $4, reason = NULL
           WHERE notification_id = $1 AND channel = $2`,
          [row.id, channel, number, outcome.address],
        );
      } else {
        const failed = outcome.final || number >= policy.maxAttempts;
        await client.query(
          `UPDATE notification_deliveries SET status = $3, attempts = $4, last_attempt_at = now(), address = $5, reason = $6,
             next_attempt_at = now() + $7 * interval '1 millisecond'
           WHERE notification_id = $1 AND channel = $2`,
          [row.id, channel, failed ? 'failed' : 'pending', number, outcome.address, outcome.reason, failed ? 0 : backoffMs(policy, number)],
        );
      }
      done += 1;
      return true;
    });
    if (!found) break;
  }
  return done;
}
