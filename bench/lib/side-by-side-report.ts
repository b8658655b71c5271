/**
 * The side-by-side bench's report (bench/side-by-side.ts): Markdown tables a reader can paste into
 * docs/performance.md — the two systems with their ratios and their goals, then where OneStop's time goes.
 */
import { cpus } from 'node:os';
import type { HistoryProfile } from './history-profile.js';
import { table } from './markdown-table.js';
import type { CpuSeconds } from './process-cpu.js';
import { summarize, type Summary, type Tally } from './stats.js';

export interface CaseRun {
  id: string;
  openMs: number;
  decisionMs: number[];
  /** From the last decision's answer until the workflow has completed. */
  closeMs: number;
}

export interface Measured {
  runs: CaseRun[];
  wallMs: number;
  cpu: CpuSeconds;
  /** CPU seconds the rest of the machine (the neighbours) used meanwhile. */
  othersCpu: number;
  /** Clients waiting for a pool connection, sampled every 20 ms (OneStop only). */
  poolWaiting: number[];
  /** This process's event-loop delay during the rounds (p50, p99 ms), set once all rounds ran. */
  loopDelayMs?: [number, number];
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

function verdict(ok: boolean): string {
  return ok ? 'met' : 'not met';
}

/** One query of an idle open OneStop case, measured alone (bench/side-by-side.ts queryProbe). */
export interface QueryProbe {
  latency: Summary;
  /** CPU of every process of the bench (API client, worker, dev server) per query. */
  cpuMsPerQuery: number;
}

/** What was run, for the report's first lines. */
export interface RunInfo {
  cases: number;
  concurrency: number;
  warmup: number;
  /** Round order, e.g. `ABBA` (A = OneStop, B = bare). */
  order: string;
  load: string;
  depts: string[];
}

/** Prints the side-by-side table and where OneStop's time goes, as Markdown tables. */
export function report(
  run: RunInfo,
  os: Measured,
  bs: Measured,
  osH: HistoryProfile,
  bsH: HistoryProfile,
  tallies: { activities: Tally; apiTemporal: Tally },
  probe: QueryProbe,
) {
  const tput = (m: Measured) => m.runs.length / (m.wallMs / 1000);
  const open = (m: Measured) => summarize(m.runs.map((r) => r.openMs));
  const decide = (m: Measured, i?: number) => summarize(m.runs.flatMap((r) => (i === undefined ? r.decisionMs : [r.decisionMs[i]!])));
  const close = (m: Measured) => summarize(m.runs.map((r) => r.closeMs));
  const perCase = (h: HistoryProfile, x: number) => x / h.histories;
  const cpuMs = (m: Measured, group?: string) => (group ? (m.cpu[group] ?? 0) : Object.values(m.cpu).reduce((a, b) => a + b, 0)) * (1000 / m.runs.length);
  const cores = (m: Measured, cpu: number) => cpu / (m.wallMs / 1000);
  const [oo, bo, od, bd, oc, bc] = [open(os), open(bs), decide(os), decide(bs), close(os), close(bs)];
  const ratio = (a: number, b: number) => (b > 0 ? `${f2(a / b)}×` : '–');
  const pair = (x: Summary) => `${f0(x.p50)} / ${f0(x.p99)}`;
  const groups = [...new Set([...Object.keys(os.cpu), ...Object.keys(bs.cpu)])]
    .filter((g) => cpuMs(os, g) + cpuMs(bs, g) >= 1) // not tsx's esbuild service, say
    .sort((a, b) => (a === 'node' ? -1 : b === 'node' ? 1 : a.localeCompare(b)));
  const groupName = (g: string) =>
    g === 'node' ? 'this Node process (API, workers, bench client)' : g === 'temporal' ? 'Temporal dev server' : g === 'postgres' ? 'PostgreSQL' : g;
  const events = (h: HistoryProfile) => h.events / h.histories;

  console.log(`\n## Side by side: OneStop through its API against a bare Temporal workflow\n`);
  console.log(
    `${run.cases} cases each, ${run.concurrency} in flight, after ${run.warmup} warm-up cases of each; the systems alternate in rounds ` +
      `(${run.order.replaceAll('A', 'O').replaceAll('B', 'b')}, O = OneStop, b = bare). ${cpus().length} cores; load average ${run.load}. ` +
      `Histories: ${osH.histories} + ${bsH.histories} sampled cases. Bare opening = start() alone (no query).\n`,
  );
  console.log(
    table(
      ['', 'OneStop through its API', 'bare Temporal workflow', 'OneStop / bare', 'goal'],
      [
        ['completed cases per second', f1(tput(os)), f1(tput(bs)), f2(tput(os) / tput(bs)), `≥ 0.80: ${verdict(tput(os) / tput(bs) >= 0.8)}`],
        [
          'opening p50 / p99 (ms; bare: start alone)',
          pair(oo),
          pair(bo),
          `${ratio(oo.p50, bo.p50)} / ${ratio(oo.p99, bo.p99)}`,
          `p50 ≤ 2×: ${verdict(oo.p50 <= 2 * bo.p50)}`,
        ],
        [
          'decision p50 / p99 (ms)',
          pair(od),
          pair(bd),
          `${ratio(od.p50, bd.p50)} / ${ratio(od.p99, bd.p99)}`,
          `p99 ≤ 1.25×: ${verdict(od.p99 <= 1.25 * bd.p99)}`,
        ],
        ['last decision → case closed p50 / p99 (ms)', pair(oc), pair(bc), `${ratio(oc.p50, bc.p50)} / ${ratio(oc.p99, bc.p99)}`, ''],
        [
          'history per completed case: events',
          f1(events(osH)),
          f1(events(bsH)),
          ratio(events(osH), events(bsH)),
          `≤ 1.5×: ${verdict(events(osH) <= 1.5 * events(bsH))}`,
        ],
        [
          'history per completed case: bytes',
          kb(perCase(osH, osH.bytes)),
          kb(perCase(bsH, bsH.bytes)),
          ratio(osH.bytes / osH.histories, bsH.bytes / bsH.histories),
          '',
        ],
        [
          'workflow tasks per case',
          f1(perCase(osH, osH.workflowTasks)),
          f1(perCase(bsH, bsH.workflowTasks)),
          ratio(osH.workflowTasks / osH.histories, bsH.workflowTasks / bsH.histories),
          '',
        ],
        ['CPU per case, all processes (ms)', f1(cpuMs(os)), f1(cpuMs(bs)), ratio(cpuMs(os), cpuMs(bs)), ''],
        ...groups.map((g) => [`  of which ${groupName(g)}`, f1(cpuMs(os, g)), f1(cpuMs(bs, g)), ratio(cpuMs(os, g), cpuMs(bs, g)), '']),
        [
          'cores busy: the bench / the neighbours',
          `${f2(cores(os, (cpuMs(os) * os.runs.length) / 1000))} / ${f2(cores(os, os.othersCpu))}`,
          `${f2(cores(bs, (cpuMs(bs) * bs.runs.length) / 1000))} / ${f2(cores(bs, bs.othersCpu))}`,
          '',
          '',
        ],
      ],
    ),
  );

  console.log(`\n## Where OneStop's time goes\n`);
  console.log(`Activities, timed around execute() in the worker (every measured case); queueing and running from the sampled histories:\n`);
  const acts = tallies.activities.names();
  const actRows = acts.map((name) => {
    const s = summarize(tallies.activities.get(name));
    return [
      name,
      f2(s.count / os.runs.length),
      f0(s.total),
      f1(s.mean),
      f1(s.p99),
      f1(mean(osH.activityQueued.get(name) ?? [])),
      f1(mean(osH.activityRunning.get(name) ?? [])),
    ];
  });
  const allActs = acts.flatMap((n) => tallies.activities.get(n));
  actRows.push(['all activities', f2(allActs.length / os.runs.length), f0(allActs.reduce((a, b) => a + b, 0)), f1(mean(allActs)), '', '', '']);
  console.log(
    table(['activity', 'per case', 'total ms', 'execute() mean ms', 'p99 ms', 'scheduled → started, mean ms', 'started → completed, mean ms'], actRows),
  );

  console.log(`\nThe API's calls to Temporal (client interceptor), and the HTTP requests they serve (as the bench's client sees them):\n`);
  const callRows = tallies.apiTemporal.names().map((name) => {
    const s = summarize(tallies.apiTemporal.get(name));
    return [name, f2(s.count / os.runs.length), f1(s.mean), f0(s.p50), f0(s.p99)];
  });
  callRows.push(['HTTP POST /v1/cases (opening)', '1.00', f1(oo.mean), f0(oo.p50), f0(oo.p99)]);
  run.depts.forEach((dept, i) => {
    const d = decide(os, i);
    const what = i === 0 ? 'first' : i === run.depts.length - 1 ? 'last: closes the case' : 'second';
    callRows.push([`HTTP POST …/decision, ${what} (${dept})`, '1.00', f1(d.mean), f0(d.p50), f0(d.p99)]);
  });
  console.log(table(['call', 'per case', 'mean ms', 'p50 ms', 'p99 ms'], callRows));
  const queries = tallies.apiTemporal.names().filter((n) => n.startsWith('query '));
  const queriesPerCase = queries.reduce((a, n) => a + tallies.apiTemporal.get(n).length, 0) / os.runs.length;
  console.log(
    `\nOne query of an idle open case, alone (${probe.latency.count} queries): p50 / p99 ${pair(probe.latency)} ms, ` +
      `${f1(probe.cpuMsPerQuery)} ms of CPU (all processes); × ${f2(queriesPerCase)} queries per case = ` +
      `${f1(probe.cpuMsPerQuery * queriesPerCase)} ms of OneStop's ${f1(cpuMs(os))} ms per case.`,
  );

  const upd = (h: HistoryProfile) => summarize(h.updateAcceptedToCompleted);
  const wq = (h: HistoryProfile) => mean(h.workflowTaskQueued);
  const wr = (h: HistoryProfile) => mean(h.workflowTaskRunning);
  const loop = (m: Measured) => (m.loopDelayMs ? `${f1(m.loopDelayMs[0])} / ${f1(m.loopDelayMs[1])}` : '–');
  const causes = [...new Set([...osH.workflowTaskCause.keys(), ...bsH.workflowTaskCause.keys()])].sort();
  console.log(`\nWorkflow tasks and updates (sampled histories, server timestamps), and this process:\n`);
  console.log(
    table(
      ['', 'OneStop', 'bare'],
      [
        ['workflow tasks per case', f1(perCase(osH, osH.workflowTasks)), f1(perCase(bsH, bsH.workflowTasks))],
        ...causes.map((c) => {
          const cell = (h: HistoryProfile) => {
            const t = h.workflowTaskCause.get(c);
            return t ? `${f2(perCase(h, t.count))} (${f0(mean(t.queued))} + ${f0(mean(t.running))} ms)` : '–';
          };
          return [`  scheduled because ${c} (queued + running, mean)`, cell(osH), cell(bsH)];
        }),
        ['workflow task scheduled → started, mean ms', f1(wq(osH)), f1(wq(bsH))],
        ['workflow task started → completed, mean ms', f1(wr(osH)), f1(wr(bsH))],
        ['update accepted → completed, p50 / p99 ms', pair(upd(osH)), pair(upd(bsH))],
        ['event-loop delay p50 / p99 ms', loop(os), loop(bs)],
        ['PostgreSQL pool (10): clients waiting, mean / max', `${f2(mean(os.poolWaiting))} / ${Math.max(0, ...os.poolWaiting)}`, ''],
      ],
    ),
  );

  console.log(`\nHistory per completed case by event type (OneStop's payloads are encrypted; "plain" is their size before the codec):\n`);
  const rows = (h: HistoryProfile, plain: boolean) =>
    [...h.byType.entries()]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([type, t]) => [
        type,
        f2(t.count / h.histories),
        f0(t.bytes / h.histories),
        f0(t.payloadBytes / h.histories),
        ...(plain ? [f0(t.plainPayloadBytes / h.histories)] : []),
      ]);
  const total = (h: HistoryProfile, plain: boolean) => {
    const sum = (k: 'payloadBytes' | 'plainPayloadBytes') => [...h.byType.values()].reduce((a, t) => a + t[k], 0) / h.histories;
    return ['all events', f1(events(h)), f0(h.bytes / h.histories), f0(sum('payloadBytes')), ...(plain ? [f0(sum('plainPayloadBytes'))] : [])];
  };
  console.log(table(['OneStop event', 'per case', 'bytes', 'payload bytes', 'plain payload bytes'], [...rows(osH, true), total(osH, true)]));
  console.log('');
  console.log(table(['bare event', 'per case', 'bytes', 'payload bytes'], [...rows(bsH, false), total(bsH, false)]));
}
