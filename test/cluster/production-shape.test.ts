/**
 * OneStop in its production shape (infra/cluster/, `npm run cluster`): Temporal as separate services
 * on PostgreSQL with SQL visibility, two workers and two API processes behind haproxy. Every built-in
 * process runs end to end through haproxy, answered by both API processes; then, under load, each
 * fault of the drill list: the history service SIGKILLed and restarted, a OneStop worker and an API
 * process SIGKILLed, matching SIGKILLed and restarted, PostgreSQL restarted. After each: nothing
 * acknowledged is lost, no payment or decision is made twice, every case finishes, and every
 * archive chain verifies. The time each fault took to recover from is measured and printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyArchive } from '../../audit/archive.js';
import type { Actor } from '../../common/types.js';
import { freeTemporalPortBase, startCluster, type Cluster } from '../../infra/cluster/cluster.js';
import { ensureWebBuilt } from '../../scripts/build-web.js';
import { caseDriver, casePlans, QUALIFICATIONS, type PlannedCase } from '../support/case-plans.js';
import { samplePdf } from '../support/documents.js';
import { applicant, applicantActor, opener } from '../support/fixtures.js';
import { tokenFor } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const EventType = proto.temporal.api.enums.v1.EventType;
const HIGH = '100000000';

let dir: string;
let cluster: Cluster;
let pool: pg.Pool;
let client: Client;
const certificateDocuments = new Map<string, { digest: string }>();
/** Which API process answered, by haproxy's X-OneStop-Server header. */
const servedBy = new Map<string, number>();
/** Requests answered only after a retry (the connection dropped, or haproxy had no process to give it). */
let retried = 0;

const token = (as: Actor) => tokenFor(as, cluster.secrets.AUTH_JWT_SECRET);

/**
 * A client as a careful integration would be: every write carries an Idempotency-Key, and a request
 * whose answer was lost (a dropped connection, 502/503/504 while a process is down) is sent again
 * with the same key until it is answered.
 */
async function post(at: string, as: Actor, body: unknown, key: string, status: number): Promise<any> {
  const deadline = Date.now() + 180_000;
  for (let attempt = 1; ; attempt++) {
    let answer: { status: number; body: any } | undefined;
    try {
      const res = await fetch(cluster.url + at, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(as)}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const server = res.headers.get('x-onestop-server');
      if (server) servedBy.set(server, (servedBy.get(server) ?? 0) + 1);
      answer = { status: res.status, body: await res.json().catch(() => undefined) };
    } catch {
      answer = undefined; // no answer: the request may or may not have been applied
    }
    if (answer && ![502, 503, 504].includes(answer.status)) {
      if (attempt > 1) retried++;
      expect(answer.status, `${at}: ${JSON.stringify(answer.body)}`).toBe(status);
      return answer.body;
    }
    if (Date.now() > deadline) throw new Error(`${at}: no answer within 180 s (last: ${JSON.stringify(answer)})`);
    await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
  }
}

const PLANS = casePlans((q) => certificateDocuments.get(q)!);
const { openCases, advance } = caseDriver(PLANS, post);

async function get(at: string, as: Actor = opener): Promise<{ status: number; body: any }> {
  const res = await fetch(cluster.url + at, { headers: { authorization: `Bearer ${await token(as)}` }, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

/** Closed and archived: what a finished case comes to. */
async function waitUntilSettled(cases: PlannedCase[]): Promise<void> {
  const ids = cases.map((c) => c.caseId);
  await waitFor(
    async () =>
      (
        await pool.query<{ closed: number; archived: number }>(
          `SELECT (SELECT count(*)::int FROM cases WHERE case_id = ANY($1) AND closed_at IS NOT NULL) AS closed,
                  (SELECT count(*)::int FROM archived_cases WHERE case_id = ANY($1)) AS archived`,
          [ids],
        )
      ).rows[0]!,
    (s) => s.closed === ids.length && s.archived === ids.length,
    180_000,
  );
}

/** Everything that must have happened exactly once for `cases`. */
async function assertExactlyOnce(cases: PlannedCase[]): Promise<void> {
  const ids = cases.map((c) => c.caseId);
  for (const c of cases) expect((await get(`/v1/cases/${c.caseId}`)).body.status, c.caseId).toBe(c.plan.closesAs);
  const ledger = await pool.query('SELECT case_id, purpose, amount::int AS amount, payment_id FROM payments WHERE case_id = ANY($1)', [ids]);
  for (const c of cases) {
    const rows = ledger.rows.filter((r) => r.case_id === c.caseId);
    expect(rows.map((r) => [r.purpose, r.amount]).sort(), c.caseId).toEqual([...c.plan.payments].sort());
  }
  expect(new Set(ledger.rows.map((r) => r.payment_id)).size).toBe(ledger.rows.length);
  const recoveries = await pool.query('SELECT case_id, amount::int AS amount FROM recoveries WHERE case_id = ANY($1)', [ids]);
  expect(recoveries.rows.map((r) => [r.case_id, r.amount]).sort()).toEqual(
    cases
      .filter((c) => c.plan.recovery !== null)
      .map((c) => [c.caseId, c.plan.recovery])
      .sort(),
  );
  const closings = await pool.query(`SELECT case_id FROM notifications WHERE case_id = ANY($1) AND kind = 'case-closed'`, [ids]);
  expect(closings.rows.map((r) => r.case_id).sort()).toEqual([...ids].sort());
  for (const c of cases) {
    const events = (await client.workflow.getHandle(c.caseId).fetchHistory()).events ?? [];
    // Every decision accepted once (a retry reuses its update id), every payment scheduled once.
    expect(
      events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
      c.caseId,
    ).toHaveLength(c.steps.length);
    const pays = events.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && e.activityTaskScheduledEventAttributes?.activityType?.name === 'pay',
    );
    expect(pays, c.caseId).toHaveLength(c.plan.payments.length);
    expect(await verifyArchive(pool, c.caseId)).toMatchObject({ archived: true, valid: true, entries: events.length });
  }
}

/** How long until a case that is still open can be read through haproxy again (the whole path: API, frontend, history, matching, a worker). */
async function recoveryMs(probeCaseId: string, since: number): Promise<number> {
  await waitFor(
    () => get(`/v1/cases/${probeCaseId}`).catch(() => ({ status: 0, body: undefined })),
    (r) => r.status === 200,
    180_000,
  );
  return Date.now() - since;
}

beforeAll(async () => {
  await ensureWebBuilt({ ifStale: true });
  dir = mkdtempSync(path.join(tmpdir(), 'onestop-cluster-'));
  const base = await freeTemporalPortBase();
  cluster = await startCluster({
    dataDir: dir,
    port: 0,
    temporalPortBase: base,
    logger: pino({ level: 'warn' }),
    env: {
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: HIGH,
      RATE_LIMIT_OPEN_PER_MINUTE: HIGH,
      NOTIFY_INTERVAL_MS: '200',
      ARCHIVE_INTERVAL_MS: '200',
    },
  });
  pool = new pg.Pool({ connectionString: cluster.databaseUrl, max: 4 });
  pool.on('error', () => undefined); // the PostgreSQL restart drops idle connections
  client = new Client({ connection: await Connection.connect({ address: cluster.temporalAddress }) });
  for (const q of QUALIFICATIONS) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(samplePdf(q))], { type: 'application/pdf' }), `${q}.pdf`);
    const res = await fetch(`${cluster.url}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${await token(applicantActor)}` }, body: form });
    expect(res.status).toBeLessThan(300);
    certificateDocuments.set(q, { digest: ((await res.json()) as { digest: string }).digest });
  }
});

afterAll(async () => {
  await client?.connection.close();
  await pool?.end();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every process end to end through haproxy, answered by both API processes; the web app served there too', async () => {
  const cases = await openCases(2);
  await advance(cases, 6);
  await waitUntilSettled(cases);
  await assertExactlyOnce(cases);
  expect([...servedBy.keys()].sort()).toEqual(['api-1', 'api-2']);
  expect(Math.min(...servedBy.values())).toBeGreaterThan(cases.length / 2);
  const page = await fetch(`${cluster.url}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="app">');
  console.log('served by', JSON.stringify(Object.fromEntries(servedBy)));
});

test('SQL visibility answers every query on the search attributes, as the SDK and the CLI send them', async () => {
  // Cases in every state of interest: approved (closed) and open, of each kind.
  const cases = await openCases(1);
  await advance(cases, 5);
  await waitUntilSettled(cases);
  const open = await post('/v1/cases', opener, { templateId: 'mask-line-fast-track', applicant, details: {} }, `open-visible-${Date.now()}`, 201);
  const ids = async (query: string) => {
    const found: string[] = [];
    for await (const w of client.workflow.list({ query })) found.push(w.workflowId);
    return found;
  };
  const approvedMaskLine = cases.filter((c) => c.plan.templateId === 'mask-line-fast-track').map((c) => c.caseId);
  const queries: [string, (found: string[]) => void][] = [
    [`CaseStatus = 'approved' AND TemplateId = 'mask-line-fast-track'`, (f) => expect(f).toEqual(expect.arrayContaining(approvedMaskLine))],
    [`CaseKind = 'claim-prepayment' AND CaseStatus = 'settled'`, (f) => expect(f.length).toBeGreaterThanOrEqual(2)],
    [`CaseKind = 'produce-first-certify-later' AND CaseStatus = 'certified'`, (f) => expect(f.length).toBeGreaterThanOrEqual(1)],
    [`ApplicantCode = '${applicant.creditCode}' AND Priority = false AND Breached = false`, (f) => expect(f).toContain(open.caseId)],
    [`OpenDepts IN ('health', 'ecology') AND ExecutionStatus = 'Running'`, (f) => expect(f).toContain(open.caseId)],
    [`DeadlineAt > '${new Date().toISOString()}' AND CaseStatus = 'in-review'`, (f) => expect(f).toContain(open.caseId)],
  ];
  // Visibility is written a moment after each change.
  for (const [query, check] of queries)
    await expect
      .poll(
        async () =>
          ids(query)
            .then((f) => (check(f), true))
            .catch(() => false),
        { message: query },
      )
      .toBe(true);
  // SQL visibility refuses ORDER BY (Elasticsearch takes it): it lists running executions first,
  // then the newest. Nothing in OneStop or its docs sorts a visibility query.
  const sorted = await ids(`CaseStatus = 'in-review' ORDER BY StartTime DESC`).then(
    () => 'listed',
    (err: Error) => `${err.message}: ${(err.cause as Error | undefined)?.message ?? ''}`,
  );
  expect(sorted).toMatch(/order by/i);
  // The CLI's own query, as docs/api.md shows it.
  const cli = path.join(process.cwd(), '.tools/temporal/bin/temporal');
  const listed = execFileSync(cli, ['workflow', 'list', '--address', cluster.temporalAddress, '--query', "CaseStatus='in-review'", '-o', 'json']).toString();
  expect(listed).toContain(open.caseId);
});

describe('faults under load', () => {
  const recovery: Record<string, number> = {};
  let probe = '';
  beforeAll(async () => {
    const opened = await post('/v1/cases', opener, { templateId: 'mask-line-fast-track', applicant, details: {} }, `probe-${Date.now()}`, 201);
    probe = opened.caseId;
  });
  afterAll(() => {
    console.log('recovery (ms from the fault until an open case reads again)', JSON.stringify(recovery), 'requests retried', retried);
  });

  /** Opens a batch, starts every case, injects `fault` a third of the way through the rest, and checks the outcome. */
  async function drill(name: string, fault: () => Promise<void>, heal?: () => Promise<void>): Promise<void> {
    const cases = await openCases(1);
    await advance(cases, 5, 1);
    const remaining = cases.reduce((n, c) => n + c.steps.length - c.done, 0);
    let answered = 0;
    let injected: Promise<number> | undefined;
    await advance(cases, cases.length, Infinity, () => {
      if (++answered === Math.floor(remaining / 3)) {
        const at = Date.now();
        injected = fault().then(() => recoveryMs(probe, at));
      }
    });
    recovery[name] = await injected!;
    await heal?.();
    await waitUntilSettled(cases);
    await assertExactlyOnce(cases);
  }

  test('the history service SIGKILLed mid-load, then restarted', async () => {
    await drill('history killed', () => cluster.temporal.history!.restart('SIGKILL'));
  });

  test('a OneStop worker SIGKILLed: the other finishes its cases', async () => {
    await drill(
      'worker killed',
      () => cluster.workers[0]!.kill('SIGKILL'),
      async () => cluster.workers[0]!.start(),
    );
  });

  test('an API process SIGKILLed: haproxy routes around it, retried requests are answered once', async () => {
    await drill(
      'API killed',
      () => cluster.apis[0]!.kill('SIGKILL'),
      async () => cluster.apis[0]!.start(),
    );
  });

  test('the matching service SIGKILLed mid-load, then restarted', async () => {
    await drill('matching killed', () => cluster.temporal.matching!.restart('SIGKILL'));
  });

  test('PostgreSQL restarted mid-load', async () => {
    expect(cluster.restartPostgres, 'the embedded PostgreSQL (DATABASE_URL names another server)').toBeDefined();
    await drill('PostgreSQL restarted', () => cluster.restartPostgres!());
  });
});
