/**
 * Two worker processes on one task queue, each exactly what `npm run worker` runs
 * (workers/main.ts: the case worker with its own connection, the notification sender, the archiver),
 * beside the API, on a real Temporal dev server and PostgreSQL. Cases of every built-in process run
 * through the API to their end, and then again while one worker is killed (SIGKILL) in the middle.
 * Each time: both workers did work (the identities in the histories, the webhook each sender calls),
 * every payment is in the ledger once, every notice reached the receiver once (a repeat only where
 * docs/notifications.md allows it: the killed sender's last attempt), every closed case is archived once and
 * whole, and every decision was applied once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { verifyArchive } from '../../audit/archive.js';
import { COMMAND_CENTER_ENTRY } from '../../common/notifications.js';
import type { Actor } from '../../common/types.js';
import { putDirectoryEntry } from '../../db/directory.js';
import { uploadDocument } from '../support/documents.js';
import { casePlans, caseDriver, QUALIFICATIONS, type Plan, type PlannedCase } from '../support/case-plans.js';
import { applicantActor, opener } from '../support/fixtures.js';
import { startWebhookReceiver, type WebhookCall, type WebhookReceiver } from '../support/notify-receivers.js';
import { TEST_PAYLOAD_KEYS } from '../support/payload-keys.js';
import { api, startStack, TEST_SECRET, type Stack } from '../support/stack.js';
import { bundle } from '../support/temporal.js';
import { waitFor } from '../support/wait.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const EventType = proto.temporal.api.enums.v1.EventType;
const TASK_QUEUE = 'two-workers';
const HOOK_SECRET = 'a-webhook-secret-of-at-least-32-bytes!';
const DEPTS = [
  'market-regulation',
  'drug-administration',
  'health',
  'ecology',
  'fire-safety',
  'natural-resources',
  'water-utility',
  'power-grid',
  'industry-it',
  'claims-desk',
  'claims-adjusting',
  'claims-supervision',
];

let stack: Stack;
let call: ReturnType<typeof api>;
let hook: WebhookReceiver;
let dir: string;
const workers: Record<'a' | 'b', WorkerProcess> = {} as never;

// ---- the cases: one plan per built-in process (test/support/case-plans.ts) ----

/** Each qualification's certificate document, uploaded by the applicant (who files it) in beforeAll. */
const certificateDocuments = new Map<string, { digest: string }>();
const PLANS = casePlans((q) => certificateDocuments.get(q)!);
type Case = PlannedCase;

async function post(path: string, as: Actor, body: unknown, key: string, status: number) {
  const r = await call('POST', path, { as, body, headers: { 'Idempotency-Key': key } });
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(status);
  return r.body;
}
const { openCases, advance } = caseDriver(PLANS, post);

// ---- what the database, the receiver and the histories say ----

/** Closed, archived, and with every notice delivered: what a finished case comes to. */
async function settledState(caseIds: string[]) {
  const { rows } = await stack.db.pool.query(
    `SELECT (SELECT count(*)::int FROM cases WHERE case_id = ANY($1) AND closed_at IS NOT NULL) AS closed,
            (SELECT count(*)::int FROM archived_cases WHERE case_id = ANY($1)) AS archived,
            (SELECT count(*)::int FROM notifications n WHERE n.case_id = ANY($1)
               AND (NOT n.planned OR EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id AND d.status <> 'delivered'))) AS undelivered`,
    [caseIds],
  );
  return rows[0] as { closed: number; archived: number; undelivered: number };
}

async function waitUntilSettled(cases: Case[]) {
  const ids = cases.map((c) => c.caseId);
  await waitFor(
    () => settledState(ids),
    (s) => s.closed === ids.length && s.archived === ids.length && s.undelivered === 0,
    30_000,
  );
}

/** Which worker each webhook call came from: each worker's sender calls the receiver with `?worker=<name>`. */
const senderOf = (c: WebhookCall) => new URL(c.url, 'http://x').searchParams.get('worker');

interface Work {
  workflowTasks: Map<string, number>;
  activities: Map<string, number>;
  /** Cases whose workflow tasks were completed by more than one worker. */
  handedOver: string[];
  /** The latest workflow task each identity completed (ms). */
  lastTaskAt: Map<string, number>;
  /** Activities that took more than one attempt (a worker died with one in hand): type and attempt. */
  retried: string[];
}

/** The notices (kind, task, recipient) a case of each plan gets, from the first case of it seen. */
const noticesOfPlan = new Map<Plan, string[]>();

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/**
 * Asserts everything that must have happened exactly once for `cases`, and returns who did the
 * work. `repeatable`: delivery ids the receiver may have seen twice (see the kill test).
 */
async function assertExactlyOnce(cases: Case[], repeatable: (deliveryId: string, calls: WebhookCall[]) => boolean = () => false): Promise<Work> {
  const ids = cases.map((c) => c.caseId);

  // The API: every case closed as its process says.
  for (const c of cases) {
    const view = (await call('GET', `/v1/cases/${c.caseId}`, { as: opener })).body;
    expect(view.status, c.caseId).toBe(c.plan.closesAs);
  }

  // Payments: the ledger holds exactly each case's payments, each under its one idempotency key.
  const ledger = await stack.db.pool.query(
    'SELECT case_id, purpose, amount::int AS amount, currency, payment_id, reference FROM payments WHERE case_id = ANY($1) ORDER BY case_id, purpose',
    [ids],
  );
  for (const c of cases) {
    const rows = ledger.rows.filter((r) => r.case_id === c.caseId);
    expect(rows.map((r) => [r.purpose, r.amount]).sort(), c.caseId).toEqual([...c.plan.payments].sort());
    for (const r of rows) expect([r.payment_id, r.reference, r.currency]).toEqual([`pay-${c.caseId}-${r.purpose}`, r.payment_id, 'CNY']);
  }
  const keys = ledger.rows.map((r) => r.payment_id);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.length).toBe(cases.reduce((n, c) => n + c.plan.payments.length, 0));
  const recoveries = await stack.db.pool.query('SELECT case_id, amount::int AS amount FROM recoveries WHERE case_id = ANY($1)', [ids]);
  expect(recoveries.rows.map((r) => [r.case_id, r.amount]).sort()).toEqual(
    cases
      .filter((c) => c.plan.recovery !== null)
      .map((c) => [c.caseId, c.plan.recovery])
      .sort(),
  );

  // Notices: each one has its one webhook delivery, delivered after one recorded attempt, and the
  // receiver got it (signed, with its notice) once, or twice where `repeatable` allows.
  const { rows: notices } = await stack.db.pool.query(
    `SELECT n.id::text, n.case_id AS "caseId", n.kind, n.task_id AS "taskId", n.recipient_dept AS dept, n.recipient_role AS role, n.message,
            d.delivery_id AS "deliveryId", d.channel, d.status, d.attempts
     FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id WHERE n.case_id = ANY($1) ORDER BY n.id`,
    [ids],
  );
  expect(new Set(notices.map((n) => n.id)).size).toBe(notices.length);
  expect(notices.filter((n) => n.channel !== 'webhook' || n.status !== 'delivered' || n.attempts !== 1)).toEqual([]);
  // Every case of a plan was told the same things, once each, in this run and the one before: a
  // notice lost (or written twice under another key) would make its case differ.
  for (const c of cases) {
    const told = notices.filter((n) => n.caseId === c.caseId);
    expect(new Set(told.map((n) => JSON.stringify([n.kind, n.taskId, n.dept, n.role, n.message]))).size, c.caseId).toBe(told.length);
    const signature = told.map((n) => [n.kind, n.taskId, n.dept, n.role].join('|')).sort();
    expect(signature, c.caseId).toEqual(noticesOfPlan.get(c.plan) ?? noticesOfPlan.set(c.plan, signature).get(c.plan));
  }
  for (const c of cases)
    expect(
      notices.filter((n) => n.caseId === c.caseId && n.kind === 'case-closed'),
      c.caseId,
    ).toHaveLength(1);
  const received = new Map<string, WebhookCall[]>();
  for (const h of hook.calls.filter((h) => ids.includes(h.body.caseId)))
    received.set(h.headers['x-onestop-delivery'] as string, [...(received.get(h.headers['x-onestop-delivery'] as string) ?? []), h]);
  expect([...received.keys()].sort()).toEqual(notices.map((n) => n.deliveryId).sort());
  for (const n of notices) {
    const got = received.get(n.deliveryId) as WebhookCall[];
    expect(got.every((h) => h.signatureValid && h.status === 204 && h.body.id === n.id && h.body.caseId === n.caseId)).toBe(true);
    if (got.length > 1) expect(repeatable(n.deliveryId, got), `delivery ${n.deliveryId} received ${got.length} times`).toBe(true);
  }

  // The archive: one head per case, its chain whole, as long as the case's history in Temporal.
  const heads = await stack.db.pool.query('SELECT case_id, events FROM archived_cases WHERE case_id = ANY($1)', [ids]);
  expect(heads.rows.map((r) => r.case_id).sort()).toEqual([...ids].sort());
  const work: Work = { workflowTasks: new Map(), activities: new Map(), handedOver: [], lastTaskAt: new Map(), retried: [] };
  for (const c of cases) {
    const history: History = await stack.client.workflow.getHandle(c.caseId).fetchHistory();
    const events = history.events ?? [];
    expect(heads.rows.find((r) => r.case_id === c.caseId)?.events, c.caseId).toBe(events.length);
    expect(await verifyArchive(stack.db.pool, c.caseId)).toMatchObject({ archived: true, valid: true, entries: events.length });

    // Every decision accepted once (retries reuse the update id), every payment scheduled once.
    expect(
      events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
      c.caseId,
    ).toHaveLength(c.steps.length);
    const scheduled = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).map((e) => e.activityTaskScheduledEventAttributes);
    expect(
      scheduled.filter((a) => a?.activityType?.name === 'pay'),
      c.caseId,
    ).toHaveLength(c.plan.payments.length);
    expect(
      events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
      c.caseId,
    ).toHaveLength(1);

    const identities = new Set<string>();
    for (const e of events) {
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        const who = e.workflowTaskCompletedEventAttributes?.identity ?? '';
        identities.add(who);
        bump(work.workflowTasks, who);
        work.lastTaskAt.set(who, Math.max(work.lastTaskAt.get(who) ?? 0, tsToMs(e.eventTime)));
      }
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        const started = e.activityTaskStartedEventAttributes;
        bump(work.activities, started?.identity ?? '');
        if ((started?.attempt ?? 1) > 1) {
          const type = events.find((s) => s.eventId?.equals(started?.scheduledEventId ?? 0))?.activityTaskScheduledEventAttributes?.activityType?.name;
          work.retried.push(`${type} attempt ${started?.attempt}`);
        }
      }
    }
    if (identities.size > 1) work.handedOver.push(c.caseId);
  }
  return work;
}

const warningsOf = (w: WorkerProcess) => w.logs.filter((l) => (l.level ?? 0) >= 40);

// ---- the stack ----

beforeAll(async () => {
  let code: string;
  [stack, hook, { code }] = await Promise.all([
    startStack(inject('databaseUrl'), { TEMPORAL_TASK_QUEUE: TASK_QUEUE }, { caseWorker: false }),
    startWebhookReceiver(HOOK_SECRET),
    bundle(),
  ]);
  call = api(stack.baseUrl);
  for (const q of QUALIFICATIONS) certificateDocuments.set(q, await uploadDocument(stack.baseUrl, applicantActor, q));
  // Every department, supervisor and the command centre has an address: no notice fails for want of one.
  for (const dept of [...DEPTS, COMMAND_CENTER_ENTRY]) {
    await putDirectoryEntry(stack.db.pool, { dept, email: `desk@${dept}.gov.example`, supervisorEmail: `head@${dept}.gov.example` }, 'root');
  }
  // One prebuilt bundle for both, as a deployment runs byte-identical workflow code on every worker.
  dir = mkdtempSync(path.join(tmpdir(), 'onestop-two-workers-'));
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  const env = (name: string) => ({
    DATABASE_URL: stack.db.url,
    TEMPORAL_ADDRESS: stack.address,
    TEMPORAL_NAMESPACE: stack.namespace,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    AUTH_JWT_SECRET: TEST_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    NOTIFY_WEBHOOK_URL: `${hook.url}?worker=${name}`,
    NOTIFY_WEBHOOK_SECRET: HOOK_SECRET,
    NOTIFY_INTERVAL_MS: '100',
    NOTIFY_RETRY_BASE_MS: '200',
    NOTIFY_RETRY_MAX_MS: '1000',
    ARCHIVE_INTERVAL_MS: '200',
  });
  [workers.a, workers.b] = await Promise.all([startWorkerProcess(env('a')), startWorkerProcess(env('b'))]);
  // Both poll the queue before the first case opens, so that either may take it.
  await waitFor(
    async () =>
      (
        await stack.client.workflowService.describeTaskQueue({
          namespace: stack.namespace,
          taskQueue: { name: TASK_QUEUE },
          taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        })
      ).pollers?.map((p) => p.identity) ?? [],
    (who) => who.includes(workers.a.identity) && who.includes(workers.b.identity),
  );
});

afterAll(async () => {
  await Promise.all([workers.a?.kill(), workers.b?.kill()]);
  await Promise.all([stack?.teardown(), hook?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('two workers share the cases, the activities, the deliveries and the archiving, and nothing is done twice', async () => {
  const cases = await openCases(5); // 25 cases, five of each plan
  await advance(cases, 6);
  await waitUntilSettled(cases);

  const work = await assertExactlyOnce(cases);
  const { a, b } = workers;
  expect([...work.workflowTasks.keys()].sort()).toEqual([a.identity, b.identity].sort());
  expect(work.workflowTasks.get(a.identity)).toBeGreaterThan(0);
  expect(work.workflowTasks.get(b.identity)).toBeGreaterThan(0);
  expect(work.activities.get(a.identity)! + work.activities.get(b.identity)!).toBe(
    cases.reduce((n, c) => n + c.plan.payments.length + (c.plan.recovery ? 1 : 0), 0),
  );
  expect(work.activities.get(a.identity)).toBeGreaterThan(0);
  expect(work.activities.get(b.identity)).toBeGreaterThan(0);
  const senders = hook.calls.map(senderOf);
  expect(senders.filter((s) => s === 'a').length).toBeGreaterThan(0);
  expect(senders.filter((s) => s === 'b').length).toBeGreaterThan(0);
  // Each case archived by one archiver: none fetched or wrote a case the other had.
  const archivedBy = (w: WorkerProcess) => new Set(w.logs.filter((l) => l.msg === 'case history archived').map((l) => l.caseId as string));
  expect([...archivedBy(a)].filter((id) => archivedBy(b).has(id))).toEqual([]);
  expect([...archivedBy(a), ...archivedBy(b)].sort()).toEqual(cases.map((c) => c.caseId).sort());
  expect(archivedBy(a).size).toBeGreaterThan(0);
  expect(archivedBy(b).size).toBeGreaterThan(0);
  expect(warningsOf(a).concat(warningsOf(b))).toEqual([]);
  console.log(
    'work per worker',
    JSON.stringify({
      workflowTasks: Object.fromEntries(work.workflowTasks),
      activities: Object.fromEntries(work.activities),
      deliveries: { a: senders.filter((s) => s === 'a').length, b: senders.filter((s) => s === 'b').length },
      archived: { a: archivedBy(a).size, b: archivedBy(b).size },
    }),
  );
});

test('one worker killed in the middle: the other finishes every case, and nothing is lost or done twice', async () => {
  const { a, b } = workers;
  const cases = await openCases(3); // 15 cases
  await advance(cases, 8, 1); // each case has started on one worker or the other
  const remaining = cases.reduce((n, c) => n + c.steps.length - c.done, 0);
  let answered = 0;
  let killedAt = 0;
  let killed: Promise<unknown> = Promise.resolve();
  // Every case goes on at once; a third of the way through, worker b dies with work in hand.
  await advance(cases, cases.length, Infinity, () => {
    if (++answered === Math.floor(remaining / 3)) {
      killedAt = Date.now();
      killed = b.kill();
    }
  });
  const stalledMs = Date.now() - killedAt; // from the kill until the last answer
  expect(await killed).toBe(null); // ended by the signal
  await waitUntilSettled(cases);

  // The killed sender may have had one delivery accepted by the receiver and not yet recorded: the
  // The at-least-once delivery of docs/notifications.md. Only that one may come twice: first from b before it died, then from a.
  let repeats = 0;
  const work = await assertExactlyOnce(cases, (_id, calls) => {
    repeats += 1;
    return calls.length === 2 && senderOf(calls[0]!) === 'b' && calls[0]!.at <= killedAt + 1000 && senderOf(calls[1]!) === 'a';
  });
  expect(repeats).toBeLessThanOrEqual(1);
  // b worked on these cases until it died, a took over its cases and finished them, and b did nothing after.
  expect(work.workflowTasks.get(b.identity)).toBeGreaterThan(0);
  expect(work.handedOver.length).toBeGreaterThan(0);
  expect(work.lastTaskAt.get(b.identity)!).toBeLessThanOrEqual(killedAt + 1000);
  expect(hook.calls.filter((h) => senderOf(h) === 'b' && h.at > killedAt + 1000)).toEqual([]);
  expect(warningsOf(a).concat(warningsOf(b))).toEqual([]);
  console.log(
    'after the kill',
    JSON.stringify({
      workflowTasks: Object.fromEntries(work.workflowTasks),
      handedOver: work.handedOver.length,
      of: cases.length,
      repeats,
      stalledMs,
      retried: work.retried,
    }),
  );
});
