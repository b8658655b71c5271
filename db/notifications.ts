/** The notification outbox: written once per key by workflows, delivered by the sender. */
import type { NotificationInput } from '../common/notifications.js';
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';

export async function enqueueNotification(pool: Pool, n: NotificationInput): Promise<void> {
  await pool.query(
    `INSERT INTO notifications (key, case_id, kind, task_id, action, level, recipient_dept, recipient_role, message, event_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (key) DO NOTHING`,
    [n.key, n.caseId, n.kind, n.taskId, n.action, n.level, n.recipient.dept, n.recipient.role, n.message, n.at],
  );
}

export interface OutboxRow {
  id: string;
  key: string;
  caseId: string;
  kind: string;
  taskId: string | null;
  action: string | null;
  recipientDept: string | null;
  recipientRole: string;
  message: string;
  eventAt: string;
  sentAt: string | null;
}

export async function notificationsOfCase(pool: Pool, caseId: string): Promise<OutboxRow[]> {
  const { rows } = await pool.query(
    `SELECT id::text, key, case_id AS "caseId", kind, task_id AS "taskId", action, recipient_dept AS "recipientDept",
            recipient_role AS "recipientRole", message, event_at AS "eventAt", sent_at AS "sentAt"
     FROM notifications WHERE case_id = $1 ORDER BY notifications.id`,
    [caseId],
  );
  return rows.map((r) => ({ ...r, eventAt: new Date(r.eventAt).toISOString(), sentAt: r.sentAt && new Date(r.sentAt).toISOString() }));
}

/**
 * Delivers up to `batch` unsent notifications through `send`, each in its own transaction with
 * SKIP LOCKED, so several senders can run side by side and a crash leaves a row unsent, not lost.
 */
export async function deliverPending(pool: Pool, send: (row: OutboxRow) => Promise<void>, batch = 50): Promise<number> {
  let delivered = 0;
  for (let i = 0; i < batch; i++) {
    const found = await withTransaction(pool, async (client) => {
      const { rows } = await client.query(
        `SELECT id::text, key, case_id AS "caseId", kind, task_id AS "taskId", action, recipient_dept AS "recipientDept",
                recipient_role AS "recipientRole", message, event_at AS "eventAt", sent_at AS "sentAt"
         FROM notifications WHERE sent_at IS NULL AND attempts < 10 ORDER BY notifications.id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      const row = rows[0];
      if (!row) return false;
      try {
        await send({ ...row, eventAt: new Date(row.eventAt).toISOString() });
        await client.query('UPDATE notifications SET sent_at = now(), attempts = attempts + 1 WHERE id = $1', [row.id]);
        delivered += 1;
      } catch (err) {
        await client.query('UPDATE notifications SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [row.id, String(err)]);
      }
      return true;
    });
    if (!found) return delivered;
  }
  return delivered;
}
