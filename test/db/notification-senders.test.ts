/**
 * Senders side by side, against the real PostgreSQL and a real HTTP receiver: two senders (each
 * with its own pool, as two workers have) deliver every notification exactly once between them, and
 * a sender that dies in the middle of an attempt leaves its delivery pending for another to deliver.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, expect, inject, test } from 'vitest';
import { putDirectoryEntry } from '../../db/directory.js';
import { enqueueNotification } from '../../db/notifications.js';
import { createPool, type Pool } from '../../db/pool.js';
import type { NotificationChannel } from '../../workers/channels/delivery.js';
import { webhookChannel } from '../../workers/channels/webhook.js';
import { startNotificationSender } from '../../workers/notification-sender.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/notify-receivers.js';
import { waitFor } from '../support/wait.js';

const SECRET = 'a-webhook-secret-of-at-least-32-bytes!';
const POLICY = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 };
const quiet = pino({ level: 'silent' });

let db: TestDatabase;
let hook: WebhookReceiver;
const pools: Pool[] = [];

beforeAll(async () => {
  [db, hook] = await Promise.all([freshDatabase(inject('databaseUrl')), startWebhookReceiver(SECRET)]);
  await putDirectoryEntry(db.pool, { dept: 'health', email: 'desk@health.gov.example', supervisorEmail: null }, 'root');
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all([db?.drop(), hook?.stop()]);
});
beforeEach(() => {
  hook.calls.length = 0;
  hook.answer = () => 204;
});

/** A worker's own pool, as a second process would have. */
function workerPool(): Pool {
  const pool = createPool(db.url, 3);
  pools.push(pool);
  return pool;
}

async function enqueue(n: number): Promise<string> {
  const caseId = `case-${randomUUID()}`;
  for (let i = 0; i < n; i++) {
    await enqueueNotification(db.pool, {
      key: `${caseId}:${i}`,
      caseId,
      kind: 'follow-up',
      taskId: null,
      action: null,
      level: null,
      recipient: { dept: 'health', role: 'caseworker' },
      at: new Date().toISOString(),
      message: `follow-up ${i}`,
    });
  }
  return caseId;
}

const deliveredOf = async (caseId: string) =>
  (
    await db.pool.query(
      `SELECT count(*)::int AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.case_id = $1 AND d.status = 'delivered'`,
      [caseId],
    )
  ).rows[0].n as number;

/** A channel that counts what it sent, so the test can tell the two senders apart. */
function counted(channel: NotificationChannel, sent: string[]): NotificationChannel {
  return {
    ...channel,
    async send(d) {
      await channel.send(d);
      sent.push(d.id);
    },
  };
}

test('two senders side by side deliver each notification once between them', async () => {
  const caseId = await enqueue(40);
  // A consumer that takes a moment per call, so both senders are at work at the same time.
  hook.answer = () => new Promise((resolve) => setTimeout(() => resolve(204), 20));
  const sent: [string[], string[]] = [[], []];
  const stops = sent.map((mine) =>
    startNotificationSender(workerPool(), [counted(webhookChannel({ url: hook.url, secret: SECRET, timeoutMs: 5000 }), mine)], POLICY, quiet, 20),
  );
  try {
    await waitFor(
      () => deliveredOf(caseId),
      (n) => n === 40,
      30_000,
    );
  } finally {
    await Promise.all(stops.map((stop) => stop()));
  }
  const ids = hook.calls.map((c) => c.body.id);
  expect(ids).toHaveLength(40);
  expect(new Set(ids).size).toBe(40);
  expect(new Set(hook.calls.map((c) => c.headers['x-onestop-delivery'])).size).toBe(40);
  expect(hook.calls.every((c) => c.signatureValid && c.status === 204)).toBe(true);
  expect(sent[0].length + sent[1].length).toBe(40);
  expect(sent[0].length).toBeGreaterThan(0);
  expect(sent[1].length).toBeGreaterThan(0);
  const { rows } = await db.pool.query(
    `SELECT d.attempts FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.case_id = $1`,
    [caseId],
  );
  expect(rows.every((r) => r.attempts === 1)).toBe(true);
});

test('a sender that dies in the middle of an attempt leaves the delivery pending, and another delivers it', async () => {
  const caseId = await enqueue(1);
  // The first sender's attempt never ends: its process "crashes" (its connection is cut) meanwhile.
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  let unblock!: (err: Error) => void;
  const hanging: NotificationChannel = {
    name: 'webhook',
    needsAddress: true,
    send: () => (started(), new Promise<void>((_resolve, reject) => (unblock = reject))),
  };
  const dying = workerPool();
  const stopDying = startNotificationSender(dying, [hanging], POLICY, quiet, 20);
  await inFlight;
  const { rows: held } = await db.pool.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`,
  );
  expect(held).toHaveLength(1);
  await db.pool.query('SELECT pg_terminate_backend($1)', [held[0].pid]);
  unblock(new Error('the process is gone'));
  await stopDying();

  const { rows: left } = await db.pool.query(
    `SELECT d.status, d.attempts FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.case_id = $1`,
    [caseId],
  );
  expect(left).toEqual([{ status: 'pending', attempts: 0 }]);

  const stop = startNotificationSender(workerPool(), [webhookChannel({ url: hook.url, secret: SECRET, timeoutMs: 5000 })], POLICY, quiet, 20);
  try {
    await waitFor(
      () => deliveredOf(caseId),
      (n) => n === 1,
    );
  } finally {
    await stop();
  }
  expect(hook.calls.map((c) => c.body.text)).toEqual(['follow-up 0']);
});
