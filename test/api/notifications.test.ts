/**
 * Notifications that reach people, on the real stack: a case's notices go out by e-mail to a real
 * SMTP server (smtp-server, run here) and on the signed webhook to a real HTTP receiver that checks
 * every signature; addresses come from the applicant's contact and the directory; each delivery's
 * status, attempts and backoff are recorded, shown on the case and the timeline, listed for admins
 * once failed, and put back to pending by the retry route.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import type { NotificationInput } from '../../common/notifications.js';
import type { Actor } from '../../common/types.js';
import { enqueueNotification } from '../../db/notifications.js';
import { emailChannel } from '../../workers/channels/email.js';
import { webhookChannel } from '../../workers/channels/webhook.js';
import { startNotificationSender } from '../../workers/notification-sender.js';
import { applicant, applicantActor, opener, staff } from '../support/fixtures.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../support/notify-receivers.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const SECRET = 'a-webhook-secret-of-at-least-32-bytes!';
const POLICY = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 800 };
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };
const DEPTS = ['market-regulation', 'drug-administration', 'health', 'ecology', 'fire-safety'];

let stack: Stack;
let call: ReturnType<typeof api>;
let smtp: SmtpReceiver;
let hook: WebhookReceiver;
let stopSender: () => Promise<void>;

beforeAll(async () => {
  [stack, smtp, hook] = await Promise.all([startStack(inject('databaseUrl')), startSmtpReceiver(), startWebhookReceiver(SECRET)]);
  call = api(stack.baseUrl);
  const channels = [emailChannel({ url: smtp.url, from: 'OneStop <onestop@gov.example>' }), webhookChannel({ url: hook.url, secret: SECRET, timeoutMs: 5000 })];
  stopSender = startNotificationSender(stack.db.pool, channels, POLICY, pino({ level: 'silent' }), 50);
});
afterAll(async () => {
  await stopSender?.();
  await Promise.all([stack?.teardown(), smtp?.stop(), hook?.stop()]);
});
beforeEach(() => {
  hook.answer = () => 204;
});

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

const putDirectory = (dept: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('PUT', `/v1/directory/${dept}`, { as: admin, body, headers });

/** A notice written straight to the outbox, as a workflow's publication writes it. */
async function enqueue(fields: Partial<NotificationInput> = {}): Promise<{ id: string; key: string }> {
  const key = `test:${randomUUID()}`;
  await enqueueNotification(stack.db.pool, {
    key,
    caseId: `case-${randomUUID()}`,
    kind: 'escalation',
    taskId: 'health',
    action: 'supervisor',
    level: 2,
    recipient: { dept: 'health', role: 'supervisor' },
    at: new Date().toISOString(),
    message: 'Hygiene permit is at 75% of its SLA',
    ...fields,
  });
  const { rows } = await stack.db.pool.query('SELECT id::text FROM notifications WHERE key = $1', [key]);
  return { id: rows[0].id, key };
}

/** The notification as the admin list shows it, once `until` holds. */
async function adminView(id: string, until: (n: any) => boolean, ms = 15_000): Promise<any> {
  return waitFor(
    async () => (await call('GET', `/v1/notifications?limit=200`, { as: admin })).body.items.find((n: any) => n.id === id),
    (n) => !!n && until(n),
    ms,
  );
}

const callsFor = (id: string) => hook.calls.filter((c) => c.body.id === id);

describe('a case tells its applicant and the departments', () => {
  test('mail reaches the applicant (its contact) and each department (the directory); the webhook gets the same, signed; the case, the timeline and the lists show the delivery', async () => {
    await ok(putDirectory('natural-resources', { email: 'land@natural-resources.gov.example' }), 201);
    await ok(putDirectory('water-utility', { email: 'desk@water.gov.example', supervisorEmail: 'head@water.gov.example' }), 201);
    // power-grid has no entry: its follow-up fails with the reason, and the rest still goes out.
    const contact = { ...applicant.contact, email: `zhang.${randomUUID().slice(0, 8)}@acme.example` };
    const opened = await ok(
      call('POST', '/v1/cases', { as: opener, body: { templateId: 'epidemic-supplies-project', applicant: { ...applicant, contact }, details: {} } }),
      201,
    );
    const caseId: string = opened.caseId;
    for (const d of DEPTS) await ok(call('POST', `/v1/cases/${caseId}/tasks/${d}/decision`, { as: staff(d), body: { outcome: 'approve' } }));

    // Processes add notices of their own (to the applicant, as a case goes on): these tests look at
    // the closing notice and the follow-ups.
    const KINDS = ['case-closed', 'follow-up'];
    const mailsOf = () => smtp.mails.filter((m) => m.headers['x-onestop-case'] === caseId && KINDS.includes(m.headers['x-onestop-kind'] ?? ''));
    await waitFor(
      async () => mailsOf(),
      (m) => m.length === 3,
    );
    const toApplicant = mailsOf().find((m) => m.to.includes(contact.email))!;
    // The number a person says on the phone, in the subject and the text; the id beside it in the text.
    expect(opened.number).toMatch(/^ESP-\d{4}-\d{6}$/);
    expect(toApplicant.subject).toBe(`OneStop: Case closed (case ${opened.number})`);
    expect(toApplicant.headers.from).toBe('OneStop <onestop@gov.example>');
    expect(toApplicant.text).toMatch(
      new RegExp(`^case ${opened.number} is approved \\(decision OSA-\\d{4}-\\d{6}\\)\\n\\nCase: ${opened.number} \\(${caseId}\\)\\n`),
    );
    expect(toApplicant.headers['message-id']).toBe(`<${toApplicant.headers['x-onestop-delivery']}@onestop>`);
    expect(
      mailsOf()
        .flatMap((m) => m.to)
        .sort(),
    ).toEqual(['desk@water.gov.example', 'land@natural-resources.gov.example', contact.email].sort());
    expect(mailsOf().find((m) => m.to.includes('desk@water.gov.example'))!.text).toMatch(/^Prioritised water supply for approved case/);

    // The webhook: every notice, signed, with the body docs/notifications.md documents.
    const hooked = await waitFor(
      async () => hook.calls.filter((c) => c.body.caseId === caseId && KINDS.includes(c.body.kind)),
      (c) => c.length === 3,
    );
    expect(hooked.every((c) => c.signatureValid && c.status === 204)).toBe(true);
    const closing = hooked.find((c) => c.body.kind === 'case-closed')!;
    expect(closing.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      deliveryId: closing.headers['x-onestop-delivery'],
      caseId,
      caseNumber: opened.number,
      kind: 'case-closed',
      taskId: null,
      action: null,
      level: null,
      recipient: { type: 'applicant', dept: null, address: contact.email },
      text: toApplicant.text.split('\n')[0],
      at: expect.any(String),
    });
    expect(closing.headers['content-type']).toBe('application/json');
    expect(hooked.map((c) => c.body.recipient).filter((r) => r.type === 'department')).toEqual(
      expect.arrayContaining([
        { type: 'department', dept: 'natural-resources', address: 'land@natural-resources.gov.example' },
        { type: 'department', dept: 'water-utility', address: 'desk@water.gov.example' },
      ]),
    );

    // The case's notifications: an auditor sees all four with their delivery.
    const every = await waitFor(
      async () => (await call('GET', `/v1/cases/${caseId}/notifications`, { as: auditor })).body as any[],
      (ns) => ns.filter((n) => KINDS.includes(n.kind)).length === 4 && ns.every((n) => n.status !== 'pending'),
    );
    const all = every.filter((n) => KINDS.includes(n.kind));
    // The follow-ups are written with the decision number, before the closing notice.
    expect(all.map((n) => [n.kind, n.recipient.type, n.recipient.dept, n.status])).toEqual([
      ['follow-up', 'department', 'natural-resources', 'delivered'],
      ['follow-up', 'department', 'water-utility', 'delivered'],
      ['follow-up', 'department', 'power-grid', 'failed'],
      ['case-closed', 'applicant', null, 'delivered'],
    ]);
    const [, , grid, closingNotice] = all;
    expect(closingNotice.recipient.address).toBe(contact.email);
    expect(closingNotice.deliveries.map((d: any) => [d.channel, d.status, d.attempts, d.deliveryId])).toEqual([
      ['email', 'delivered', 1, toApplicant.headers['x-onestop-delivery']],
      ['webhook', 'delivered', 1, closing.headers['x-onestop-delivery']],
    ]);
    expect(grid.recipient.address).toBeNull();
    for (const d of grid.deliveries) {
      expect(d).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
      expect(d.reason).toBe('the directory has no e-mail address for department power-grid (PUT /v1/directory/power-grid)');
    }

    // The applicant sees its own notices only, without its address (any employee may hold the token).
    const own = await ok(call('GET', `/v1/cases/${caseId}/notifications`, { as: applicantActor }));
    expect(own.map((n: any) => n.id)).toEqual(every.filter((n) => n.recipient.type === 'applicant').map((n) => n.id));
    const ownClosing = own.find((n: any) => n.kind === 'case-closed');
    expect(ownClosing.recipient).toEqual({ type: 'applicant', dept: null });
    expect(ownClosing.text).toBe(closingNotice.text);
    // A department on the case sees them all; another department does not see the case at all.
    expect((await ok(call('GET', `/v1/cases/${caseId}/notifications`, { as: staff('health') }))).length).toBe(every.length);
    expect((await call('GET', `/v1/cases/${caseId}/notifications`, { as: staff('finance') })).status).toBe(404);

    // The timeline: each notice's event carries its delivery; the closing notice rides on case-closed.
    const timeline = await ok(call('GET', `/v1/cases/${caseId}/history`, { as: auditor }));
    const followUps = timeline.filter((e: any) => e.type === 'follow-up-notified');
    expect(followUps.map((e: any) => [e.details.recipient.dept, e.details.delivery.status])).toEqual([
      ['natural-resources', 'delivered'],
      ['water-utility', 'delivered'],
      ['power-grid', 'failed'],
    ]);
    expect(followUps[2].details.delivery.channels[0].reason).toMatch(/no e-mail address for department power-grid/);
    const closed = timeline.at(-1);
    expect(closed.type).toBe('case-closed');
    expect(closed.details.notices).toEqual([
      {
        recipient: { dept: null, role: 'applicant' },
        message: closingNotice.text,
        delivery: { notificationId: closingNotice.id, status: 'delivered', channels: expect.any(Array) },
      },
    ]);

    // The admin's list of failures names it, without the notice's text.
    const failed = await ok(call('GET', `/v1/notifications?status=failed&caseId=${caseId}`, { as: admin }));
    expect(failed.items.map((n: any) => n.id)).toEqual([grid.id]);
    expect(failed.items[0]).not.toHaveProperty('text');
  });
});

describe('retries and backoff', () => {
  beforeAll(async () => {
    await ok(putDirectory('health', { email: 'desk@health.gov.example', supervisorEmail: 'head@health.gov.example' }), 201);
    await ok(putDirectory('command-center', { email: 'duty@command.gov.example' }), 201);
  });

  test('a webhook answering 500 gets the same delivery again after the backoff, and it is delivered', async () => {
    hook.answer = (body, calls) => (calls.filter((c) => c.body.id === body.id).length === 1 ? 500 : 204);
    const { id } = await enqueue();
    const n = await adminView(id, (x) => x.status === 'delivered');
    const calls = callsFor(id);
    expect(calls.map((c) => c.status)).toEqual([500, 204]);
    expect(calls.every((c) => c.signatureValid)).toBe(true);
    expect(calls[1]!.headers['x-onestop-delivery']).toBe(calls[0]!.headers['x-onestop-delivery']);
    expect(calls[1]!.raw).toBe(calls[0]!.raw);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(POLICY.baseDelayMs);
    const webhook = n.deliveries.find((d: any) => d.channel === 'webhook');
    expect(webhook).toMatchObject({ status: 'delivered', attempts: 2, reason: null, nextAttemptAt: null });
    expect(n.deliveries.find((d: any) => d.channel === 'email')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(smtp.mails.filter((m) => m.text.includes(`notification ${id} `)).map((m) => m.to)).toEqual([['head@health.gov.example']]);
  });

  test('backoff doubles up to its cap; after the last attempt the delivery has failed for good, and the admin retry sends it again', async () => {
    hook.answer = () => 500;
    const { id } = await enqueue({ kind: 'breach', recipient: { dept: null, role: 'command-center' }, taskId: null, action: 'command-center', level: null });
    const failed = await adminView(id, (x) => x.status === 'failed', 20_000);
    const webhook = failed.deliveries.find((d: any) => d.channel === 'webhook');
    expect(webhook).toMatchObject({
      status: 'failed',
      attempts: POLICY.maxAttempts,
      reason: 'webhook answered HTTP 500 Internal Server Error',
      nextAttemptAt: null,
    });
    expect(failed.deliveries.find((d: any) => d.channel === 'email')).toMatchObject({ status: 'delivered' });
    expect(failed.recipient).toEqual({ type: 'command-center', dept: null, address: 'duty@command.gov.example' });
    const gaps = callsFor(id)
      .map((c) => c.at)
      .map((at, i, all) => (i ? at - all[i - 1]! : 0))
      .slice(1);
    expect(gaps).toHaveLength(POLICY.maxAttempts - 1);
    // 200, 400, then 800 (the cap): each wait at least its delay, and each longer than the one before.
    // The delay counts from the attempt's transaction start (PostgreSQL's now()), a few milliseconds
    // before the receiver saw the attempt, so a gap between arrivals may fall short of it by that much.
    const SEND_SLACK_MS = 50;
    [200, 400, 800].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay - SEND_SLACK_MS));
    expect(gaps[2]).toBeGreaterThan(gaps[0]!);

    const listed = await ok(call('GET', '/v1/notifications?status=failed&limit=200', { as: admin }));
    expect(listed.items.map((n: any) => n.id)).toContain(id);

    hook.answer = () => 204;
    const key = { 'Idempotency-Key': `retry-${id}` };
    const retried = await ok(call('POST', `/v1/notifications/${id}/retry`, { as: admin, headers: key }));
    expect(retried.deliveries.find((d: any) => d.channel === 'webhook')).toMatchObject({ attempts: 0, retriedBy: 'root' });
    const delivered = await adminView(id, (x) => x.status === 'delivered');
    expect(delivered.deliveries.find((d: any) => d.channel === 'webhook')).toMatchObject({ status: 'delivered', attempts: 1, reason: null });
    expect(callsFor(id).at(-1)!.status).toBe(204);
    expect(new Set(callsFor(id).map((c) => c.headers['x-onestop-delivery'])).size).toBe(1);

    // The same key again: answered, nothing changed; the same key for another notification: 409.
    const again = await ok(call('POST', `/v1/notifications/${id}/retry`, { as: admin, headers: key }));
    expect(again.status).toBe('delivered');
    const other = await enqueue();
    expect((await call('POST', `/v1/notifications/${other.id}/retry`, { as: admin, headers: key })).status).toBe(409);
    expect((await call('POST', '/v1/notifications/999999999/retry', { as: admin })).status).toBe(404);
    // A delivered notification has nothing to retry: the answer is the notification, unchanged.
    const after = await adminView(other.id, (x) => x.status === 'delivered');
    expect(await ok(call('POST', `/v1/notifications/${other.id}/retry`, { as: admin }))).toEqual(after);
  });

  test('a mailbox the mail server refuses (550) fails for good at once, with the reason; the address of an applicant is kept out of it', async () => {
    const email = `gone.${randomUUID().slice(0, 8)}@acme.example`;
    smtp.refuse.add(email);
    const opened = await ok(
      call('POST', '/v1/cases', {
        as: opener,
        body: { templateId: 'mask-line-fast-track', applicant: { ...applicant, contact: { ...applicant.contact, email } }, details: {} },
      }),
      201,
    );
    await waitFor(
      async () => (await stack.db.pool.query('SELECT 1 FROM cases WHERE case_id = $1', [opened.caseId])).rowCount,
      (n) => n === 1,
    );
    const { id } = await enqueue({
      caseId: opened.caseId,
      kind: 'info-requested' as NotificationInput['kind'],
      recipient: { dept: null, role: 'applicant' },
      message: 'please send the floor plan',
    });
    const n = await adminView(id, (x) => x.status === 'failed');
    const mail = n.deliveries.find((d: any) => d.channel === 'email');
    expect(mail).toMatchObject({ status: 'failed', attempts: 1 });
    expect(mail.reason).toMatch(/^SMTP 550: /);
    expect(mail.reason).toContain('<address>');
    expect(mail.reason).not.toContain(email);
    // The admin sees neither the text nor the applicant's address; the case's departments see both.
    expect(n).not.toHaveProperty('text');
    expect(n.recipient).toEqual({ type: 'applicant', dept: null });
    const onCase = await ok(call('GET', `/v1/cases/${opened.caseId}/notifications`, { as: staff('health') }));
    expect(onCase.find((x: any) => x.id === id)).toMatchObject({ text: 'please send the floor plan', recipient: { type: 'applicant', address: email } });
    // A kind no process had when this was written is still delivered, worded from its name.
    const hooked = await waitFor(
      async () => callsFor(id),
      (c) => c.length === 1,
    );
    expect(hooked[0]!.body).toMatchObject({ kind: 'info-requested' as NotificationInput['kind'], recipient: { type: 'applicant', address: email } });
  });
});

describe('the directory', () => {
  test('entries are set, read, replaced and removed by admins; a repeated Idempotency-Key writes nothing', async () => {
    const key = { 'Idempotency-Key': 'dir-ecology-1' };
    const created = await ok(putDirectory('ecology', { email: 'desk@ecology.gov.example' }, key), 201);
    expect(created).toMatchObject({ dept: 'ecology', email: 'desk@ecology.gov.example', supervisorEmail: null, updatedBy: 'root' });
    await ok(putDirectory('ecology', { email: 'new@ecology.gov.example', supervisorEmail: 'head@ecology.gov.example' }), 200);
    const replay = await call('PUT', '/v1/directory/ecology', { as: admin, body: { email: 'desk@ecology.gov.example' }, headers: key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.email).toBe('new@ecology.gov.example'); // the later change stands
    expect((await putDirectory('ecology', { email: 'other@ecology.gov.example' }, key)).status).toBe(409);
    expect(await ok(call('GET', '/v1/directory/ecology', { as: admin }))).toMatchObject({ supervisorEmail: 'head@ecology.gov.example' });
    expect((await ok(call('GET', '/v1/directory', { as: admin }))).map((e: any) => e.dept)).toContain('ecology');
    expect((await putDirectory('ecology', { email: 'not an address' })).status).toBe(400);
    expect((await putDirectory('ecology', { email: 'a@b.example', phone: '1' })).status).toBe(400);
    expect((await call('DELETE', '/v1/directory/ecology', { as: admin })).status).toBe(204);
    expect((await call('DELETE', '/v1/directory/ecology', { as: admin })).status).toBe(404);
    expect((await call('GET', '/v1/directory/ecology', { as: admin })).status).toBe(404);
    expect((await call('GET', '/v1/directory', { as: auditor })).status).toBe(403);
  });

  test('the list pages newest first with its cursor and filters by status', async () => {
    const mine = [await enqueue({ caseId: `case-${randomUUID()}` })];
    const caseId = `case-${randomUUID()}`;
    for (let i = 0; i < 4; i++) mine.push(await enqueue({ caseId }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ok(call('GET', `/v1/notifications?caseId=${caseId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { as: admin }));
      seen.push(...page.items.map((n: any) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      mine
        .slice(1)
        .map((m) => m.id)
        .reverse(),
    );
    await waitFor(
      async () => (await ok(call('GET', `/v1/notifications?caseId=${caseId}&status=delivered`, { as: admin }))).items.length,
      (n) => n === 4,
    );
    expect((await ok(call('GET', `/v1/notifications?caseId=${caseId}&status=pending`, { as: admin }))).items).toEqual([]);
    expect((await call('GET', '/v1/notifications?status=lost', { as: admin })).status).toBe(400);
    expect((await call('GET', '/v1/notifications?cursor=abc', { as: admin })).status).toBe(400);
  });
});
