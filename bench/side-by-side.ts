/**
 * `npm run bench` (third part): what a case costs in OneStop against a bare Temporal
 * workflow, from one run on one Temporal dev server, with the same number of cases (BENCH_CASES,
 * default 200) and cases in flight (BENCH_CONCURRENCY, default 10):
 *  - OneStop through its HTTP API (JWT auth on a secret generated for the run): open a case of the
 *    built-in three-department one-stop template `mask-line-fast-track`, the three departments approve
 *    in turn, then wait until the case's workflow has completed (the SDK's result(), a long poll);
 *  - bare Temporal (bench/bare-case-workflow.ts): start, three executeUpdate calls, await the result.
 * The two systems alternate in rounds, A B B A (BENCH_SIDE_ROUNDS rounds each, default 2), after a
 * warm-up of BENCH_WARMUP cases of each (default 10) that is discarded: a 2-core machine gives each
 * system the whole machine in turn, and drift in the neighbours' load falls on both alike.
 * Prints the side-by-side table, then where OneStop's time goes. Asserts nothing beyond each step's
 * answer: timings belong to the machine, not to a test.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { Actor } from '../common/types.js';
import { AesGcmPayloadCodec } from '../infra/payload-codec.js';
import { requirePayloadKeys } from '../infra/payload-keys.js';
import { applicant, opener, staff } from '../test/support/fixtures.js';
import { tokenFor } from '../test/support/stack.js';
import { bareDecideUpdate, type bareCaseWorkflow } from './bare-case-workflow.js';
import { BARE_TASK_QUEUE, startBenchStack, type BenchStack } from './lib/bench-stack.js';
import { profileHistories, type HistoryProfile } from './lib/history-profile.js';
import { cpuDelta, cpuSeconds, machineCpuSeconds } from './lib/process-cpu.js';
import { report, type CaseRun, type Measured, type QueryProbe } from './lib/side-by-side-report.js';
import { summarize } from './lib/stats.js';
import { getCaseQuery } from '../workflows/definitions.js';

const N = Number(process.env.BENCH_CASES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10);
const ROUNDS = Number(process.env.BENCH_SIDE_ROUNDS ?? 2);
const SAMPLE = Number(process.env.BENCH_HISTORY_SAMPLE ?? 20);
const QUERY_PROBE = Number(process.env.BENCH_QUERY_PROBE ?? 200);
/** A = OneStop, B = bare: A B B A, then again, ROUNDS rounds of each. */
const ROUND_ORDER = 'ABBA'.repeat(Math.ceil(ROUNDS / 2)).slice(0, 2 * ROUNDS);

const TEMPLATE = 'mask-line-fast-track';
const DEPTS = ['market-regulation', 'health', 'ecology'];
const SLA_MS = 48 * 3600_000;

interface System {
  name: string;
  runCase(): Promise<CaseRun>;
  client: Client;
  /** This process's event-loop delay while the system's rounds run (API, activities and client share the loop). */
  loopDelay: IntervalHistogram;
}

const elapsed = (since: number) => performance.now() - since;

/** A POST to the API as `as` (its token signed once for the run); anything but `expected` fails the bench. */
function poster(stack: BenchStack, tokens: Map<string, string>) {
  return async (path: string, as: Actor, body: unknown, expected: number) => {
    const res = await fetch(stack.baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get(as.sub)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    if (res.status !== expected) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
}

const OPEN_BODY = { templateId: TEMPLATE, applicant, details: {} };

function oneStop(stack: BenchStack, tokens: Map<string, string>): System {
  const post = poster(stack, tokens);
  return {
    name: 'OneStop',
    client: stack.apiClient,
    loopDelay: monitorEventLoopDelay({ resolution: 10 }),
    async runCase() {
      let t = performance.now();
      const opened = await post('/v1/cases', opener, OPEN_BODY, 201);
      const openMs = elapsed(t);
      const decisionMs: number[] = [];
      for (const dept of DEPTS) {
        t = performance.now();
        await post(`/v1/cases/${opened.caseId}/tasks/${dept}/decision`, staff(dept), { outcome: 'approve' }, 200);
        decisionMs.push(elapsed(t));
      }
      t = performance.now();
      await stack.apiClient.workflow.getHandle(opened.caseId).result();
      return { id: opened.caseId, openMs, decisionMs, closeMs: elapsed(t) };
    },
  };
}

function bare(stack: BenchStack): System {
  return {
    name: 'bare',
    client: stack.bareClient,
    loopDelay: monitorEventLoopDelay({ resolution: 10 }),
    async runCase() {
      const caseId = `bare-${randomUUID()}`;
      let t = performance.now();
      const handle = await stack.bareClient.workflow.start<typeof bareCaseWorkflow>('bareCaseWorkflow', {
        workflowId: caseId,
        taskQueue: BARE_TASK_QUEUE,
        args: [{ caseId, depts: DEPTS, slaMs: SLA_MS }],
      });
      const openMs = elapsed(t);
      const decisionMs: number[] = [];
      for (const dept of DEPTS) {
        t = performance.now();
        await handle.executeUpdate(bareDecideUpdate, { args: [{ dept, outcome: 'approve', by: staff(dept).sub }] });
        decisionMs.push(elapsed(t));
      }
      t = performance.now();
      await handle.result();
      return { id: caseId, openMs, decisionMs, closeMs: elapsed(t) };
    },
  };
}

/** Runs `count` cases, `CONCURRENCY` at a time, each to its end. */
async function round(system: System, count: number, stack: BenchStack): Promise<Measured> {
  const runs: CaseRun[] = [];
  const poolWaiting: number[] = [];
  const sampler = system.name === 'OneStop' ? setInterval(() => poolWaiting.push(stack.pool.waitingCount), 20) : undefined;
  const [cpu0, machine0] = [cpuSeconds(), machineCpuSeconds()];
  system.loopDelay.enable();
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) {
        next += 1;
        runs.push(await system.runCase());
      }
    }),
  );
  const wallMs = elapsed(t);
  system.loopDelay.disable();
  clearInterval(sampler);
  const cpu = cpuDelta(cpu0, cpuSeconds());
  const ours = Object.values(cpu).reduce((a, b) => a + b, 0);
  return { runs, wallMs, cpu, othersCpu: Math.max(0, machineCpuSeconds() - machine0 - ours), poolWaiting };
}

/**
 * What one query of an open case costs, alone: the API asks one to answer every opening, and
 * another when a first decision finds no projection yet. QUERY_PROBE queries, CONCURRENCY at a
 * time, on CONCURRENCY cases opened through the API and left idle (their first activities done).
 */
async function queryProbe(stack: BenchStack, tokens: Map<string, string>): Promise<QueryProbe> {
  const post = poster(stack, tokens);
  const ids: string[] = await Promise.all(Array.from({ length: CONCURRENCY }, async () => (await post('/v1/cases', opener, OPEN_BODY, 201)).caseId));
  // Idle means projected (the opening's notification and first projection are done), then a moment for the task after.
  while ((await stack.pool.query('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1)', [ids])).rows[0].n < ids.length) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  const samples: number[] = [];
  const cpu0 = cpuSeconds();
  let next = 0;
  await Promise.all(
    ids.map(async (id) => {
      while (next < QUERY_PROBE) {
        next += 1;
        const t = performance.now();
        await stack.probeClient.workflow.getHandle(id).query(getCaseQuery);
        samples.push(elapsed(t));
      }
    }),
  );
  const cpu = Object.values(cpuDelta(cpu0, cpuSeconds())).reduce((a, b) => a + b, 0);
  return { latency: summarize(samples), cpuMsPerQuery: (cpu * 1000) / samples.length };
}

function merge(a: Measured | undefined, b: Measured): Measured {
  if (!a) return b;
  const cpu = { ...a.cpu };
  for (const [k, v] of Object.entries(b.cpu)) cpu[k] = (cpu[k] ?? 0) + v;
  return {
    runs: [...a.runs, ...b.runs],
    wallMs: a.wallMs + b.wallMs,
    cpu,
    othersCpu: a.othersCpu + b.othersCpu,
    poolWaiting: [...a.poolWaiting, ...b.poolWaiting],
  };
}

async function sampleHistories(system: System, runs: CaseRun[], codec?: AesGcmPayloadCodec): Promise<HistoryProfile> {
  const step = Math.max(1, Math.floor(runs.length / SAMPLE));
  const ids = runs.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  const histories = await Promise.all(ids.map((r) => system.client.workflow.getHandle(r.id).fetchHistory()));
  return profileHistories(histories, codec ? [codec] : []);
}

// ---- the run ----------------------------------------------------------------------------------

const loadNow = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const loadAtStart = loadNow();
const stack = await startBenchStack();
try {
  const actors = [opener, ...DEPTS.map((d) => staff(d))];
  const tokens = new Map(await Promise.all(actors.map(async (a) => [a.sub, await tokenFor(a, stack.secret)] as const)));
  const systems = { A: oneStop(stack, tokens), B: bare(stack) };

  await round(systems.A, WARMUP, stack);
  await round(systems.B, WARMUP, stack);
  // Before the tallies are cleared: its openings go through the API too.
  const probe = await queryProbe(stack, tokens);
  stack.tallies.activities.clear();
  stack.tallies.apiTemporal.clear();
  systems.A.loopDelay.reset();
  systems.B.loopDelay.reset();

  const results: Partial<Record<'A' | 'B', Measured>> = {};
  const done = { A: 0, B: 0 };
  for (const [i, key] of [...ROUND_ORDER].entries()) {
    const k = key as 'A' | 'B';
    const roundsLeft = [...ROUND_ORDER.slice(i)].filter((x) => x === k).length;
    const count = Math.round((N - done[k]) / roundsLeft);
    const m = await round(systems[k], count, stack);
    done[k] += count;
    results[k] = merge(results[k], m);
    console.log(`round ${i + 1}/${ROUND_ORDER.length}: ${systems[k].name}, ${count} cases in ${(m.wallMs / 1000).toFixed(1)} s`);
  }
  const loadAtEnd = loadNow();
  const codec = new AesGcmPayloadCodec(requirePayloadKeys(stack.config));
  const [osH, bsH] = await Promise.all([sampleHistories(systems.A, results.A!.runs, codec), sampleHistories(systems.B, results.B!.runs)]);
  for (const k of ['A', 'B'] as const) results[k]!.loopDelayMs = [systems[k].loopDelay.percentile(50) / 1e6, systems[k].loopDelay.percentile(99) / 1e6];
  const run = {
    cases: N,
    concurrency: CONCURRENCY,
    warmup: WARMUP,
    order: ROUND_ORDER,
    load: `${loadAtStart} at the start, ${loadAtEnd} at the end`,
    depts: DEPTS,
  };
  report(run, results.A!, results.B!, osH, bsH, stack.tallies, probe);
} finally {
  await stack.stop();
}
