/**
 * Delivers the notification outbox. The channel is an interface so a real one (SMS gateway, the
 * government messaging platform, e-mail) can replace the log channel without touching workflows.
 */
import type { Logger } from 'pino';
import { deliverPending, type OutboxRow } from '../db/notifications.js';
import type { Pool } from '../db/pool.js';
import { startPoller } from './poller.js';

export interface NotificationChannel {
  send(n: OutboxRow): Promise<void>;
}

/** The default channel: a structured log line per notification (what a local install can do). */
export const logChannel = (logger: Logger): NotificationChannel => ({
  async send(n) {
    logger.info({ notification: n.key, to: { dept: n.recipientDept, role: n.recipientRole }, caseId: n.caseId }, n.message);
  },
});

/** Polls the outbox every `intervalMs` until stopped; returns the stop function. */
export function startNotificationSender(pool: Pool, channel: NotificationChannel, logger: Logger, intervalMs: number): () => Promise<void> {
  return startPoller('notification delivery', intervalMs, () => deliverPending(pool, (n) => channel.send(n)), logger);
}
