/**
 * The notification channels' own rules: settings checked at start-up (a bad one stops the worker
 * with one clear line), the backoff, how any kind is worded, the webhook body and its signature (as
 * a consumer verifies it), and the local mail catcher of `npm start`, fed by the e-mail channel.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../db/notifications.js';
import { loadConfig } from '../../infra/config.js';
import { localMailCatcher, startMailCatcher } from '../../infra/mail-catcher.js';
import { kindLabel, plainTextOf, subjectOf, type Delivery } from '../../workers/channels/delivery.js';
import { emailChannel, smtpServerOf } from '../../workers/channels/email.js';
import { channelsFromConfig } from '../../workers/channels/from-config.js';
import { signature, webhookBody } from '../../workers/channels/webhook.js';
import { parseMail, verifySignature } from '../support/notify-receivers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'a-webhook-secret-of-at-least-32-bytes!';
const quiet = pino({ level: 'silent' });

const delivery: Delivery = {
  id: '42',
  deliveryId: '0b7c3f9e-3f7a-4a51-9d1c-6f1f0f2a9e11',
  caseId: 'case-00000000-0000-4000-8000-000000000001',
  caseNumber: 'MLFT-2026-000042',
  kind: 'info-requested',
  taskId: 'health',
  action: null,
  level: null,
  recipient: { type: 'applicant', dept: null, address: 'zhang.wei@acme.example' },
  text: '卫生许可需要补充：平面图 (floor plan) by 2026-12-10',
  at: '2026-11-28T08:00:00.000Z',
  attempt: 1,
};

describe('settings', () => {
  it('nothing set: the log channel only; SMTP_URL and the webhook pair turn their channels on', () => {
    expect(channelsFromConfig(loadConfig({}), quiet).map((c) => c.name)).toEqual(['log']);
    const both = loadConfig({
      SMTP_URL: 'smtps://onestop:pw@mail.example.org:465',
      NOTIFY_WEBHOOK_URL: 'https://hooks.example.org/onestop',
      NOTIFY_WEBHOOK_SECRET: SECRET,
    });
    expect(channelsFromConfig(both, quiet).map((c) => c.name)).toEqual(['email', 'webhook']);
    expect(both).toMatchObject({
      SMTP_FROM: 'OneStop <onestop@localhost>',
      NOTIFY_MAX_ATTEMPTS: 10,
      NOTIFY_RETRY_BASE_MS: 30_000,
      NOTIFY_RETRY_MAX_MS: 3_600_000,
    });
    // The server is logged without its credentials.
    expect(smtpServerOf('smtps://onestop:pw@mail.example.org:465')).toBe('smtps://mail.example.org:465');
  });

  it.each([
    [{ SMTP_URL: 'http://mail.example.org' }, /SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/],
    [{ SMTP_URL: 'mail.example.org:25' }, /SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/],
    [{ SMTP_URL: 'smtp://' }, /SMTP_URL/],
    [{ SMTP_FROM: 'OneStop' }, /SMTP_FROM: an address, or a name and an address/],
    [{ NOTIFY_WEBHOOK_URL: 'ftp://hooks.example.org', NOTIFY_WEBHOOK_SECRET: SECRET }, /NOTIFY_WEBHOOK_URL: an http:\/\/ or https:\/\/ URL/],
    [{ NOTIFY_WEBHOOK_URL: 'https://hooks.example.org' }, /NOTIFY_WEBHOOK_SECRET: required with NOTIFY_WEBHOOK_URL/],
    [{ NOTIFY_WEBHOOK_SECRET: SECRET }, /NOTIFY_WEBHOOK_URL: required with NOTIFY_WEBHOOK_SECRET/],
    [{ NOTIFY_WEBHOOK_URL: 'https://hooks.example.org', NOTIFY_WEBHOOK_SECRET: 'short' }, /NOTIFY_WEBHOOK_SECRET: must be at least 32 bytes/],
    [{ NOTIFY_RETRY_BASE_MS: '5000', NOTIFY_RETRY_MAX_MS: '1000' }, /NOTIFY_RETRY_MAX_MS: must not be below NOTIFY_RETRY_BASE_MS/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('a worker with a bad SMTP_URL stops at once with one line naming it', async () => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, SMTP_URL: 'http://mail.example.org', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', TEMPORAL_ADDRESS: '127.0.0.1:1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    p.stdout.on('data', (b: Buffer) => (output += b.toString()));
    p.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const code = await new Promise<number | null>((resolve) => p.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toBe('onestop: refusing to start: invalid environment:\n  SMTP_URL: an smtp:// or smtps:// URL, e.g. smtp://mail.example.org:587\n');
  });
});

describe('retries', () => {
  it('the delay doubles after each failed attempt, up to the cap', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 30_000, maxDelayMs: 300_000 };
    expect([1, 2, 3, 4, 5, 6, 9].map((failed) => backoffMs(policy, failed))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
  });
});

describe('wording', () => {
  it('any kind, including one added later, becomes a label; the mail names the case by its number, the task and the time', () => {
    expect(kindLabel('info-requested')).toBe('Info requested');
    expect(kindLabel('case-closed')).toBe('Case closed');
    expect(kindLabel('')).toBe('Notification');
    expect(subjectOf(delivery)).toBe('OneStop: Info requested (case MLFT-2026-000042)');
    // A case opened before numbers existed is known by its id alone.
    expect(subjectOf({ ...delivery, caseNumber: delivery.caseId })).toBe(`OneStop: Info requested (case ${delivery.caseId})`);
    expect(plainTextOf(delivery).split('\n')).toEqual([
      delivery.text,
      '',
      `Case: MLFT-2026-000042 (${delivery.caseId})`,
      'Task: health',
      'Notice: Info requested',
      'When: 2026-11-28T08:00:00.000Z',
      '',
      `-- OneStop notification 42 (delivery ${delivery.deliveryId})`,
    ]);
  });
});

describe('the webhook body and signature', () => {
  it('the body names the case, kind, recipient, text and time, and is the same on every attempt', () => {
    const body = webhookBody(delivery);
    expect(JSON.parse(body)).toEqual({
      id: '42',
      deliveryId: delivery.deliveryId,
      caseId: delivery.caseId,
      caseNumber: 'MLFT-2026-000042',
      kind: 'info-requested',
      taskId: 'health',
      action: null,
      level: null,
      recipient: { type: 'applicant', dept: null, address: 'zhang.wei@acme.example' },
      text: delivery.text,
      at: delivery.at,
    });
    expect(webhookBody({ ...delivery, attempt: 3 })).toBe(body);
  });

  it('the signature is the hex HMAC-SHA256 of the raw bytes; a consumer verifies it, and a changed byte fails', () => {
    const body = webhookBody(delivery);
    const header = signature(SECRET, body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(SECRET, body, header)).toBe(true);
    expect(verifySignature(SECRET, body.replace('42', '43'), header)).toBe(false);
    expect(verifySignature('another-secret-of-at-least-32-bytes!!', body, header)).toBe(false);
    expect(verifySignature(SECRET, body, undefined)).toBe(false);
  });
});

describe('the local mail catcher (npm start)', () => {
  it('keeps each mail the e-mail channel sends as an .eml file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onestop-mail-'));
    const catcher = await startMailCatcher({ dir });
    const channel = emailChannel({ url: catcher.url, from: 'OneStop <onestop@localhost>' });
    try {
      await channel.send(delivery);
      await channel.send({
        ...delivery,
        deliveryId: 'f1d2a3b4-0000-4000-8000-000000000002',
        recipient: { type: 'department', dept: 'health', address: 'desk@health.example' },
      });
      const files = readdirSync(dir).sort();
      expect(files).toHaveLength(2);
      expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
      const first = parseMail(readFileSync(path.join(dir, files[0]!), 'utf8'));
      expect(first.headers.to).toBe('zhang.wei@acme.example');
      expect(first.headers['x-onestop-delivery']).toBe(delivery.deliveryId);
      expect(first.headers['message-id']).toBe(`<${delivery.deliveryId}@onestop>`);
      expect(first.text).toBe(plainTextOf(delivery));
      expect(parseMail(readFileSync(path.join(dir, files[1]!), 'utf8')).headers.to).toBe('desk@health.example');
    } finally {
      await channel.close?.();
      await catcher.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not started when SMTP_URL names a mail server', async () => {
    expect(await localMailCatcher('smtp://mail.example.org:587', tmpdir(), quiet)).toBeUndefined();
  });
});
