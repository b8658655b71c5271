/**
 * Delivers the notification outbox on the configured channels (workers/channels/): plans one
 * delivery per notification and channel, resolves the recipient's address at delivery time (the
 * applicant's contact, or the directory), sends, and records the outcome — delivered, or failed
 * with the reason and retried after an exponential backoff until the last attempt. Workflows only
 * write the outbox; nothing here touches them.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { recipientType } from '../common/notifications.js';
import { resolveAddress } from '../db/directory.js';
import { DELIVERY_BATCH, deliverDue, planDeliveries, type AttemptOutcome, type DueDelivery, type RetryPolicy } from '../db/notifications.js';
import type { Pool } from '../db/pool.js';
import type { Config } from '../infra/config.js';
import { DeliveryError, type NotificationChannel } from './channels/delivery.js';
import { startPoller } from './poller.js';

export const retryPolicyOf = (config: Config): RetryPolicy => ({
  maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
  baseDelayMs: config.NOTIFY_RETRY_BASE_MS,
  maxDelayMs: config.NOTIFY_RETRY_MAX_MS,
});

/** An applicant's address is personal data: a reason (often the server's words) names it as <address>. */
function redact(reason: string, address: string | null, personal: boolean): string {
  const text = reason.slice(0, 1000);
  return personal && address ? text.split(address).join('<address>') : text;
}

/** One attempt of one delivery: resolve the address, send, and say how it went (never throws for a channel's failure). */
async function attemptDelivery(channel: NotificationChannel, d: DueDelivery, db: pg.PoolClient, logger: Logger): Promise<AttemptOutcome> {
  const n = d.notification;
  const type = recipientType(n.recipientRole);
  const resolved = await resolveAddress(db, n.caseId, type, n.recipientDept);
  const address = 'address' in resolved ? resolved.address : null;
  const where = { notification: n.id, channel: channel.name, attempt: d.attempt, caseId: n.caseId, to: { type, dept: n.recipientDept } };
  if ('missing' in resolved && channel.needsAddress) {
    logger.warn({ ...where, reason: resolved.missing }, 'notification has no address');
    return { delivered: false, address: null, reason: resolved.missing, final: !resolved.retry };
  }
  try {
    await channel.send({
      id: n.id,
      deliveryId: d.deliveryId,
      caseId: n.caseId,
      caseNumber: n.caseNumber,
      kind: n.kind,
      taskId: n.taskId,
      action: n.action,
      level: n.level,
      recipient: { type, dept: n.recipientDept, address },
      text: n.message,
      at: n.eventAt,
      attempt: d.attempt,
    });
    return { delivered: true, address };
  } catch (err) {
    const reason = redact(err instanceof Error ? err.message : String(err), address, type === 'applicant');
    const final = err instanceof DeliveryError && err.final;
    logger.warn({ ...where, reason, final }, 'notification delivery failed');
    return { delivered: false, address, reason, final };
  }
}

/** One round: plan what is new, then deliver everything due on every channel. Returns the attempts made. */
export async function deliverNotifications(pool: Pool, channels: readonly NotificationChannel[], policy: RetryPolicy, logger: Logger): Promise<number> {
  await planDeliveries(
    pool,
    channels.map((c) => c.name),
  );
  const byName = new Map(channels.map((c) => [c.name, c]));
  return deliverDue(
    pool,
    async (d, db) => {
      const channel = byName.get(d.channel);
      // Planned by a worker configured with another channel: it stays pending for a worker that has it.
      if (!channel) return { delivered: false, address: null, reason: `this worker has no ${d.channel} channel configured`, final: false };
      return attemptDelivery(channel, d, db, logger);
    },
    policy,
  );
}

/** Delivers every `intervalMs` until stopped; returns the stop function (which waits for the round under way). */
export function startNotificationSender(
  pool: Pool,
  channels: readonly NotificationChannel[],
  policy: RetryPolicy,
  logger: Logger,
  intervalMs: number,
): () => Promise<void> {
  // A full batch means more may be due: the next round starts at once (the poller drains).
  const stop = startPoller(
    'notification delivery',
    intervalMs,
    async () => (await deliverNotifications(pool, channels, policy, logger)) >= DELIVERY_BATCH,
    logger,
  );
  return async () => {
    await stop();
    await Promise.all(channels.map((c) => c.close?.()));
  };
}
