/**
 * `npm run bench` (last part), `npm run bench:scale` alone: the *Scale* figures of docs/performance.md, from one run
 * on one Temporal dev server (in memory) and an embedded PostgreSQL, with the worker and the API as
 * separate processes started from their production entries (workers/main.ts, api/main.ts) and
 * configured by environment variables, the worker on the prebuilt workflow bundle `npm run build`
 * writes (WORKFLOW_BUNDLE_PATH):
 *  1. worker start time: spawn → the first workflow task of a case waiting on its queue, with the
 *     prebuilt bundle against bundling at start-up (the baseline), alternating, BENCH_SCALE_START_RUNS
 *     runs of each (default 3), medians;
 *  2. escalation lateness, on a worker and API just started (their RSS read first, the baseline of
 *     3; then 20 warm-up cases, left open): BENCH_SCALE_DEADLINES cases (default 1,000) of a template deployed for the bench, whose one
 *     escalation step falls due BENCH_SCALE_ESCALATION_SECONDS (default 60) after opening, opened
 *     together so that every step falls due within the same minute, against
 *     BENCH_SCALE_BASELINE_DEADLINES cases (default 10) the same way. Before the mass opening of 3,
 *     whose outbox (one notice per case, delivered 25 a second) would still be draining;
 *  3. memory with BENCH_SCALE_CASES more open cases (default 10,000) of the built-in 48-hour template
 *     `epidemic-supplies-project`, each waiting on its SLA timer: worker and API RSS against the
 *     same processes just started (0 cases). BENCH_SCALE_API_CASES of them (default 1 in 20) are
 *     opened through the API, the rest through the Temporal client with the input the API builds
 *     (bench/lib/case-opener.ts), BENCH_SCALE_CONCURRENCY at a time (default 32);
 *  4. the sticky cache: the worker restarted with a smaller one (WORKER_MAX_CACHED_CASES =
 *     BENCH_SCALE_SMALL_CACHE, default 500; 0 skips), filled by querying twice as many open cases.
 * Prints Markdown tables (bench/lib/scale-report.ts). Asserts nothing beyond each step's answer:
 * timings and memory belong to the machine, not to a test. Everything runs in a temporary
 * directory and is torn down at the end.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { deployTemplate } from '../db/templates.js';
import { getFreePort } from '../infra/ports.js';
import { dataConverterFromConfig } from '../infra/temporal-connection.js';
import { OneStopTemplate } from '../processes/one-stop/template.js';
import { applicant, opener } from '../test/support/fixtures.js';
import { randomKeyEntry } from '../test/support/payload-keys.js';
import { tokenFor, UNLIMITED } from '../test/support/stack.js';
import { getCaseQuery } from '../workflows/definitions.js';
import { startBenchServers } from './lib/bench-servers.js';
import { caseOpener, inParallel, type CaseOpener } from './lib/case-opener.js';
import { escalatedCount, firstEscalationLateness, latenessParts } from './lib/escalation-lateness.js';
import { report, type BurstResult, type CacheRun, type MemoryAt, type StartRun } from './lib/scale-report.js';
import { startService, type ServiceProcess } from './lib/service-process.js';

const CASES = Number(process.env.BENCH_SCALE_CASES ?? 10_000);
const API_CASES = Math.min(CASES, Number(process.env.BENCH_SCALE_API_CASES ?? Math.round(CASES / 20)));
const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 32);
const START_RUNS = Number(process.env.BENCH_SCALE_START_RUNS ?? 3);
const DEADLINES = Number(process.env.BENCH_SCALE_DEADLINES ?? 1000);
const BASELINE_DEADLINES = Number(process.env.BENCH_SCALE_BASELINE_DEADLINES ?? 10);
const ESCALATION_S = Number(process.env.BENCH_SCALE_ESCALATION_SECONDS ?? 60);
const SMALL_CACHE = Number(process.env.BENCH_SCALE_SMALL_CACHE ?? 500);
/** Cases opened (and left open) before the baseline burst, so that it meets a warm worker. */
const WARMUP = 20;
/** A process just started, or just after a burst of work, is given this long before its RSS is read. */
const SETTLE_MS = 5000;

const TEMPLATE = 'epidemic-supplies-project';
const QUEUE = 'bench-scale';
/** One department whose SLA is twice ESCALATION_S and one ladder step at half of it; the case's own SLA is far off. */
const BURST_TEMPLATE = OneStopTemplate.parse({
  id: 'bench-deadline-burst',
  title: 'A burst of deadlines (bench/scale.ts)',
  kind: 'one-stop-approval',
  sla: 'PT24H',
  escalation: [{ at: 0.5, action: 'reminder' }],
  departments: [{ dept: 'health', title: 'Hygiene permit', sla: `PT${2 * ESCALATION_S}S` }],
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const since = (t: number) => performance.now() - t;
const loadNow = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Polls `check` every `intervalMs` until it holds (true) or `timeoutMs` has passed (false). */
async function poll(check: () => Promise<boolean>, intervalMs: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await pause(intervalMs);
  }
}

async function must(what: string, check: () => Promise<boolean>, intervalMs: number, timeoutMs: number): Promise<void> {
  if (!(await poll(check, intervalMs, timeoutMs))) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

// ---- the stack -----------------------------------------------------------------------------------

const loadAtStart = loadNow();
const benchStart = performance.now();
const servers = await startBenchServers('scale', 10);
const { pool, dir } = servers;
const services: ServiceProcess[] = [];
let connection: Connection | undefined;

try {
  // The bundle as `npm run build` writes it (scripts/build-workflow-bundle.ts).
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build-workflow-bundle.ts', bundlePath], {
    cwd: path.resolve(import.meta.dirname, '..'),
  });
  const payloadKeys = randomKeyEntry('bench-scale');
  const secret = randomBytes(32).toString('base64url');
  /** What a deployment sets; the bench's own environment must not add mail, webhooks or other keys. */
  const env = {
    TEMPORAL_ADDRESS: servers.server.address,
    TEMPORAL_NAMESPACE: servers.server.namespace,
    DATABASE_URL: servers.databaseUrl,
    PAYLOAD_KEYS: payloadKeys,
    PAYLOAD_KEYS_FILE: '',
    AUTH_JWT_SECRET: secret,
    VERIFY_SECRET: randomBytes(32).toString('base64url'),
    AUTH_JWKS_URL: '',
    SMTP_URL: '',
    NOTIFY_WEBHOOK_URL: '',
    NOTIFY_WEBHOOK_SECRET: '',
    LOG_LEVEL: 'info',
  };
  connection = await Connection.connect({ address: servers.server.address });
  const client = new Client({ connection, namespace: servers.server.namespace, dataConverter: dataConverterFromConfig({ PAYLOAD_KEYS: payloadKeys }) });

  function spawnWorker(name: string, taskQueue: string, prebuilt: boolean, extraEnv: Record<string, string> = {}): ServiceProcess {
    const s = startService({
      entry: 'workers/main.ts',
      env: { ...env, TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE_PATH: prebuilt ? bundlePath : '', ...extraEnv },
      logFile: path.join(dir, `${name}.log`),
    });
    services.push(s);
    return s;
  }
  const workerRunning = (w: ServiceProcess) => w.waitForLog((l) => l.msg === 'worker running', 180_000);
  // Published by the workflow itself (seq 1 on): the API's projection of the first view is seq 0.
  const projected = async (ids: string[]) =>
    (await pool.query('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1) AND seq >= 1', [ids])).rows[0].n as number;
  const openers = new Map<string, CaseOpener>();
  const openerFor = async (templateId: string, taskQueue: string) => {
    const key = `${templateId}@${taskQueue}`;
    if (!openers.has(key)) openers.set(key, await caseOpener(client, pool, { templateId, taskQueue, openedBy: opener, applicant }));
    return openers.get(key)!;
  };

  // ---- 1. worker start: prebuilt bundle against bundling at start-up ----------------------------

  /** A case waits on a queue no worker polls; then a worker for that queue is spawned. */
  async function measureStart(run: number, prebuilt: boolean): Promise<StartRun> {
    const taskQueue = `${QUEUE}-start-${run}-${prebuilt ? 'prebuilt' : 'bundling'}`;
    const caseId = await (await openerFor(TEMPLATE, taskQueue)).open();
    const spawnedEpoch = Date.now();
    const w = spawnWorker(`start-${run}-${prebuilt ? 'prebuilt' : 'bundling'}`, taskQueue, prebuilt);
    const running = await workerRunning(w);
    await must('a waiting case is picked up by a fresh worker', async () => (await projected([caseId])) === 1, 10, 180_000);
    const firstTaskMs = since(w.spawnedAt);
    await w.stop();
    return { prebuilt, runningMs: Number(running.time) - spawnedEpoch, firstTaskMs };
  }
  const starts: StartRun[] = [];
  for (let run = 0; run < START_RUNS; run++) {
    for (const prebuilt of run % 2 === 0 ? [true, false] : [false, true]) starts.push(await measureStart(run, prebuilt));
    const [a, b] = starts.slice(-2);
    console.log(
      `scale: worker start run ${run + 1}/${START_RUNS}: ${[a, b].map((s) => `${s!.prebuilt ? 'prebuilt' : 'bundling'} ${(s!.firstTaskMs / 1000).toFixed(1)} s`).join(', ')}`,
    );
  }

  // ---- worker and API, just started ---------------------------------------------------------------

  const worker = spawnWorker('worker', QUEUE, true);
  const apiPort = await getFreePort();
  const api = startService({
    entry: 'api/main.ts',
    env: { ...env, ...UNLIMITED, TEMPORAL_TASK_QUEUE: QUEUE, PORT: String(apiPort), HOST: '127.0.0.1' },
    logFile: path.join(dir, 'api.log'),
  });
  services.push(api);
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const defaultCache = Number((await workerRunning(worker)).maxCachedWorkflows);
  await must('the API answers /healthz', async () => (await fetch(`${baseUrl}/healthz`).catch(() => undefined))?.status === 200, 100, 120_000);
  await pause(SETTLE_MS);
  const empty: MemoryAt = { worker: worker.memory(), api: api.memory() };

  // ---- 2. a burst of deadlines, on the worker and API just measured -----------------------------

  // A worker's first cases pay for cold code paths and new connections; the baseline should not.
  const warmIds = await inParallel(WARMUP, CONCURRENCY, async () => (await openerFor(TEMPLATE, QUEUE)).open());
  await must('the warm-up cases projected', async () => (await projected(warmIds)) === WARMUP, 100, 120_000);
  await deployTemplate(pool, BURST_TEMPLATE, 'bench');
  const burstOpener = await openerFor(BURST_TEMPLATE.id, QUEUE);
  async function burst(n: number): Promise<BurstResult> {
    const burstIds = await inParallel(n, CONCURRENCY, () => burstOpener.open());
    const all = await poll(async () => (await escalatedCount(pool, burstIds)) >= n, 1000, ESCALATION_S * 1000 + 5 * 60_000);
    if (!all) console.log(`scale: only ${await escalatedCount(pool, burstIds)} of ${n} escalations fired in time; reporting those`);
    const lateness = await firstEscalationLateness(pool, burstIds, BURST_TEMPLATE.escalation[0]!.at);
    const parts = (await inParallel(lateness.length, 10, (i) => latenessParts(client, lateness[i]!))).filter((p) => p !== undefined);
    const due = lateness.map((l) => l.dueMs);
    return { cases: n, dueSpreadMs: Math.max(...due) - Math.min(...due), lateness: lateness.map((l) => l.latenessMs), parts };
  }
  const baseBurst = await burst(BASELINE_DEADLINES);
  console.log(`scale: ${BASELINE_DEADLINES} deadlines (baseline) done`);
  const loadedBurst = await burst(DEADLINES);
  console.log(`scale: ${DEADLINES} deadlines done`);

  // ---- 3. memory with many open cases -----------------------------------------------------------

  const token = await tokenFor(opener, secret);
  const openStart = performance.now();
  const apiOpenMs: number[] = [];
  const apiIds = await inParallel(API_CASES, 10, async () => {
    const t = performance.now();
    const res = await fetch(`${baseUrl}/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ templateId: TEMPLATE, applicant, details: {} }),
    });
    const body = (await res.json()) as any;
    if (res.status !== 201) throw new Error(`POST /v1/cases: ${res.status} ${JSON.stringify(body)}`);
    apiOpenMs.push(since(t));
    return body.caseId as string;
  });
  const direct = await openerFor(TEMPLATE, QUEUE);
  let started = apiIds.length;
  const progress = setInterval(() => console.log(`scale: ${started} of ${CASES} cases started (${(since(openStart) / 1000).toFixed(0)} s)`), 30_000);
  const clientIds = await inParallel(CASES - API_CASES, CONCURRENCY, async () => {
    const id = await direct.open();
    started += 1;
    return id;
  }).finally(() => clearInterval(progress));
  const openSeconds = since(openStart) / 1000;
  const ids = [...apiIds, ...clientIds];
  await must(`${CASES} cases projected`, async () => (await projected(ids)) >= CASES, 1000, 15 * 60_000);
  const visibility = `TaskQueue = '${QUEUE}' AND TemplateId = '${TEMPLATE}'`;
  await must(`${CASES} cases visible with their search attributes`, async () => (await client.workflow.count(visibility)).count >= CASES, 500, 5 * 60_000);
  const settledSeconds = since(openStart) / 1000;
  console.log(`scale: ${CASES} cases open after ${settledSeconds.toFixed(0)} s (started in ${openSeconds.toFixed(0)} s)`);
  await pause(SETTLE_MS);
  const loaded: MemoryAt = { worker: worker.memory(), api: api.memory() };

  // ---- 4. a smaller sticky cache -----------------------------------------------------------------

  const caches: CacheRun[] = [
    {
      setting: 'WORKER_MAX_CACHED_CASES default',
      maxCachedWorkflows: defaultCache,
      cached: Math.min(defaultCache, CASES),
      empty: empty.worker,
      loaded: loaded.worker,
      api: loaded.api,
      how: `opening ${CASES.toLocaleString('en')} cases`,
    },
  ];
  if (SMALL_CACHE > 0) {
    await worker.stop();
    const small = spawnWorker('worker-small', QUEUE, true, { WORKER_MAX_CACHED_CASES: String(SMALL_CACHE) });
    const cache = Number((await workerRunning(small)).maxCachedWorkflows);
    await pause(SETTLE_MS);
    const smallEmpty = small.memory();
    // A query of a case not in the cache replays it there: the most recently opened cases, twice the cache.
    const touched = ids.slice(-Math.min(ids.length, 2 * cache));
    await inParallel(touched.length, 10, (i) => client.workflow.getHandle(touched[i]!).query(getCaseQuery));
    await pause(SETTLE_MS);
    caches.push({
      setting: `WORKER_MAX_CACHED_CASES=${SMALL_CACHE}`,
      maxCachedWorkflows: cache,
      cached: Math.min(cache, touched.length),
      empty: smallEmpty,
      loaded: small.memory(),
      api: api.memory(),
      how: `querying ${touched.length.toLocaleString('en')} open cases after a restart`,
    });
  }

  report(
    { load: `${loadAtStart} at the start, ${loadNow()} at the end`, wallSeconds: since(benchStart) / 1000, escalationAfterSeconds: ESCALATION_S },
    {
      cases: CASES,
      throughApi: API_CASES,
      openSeconds,
      settledSeconds,
      template: TEMPLATE,
      alsoOpen: WARMUP + BASELINE_DEADLINES + DEADLINES,
      empty,
      loaded,
      apiOpenMs,
      caches,
    },
    starts,
    baseBurst,
    loadedBurst,
  );
} finally {
  for (const s of services) await s.stop();
  await connection?.close();
  await servers.stop();
}
