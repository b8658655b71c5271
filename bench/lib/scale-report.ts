/**
 * The scale bench's report (bench/scale.ts): Markdown tables a reader can paste into docs/performance.md —
 * memory with many open cases, worker start time, escalation lateness under a burst of deadlines,
 * each beside its baseline from the same run.
 */
import { cpus } from 'node:os';
import type { LatenessParts } from './escalation-lateness.js';
import { table } from './markdown-table.js';
import type { ProcessMemory } from './process-memory.js';
import { percentile } from './stats.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

export interface MemoryAt {
  worker: ProcessMemory;
  api: ProcessMemory;
}

/** One worker configuration's memory: just started, and with the cases in its cache. */
export interface CacheRun {
  /** How the worker was started, e.g. `WORKER_MAX_CACHED_CASES=500`. */
  setting: string;
  maxCachedWorkflows: number;
  /** Cases in its cache when `loaded` was read: the cache size, or fewer if fewer cases ran. */
  cached: number;
  empty: ProcessMemory;
  loaded: ProcessMemory;
  /** The API's memory when `loaded` was read. */
  api: ProcessMemory;
  /** How the cases came into its cache, e.g. `opened 10,000 cases`. */
  how: string;
}

export interface MemoryResult {
  cases: number;
  /** Of them, opened through the API's HTTP (the rest through the Temporal client). */
  throughApi: number;
  openSeconds: number;
  /** Until every case's first workflow task had written its projection and upserted its search attributes. */
  settledSeconds: number;
  template: string;
  /** Other cases open on the worker meanwhile (the deadline bursts'). */
  alsoOpen: number;
  empty: MemoryAt;
  loaded: MemoryAt;
  /** The API's openings, ms. */
  apiOpenMs: number[];
  caches: CacheRun[];
}

export interface StartRun {
  prebuilt: boolean;
  /** Spawn → the worker's "worker running" log line (its time stamp). */
  runningMs: number;
  /** Spawn → the first workflow task of a case waiting on its queue has written the projection. */
  firstTaskMs: number;
}

export interface BurstResult {
  cases: number;
  /** Due times of the first escalation: from the first to the last (ms). */
  dueSpreadMs: number;
  lateness: number[];
  parts: LatenessParts[];
}

export interface ScaleRun {
  load: string;
  /** Seconds the whole bench took. */
  wallSeconds: number;
  escalationAfterSeconds: number;
}

function memoryTable(m: MemoryResult): string {
  const both = (x: MemoryAt) => x.worker.rss + x.api.rss;
  const goal = both(m.loaded) < GiB;
  return table(
    ['', 'just started, 0 cases', `${m.cases.toLocaleString('en')} open cases`, 'ratio', 'goal'],
    [
      ['worker RSS (workers/main.ts, prebuilt bundle)', mib(m.empty.worker.rss), mib(m.loaded.worker.rss), ratio(m.loaded.worker.rss, m.empty.worker.rss), ''],
      ['API RSS (api/main.ts)', mib(m.empty.api.rss), mib(m.loaded.api.rss), ratio(m.loaded.api.rss, m.empty.api.rss), ''],
      ['worker + API', mib(both(m.empty)), mib(both(m.loaded)), ratio(both(m.loaded), both(m.empty)), `< 1 GiB: ${goal ? 'met' : 'not met'}`],
      ['worker peak RSS so far (VmHWM)', mib(m.empty.worker.peakRss), mib(m.loaded.worker.peakRss), '', ''],
      ['API peak RSS so far (VmHWM)', mib(m.empty.api.peakRss), mib(m.loaded.api.peakRss), '', ''],
      [
        "tsx's esbuild helpers of worker / API (not counted above)",
        `${mib(m.empty.worker.descendantsRss)} / ${mib(m.empty.api.descendantsRss)}`,
        `${mib(m.loaded.worker.descendantsRss)} / ${mib(m.loaded.api.descendantsRss)}`,
        '',
        '',
      ],
    ],
  );
}

function cacheTable(caches: CacheRun[]): string {
  return table(
    ['worker started with', 'maxCachedWorkflows', 'worker RSS just started', 'worker RSS, cache full', 'per cached case', 'worker + API', 'cache filled by'],
    caches.map((c) => [
      c.setting,
      String(c.maxCachedWorkflows),
      mib(c.empty.rss),
      mib(c.loaded.rss),
      `${f0((c.loaded.rss - c.empty.rss) / Math.max(1, c.cached) / 1024)} KiB`,
      `${mib(c.loaded.rss + c.api.rss)} (${c.loaded.rss + c.api.rss < GiB ? '< 1 GiB' : '≥ 1 GiB'})`,
      c.how,
    ]),
  );
}

function startTable(runs: StartRun[]): string {
  const pick = (prebuilt: boolean, k: 'runningMs' | 'firstTaskMs') => runs.filter((r) => r.prebuilt === prebuilt).map((r) => r[k]);
  const cell = (xs: number[]) => `${f0(median(xs))} ms (${xs.map((x) => f0(x)).join(', ')})`;
  const row = (label: string, k: 'runningMs' | 'firstTaskMs') => [
    label,
    cell(pick(true, k)),
    cell(pick(false, k)),
    ratio(median(pick(true, k)), median(pick(false, k))),
  ];
  return table(
    ['median (each run)', 'prebuilt bundle (WORKFLOW_BUNDLE_PATH)', 'bundled at start-up (baseline)', 'prebuilt / baseline'],
    [row('spawn → "worker running" logged', 'runningMs'), row("spawn → a waiting case's first workflow task done", 'firstTaskMs')],
  );
}

function burstTable(base: BurstResult, loaded: BurstResult): string {
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
  const p = (b: BurstResult, q: number) => percentile(sorted(b.lateness), q);
  const max = (b: BurstResult) => sorted(b.lateness).at(-1) ?? NaN;
  const part = (b: BurstResult, k: keyof LatenessParts) => {
    const xs = sorted(b.parts.map((x) => x[k]));
    return xs.length ? `${f0(percentile(xs, 50))} / ${f0(percentile(xs, 99))} / ${f0(xs.at(-1)!)}` : '–';
  };
  return table(
    ['', `${base.cases} cases (baseline)`, `${loaded.cases.toLocaleString('en')} cases`, 'ratio'],
    [
      ['first escalations due within (s)', f1(base.dueSpreadMs / 1000), f1(loaded.dueSpreadMs / 1000), ''],
      ['escalations that fired', String(base.lateness.length), String(loaded.lateness.length), ''],
      ['lateness p50 (ms)', f0(p(base, 50)), f0(p(loaded, 50)), ratio(p(loaded, 50), p(base, 50))],
      ['lateness p99 (ms)', f0(p(base, 99)), f0(p(loaded, 99)), ratio(p(loaded, 99), p(base, 99))],
      ['lateness max (ms)', f0(max(base)), f0(max(loaded)), ratio(max(loaded), max(base))],
      [`of which, p50 / p99 / max ms (${base.parts.length} + ${loaded.parts.length} histories):`, '', '', ''],
      ["  the timer counts from the end of the case's first workflow task", part(base, 'timerSetLate'), part(loaded, 'timerSetLate'), ''],
      ['  the server fired the timer after its time', part(base, 'serverFiredLate'), part(loaded, 'serverFiredLate'), ''],
      ['  the workflow task that ran the step waited in its queue', part(base, 'pickedUp'), part(loaded, 'pickedUp'), ''],
    ],
  );
}

export function report(run: ScaleRun, memory: MemoryResult, starts: StartRun[], base: BurstResult, loaded: BurstResult): void {
  const apiSorted = [...memory.apiOpenMs].sort((a, b) => a - b);
  console.log(`\n## Scale: open cases on one worker, worker start, a burst of deadlines\n`);
  console.log(
    `${cpus().length} cores; load average ${run.load}; the bench took ${f0(run.wallSeconds)} s. Worker and API are separate processes ` +
      `(workers/main.ts, api/main.ts under tsx, as \`npm run worker\` / \`npm run api\`), RSS from /proc/<pid>/status.\n`,
  );
  console.log(
    `### ${memory.cases.toLocaleString('en')} open \`${memory.template}\` cases, each waiting on its SLA timer\n\n` +
      `${memory.throughApi} opened through the API (p50 / p99 ${f0(percentile(apiSorted, 50))} / ${f0(percentile(apiSorted, 99))} ms), ` +
      `the rest through the Temporal client with the API's input; all started in ${f0(memory.openSeconds)} s, every first workflow ` +
      `task done (projection and search attributes) after ${f0(memory.settledSeconds)} s. The ${memory.alsoOpen.toLocaleString('en')} ` +
      `cases opened before (a warm-up, and the deadline bursts below, whose steps are done) are open too.\n`,
  );
  console.log(memoryTable(memory));
  console.log(`\nThe sticky cache bounds the worker's memory (cases beyond it are replayed from history on their next task):\n`);
  console.log(cacheTable(memory.caches));
  console.log(`\n### Worker start\n`);
  console.log(startTable(starts));
  console.log(
    `\n### Escalation lateness: the first escalation step of every case falls due ${run.escalationAfterSeconds} s after it opened\n\n` +
      `Lateness = the step's record in the case (\`escalations[0].at\`, the workflow's clock) minus its due time (task opened + share of its SLA), ` +
      `on the worker and API just started (before the ${memory.cases.toLocaleString('en')} cases above were opened).\n`,
  );
  console.log(burstTable(base, loaded));
}
