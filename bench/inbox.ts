/**
 * `npm run bench` (second part): what a department's inbox costs with 10,000 open tasks. The cases
 * are written through the real projection code (`upsertCaseProjection`, as the workflow's activity
 * does) into a real PostgreSQL, then `GET /v1/tasks` is timed through the HTTP API:
 *  - the engine: one indexed query over the `case_tasks` projection (first page, and a page deep
 *    in the queue through the cursor);
 *  - the baseline: the same page computed from the case views alone (unnest every case's tasks
 *    from its JSON, filter and sort), as an engine without a task projection would.
 * Prints p50/p99 and the ratio; asserts nothing (timings belong to the machine, not to a test).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import type { CaseView, TaskView } from '../common/types.js';
import { upsertCaseProjection } from '../db/cases.js';
import { listOpenTasks } from '../db/tasks.js';
import { loadConfig } from '../infra/config.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { freshDatabase } from '../test/support/db.js';
import { applicant } from '../test/support/fixtures.js';
import { TEST_SECRET, tokenFor } from '../test/support/stack.js';
import { percentile } from './lib/stats.js';

const TASKS = Number(process.env.BENCH_INBOX_TASKS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const HOUR = 3600_000;

function synthetic(i: number, now: number): CaseView {
  const openedAt = now - (i % 48) * HOUR;
  const task = (dept: string, slaH: number, status: TaskView['status'] = 'open'): TaskView => ({
    taskId: dept,
    dept,
    title: `${dept} review`,
    status,
    openedAt: new Date(openedAt).toISOString(),
    dueAt: new Date(openedAt + slaH * HOUR).toISOString(),
    decidedNetMs: null,
    outcome: null,
    decidedBy: null,
    decidedByName: null,
    decidedAt: null,
    comment: null,
    requestedDocuments: [],
    escalationLevel: 0,
    slaMs: slaH * HOUR,
    remainingMs: null,
    assignee: i % 7 === 0 ? `officer-${i % 13}` : null,
    assigneeName: null,
  });
  return {
    caseId: `case-${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`,
    number: `ESP-2026-${String(i).padStart(6, '0')}`,
    templateId: 'epidemic-supplies-project',
    templateVersion: 1,
    kind: 'one-stop-approval',
    title: 'Epidemic supplies project',
    status: 'in-review',
    priority: i % 50 === 0,
    openedAt: new Date(openedAt).toISOString(),
    openedBy: 'alice',
    openedByName: 'Alice Li',
    openedByDept: 'service-centre',
    closedAt: null,
    applicant: { creditCode: applicant.creditCode, name: `${applicant.name} #${i}` },
    details: {},
    documents: [],
    sla: {
      deadlineAt: new Date(openedAt + 48 * HOUR).toISOString(),
      paused: false,
      pausedMs: 0,
      breached: false,
      breachedAt: null,
      supplementDueAt: null,
      calendar: null,
    },
    tasks: [task('health', 24 + (i % 24)), task('ecology', 48), task('market-regulation', 24, i % 2 ? 'open' : 'decided')],
    escalations: [],
    supplements: [],
    comments: [],
    decision: null,
  };
}

async function time(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = performance.now();
    await fn();
    samples.push(performance.now() - s);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const dir = mkdtempSync(path.join(tmpdir(), 'onestop-bench-inbox-'));
chmodSync(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
const db = await freshDatabase(pg.url);
const client = new Client(); // lazy: the inbox never talks to Temporal
const config = loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, RATE_LIMIT_PER_MINUTE: '10000000' });
const app = createApp({ client, pool: db.pool, logger: pino({ level: 'silent' }), config });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

try {
  const now = Date.now();
  const t0 = performance.now();
  for (let i = 0; i < TASKS; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, TASKS - i) }, (_, k) => upsertCaseProjection(db.pool, synthetic(i + k, now), 1)));
  }
  const seedMs = performance.now() - t0;
  await db.pool.query('ANALYZE cases; ANALYZE case_tasks');

  const token = await tokenFor({ sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' });
  const get = async (q: string) => {
    const r = await fetch(`${base}/v1/tasks${q}`, { headers: { authorization: `Bearer ${token}` } });
    if (r.status !== 200) throw new Error(`GET /v1/tasks${q}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { items: unknown[]; nextCursor: string | null };
  };
  // A cursor up to 40 pages deep (fewer when the queue is shorter), to show that keyset pages cost
  // the same wherever they are.
  let cursor: string | null = null;
  let page = 1;
  for (; page <= 40; page++) {
    const next: string | null = (await get(`?limit=50${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
    if (next === null) break;
    cursor = next;
  }

  const first = await time(() => get('?limit=50'));
  const deep = await time(() => get(`?limit=50${cursor ? `&cursor=${cursor}` : ''}`));
  const unassigned = await time(() => get('?limit=50&assignee=none'));
  const engineSql = await time(() => listOpenTasks(db.pool, { dept: 'health', limit: 50 }));
  const baseline = await time(() =>
    db.pool.query(
      `SELECT c.case_id, t->>'taskId' AS task_id, c.priority, (t->>'dueAt')::timestamptz AS due_at
       FROM cases c CROSS JOIN LATERAL jsonb_array_elements(c.view->'tasks') t
       WHERE c.closed_at IS NULL AND t->>'dept' = 'health' AND t->>'status' = 'open'
       ORDER BY c.priority DESC, due_at ASC, c.case_id LIMIT 51`,
    ),
  );
  const open = (await db.pool.query(`SELECT count(*)::int AS n FROM case_tasks WHERE status = 'open' AND dept = 'health'`)).rows[0].n;

  console.log(
    `\ninbox: ${open} open tasks of one department (${TASKS} cases, ${(await db.pool.query(`SELECT count(*)::int AS n FROM case_tasks WHERE status = 'open'`)).rows[0].n} open tasks in all), seeded through the projection in ${(seedMs / 1000).toFixed(1)} s`,
  );
  console.log(`GET /v1/tasks through HTTP, ${ROUNDS} rounds each:            p50        p99`);
  console.log(`  engine   first page (limit 50)                         ${first.p50.toFixed(1).padStart(6)} ms ${first.p99.toFixed(1).padStart(7)} ms`);
  console.log(
    `  engine   page ${String(page).padEnd(3)} (cursor)                             ${deep.p50.toFixed(1).padStart(6)} ms ${deep.p99.toFixed(1).padStart(7)} ms`,
  );
  console.log(
    `  engine   assignee=none                                 ${unassigned.p50.toFixed(1).padStart(6)} ms ${unassigned.p99.toFixed(1).padStart(7)} ms`,
  );
  console.log(`the query alone (no HTTP, token or rate limit):`);
  console.log(`  engine   case_tasks projection, first page             ${engineSql.p50.toFixed(1).padStart(6)} ms ${engineSql.p99.toFixed(1).padStart(7)} ms`);
  console.log(`  baseline the same page from the case views' JSON       ${baseline.p50.toFixed(1).padStart(6)} ms ${baseline.p99.toFixed(1).padStart(7)} ms`);
  console.log(`  ratio    baseline / engine (p50)                       ${(baseline.p50 / engineSql.p50).toFixed(1)}x`);
} finally {
  server.close();
  await client.connection.close().catch(() => undefined);
  await db.drop();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
