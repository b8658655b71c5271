/**
 * The poison bench's report (bench/poison.ts): Markdown tables a reader can paste into docs/performance.md —
 * the healthy load alone and under the poisoned-text attack with their ratios, then what the attack
 * sent and what it got.
 */
import { cpus } from 'node:os';
import { table } from './markdown-table.js';
import { percentile } from './stats.js';

/** One healthy case of a run: opened, every department approving in turn, the workflow completed. */
export interface HealthyCase {
  id: string;
  openMs: number;
  decisionMs: number[];
  /** From sending the opening until the workflow had completed. */
  caseMs: number;
}

export interface HealthyRun {
  cases: HealthyCase[];
  wallMs: number;
  /** Cases whose workflow completed, and of them projected as approved. */
  completed: number;
  projectedApproved: number;
}

/** One kind of poisoned request of the attack. */
export interface AttackKind {
  label: string;
  /** Sent to the API (the edge-bypassing starts go to Temporal: they have no answer to count). */
  throughApi: boolean;
  sent: number;
  /** Answered 400 with problem details naming the poisoned field. */
  refused: number;
  /** Any other answer (each one a defect): `status: reason`. */
  otherAnswers: string[];
  /** Of `sent`, sent while the healthy cases ran. */
  duringHealthy: number;
  /** Each request's answer time (ms); for the edge-bypassing starts, Temporal's accepting the start. */
  latencyMs: number[];
}

export interface AttackResult {
  kinds: AttackKind[];
  /** Edge-bypassing workflows started, and the incidents `GET /v1/incidents` lists for them (with their codes). */
  bypassStarted: number;
  incidents: number;
  incidentCodes: string[];
  /** `/readyz` after the attack: its status and the worker's. */
  readiness: string;
}

export interface PoisonRun {
  cases: number;
  concurrency: number;
  warmup: number;
  template: string;
  depts: string[];
  attackLanes: number;
  load: string;
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '–');
const p = (xs: readonly number[], q: number) =>
  xs.length
    ? percentile(
        [...xs].sort((a, b) => a - b),
        q,
      )
    : NaN;

function healthyTable(base: HealthyRun, attacked: HealthyRun): string {
  const samples = {
    opening: (r: HealthyRun) => r.cases.map((c) => c.openMs),
    decision: (r: HealthyRun) => r.cases.flatMap((c) => c.decisionMs),
    'case, opening → completed': (r: HealthyRun) => r.cases.map((c) => c.caseMs),
  };
  const rows: string[][] = [];
  for (const [name, of] of Object.entries(samples)) {
    for (const q of [50, 95, 99]) {
      const [b, a] = [p(of(base), q), p(of(attacked), q)];
      rows.push([`${name} p${q} (ms)`, f0(b), f0(a), ratio(a, b)]);
    }
  }
  const rate = (r: HealthyRun) => r.cases.length / (r.wallMs / 1000);
  rows.push(['healthy cases per second', f1(rate(base)), f1(rate(attacked)), ratio(rate(attacked), rate(base))]);
  rows.push(['wall time (s)', f1(base.wallMs / 1000), f1(attacked.wallMs / 1000), ratio(attacked.wallMs, base.wallMs)]);
  rows.push(['healthy cases completed', `${base.completed} of ${base.cases.length}`, `${attacked.completed} of ${attacked.cases.length}`, '']);
  rows.push(['  of them projected as approved', String(base.projectedApproved), String(attacked.projectedApproved), '']);
  return table(['healthy load', 'alone (baseline)', 'under attack', 'attack / baseline'], rows);
}

function attackTable(a: AttackResult): string {
  return table(
    ['the attack', 'sent', 'refused 400, naming the field', 'other answers', 'sent during the healthy run', 'answer p50 / p99 (ms)'],
    a.kinds.map((k) => [
      k.label,
      String(k.sent),
      k.throughApi ? String(k.refused) : '–',
      !k.throughApi ? '–' : k.otherAnswers.length ? `${k.otherAnswers.length}: ${k.otherAnswers.slice(0, 3).join('; ')}` : '0',
      String(k.duringHealthy),
      `${f0(p(k.latencyMs, 50))} / ${f0(p(k.latencyMs, 99))}`,
    ]),
  );
}

export function report(run: PoisonRun, base: HealthyRun, attacked: HealthyRun, attack: AttackResult): void {
  const codes = [...new Set(attack.incidentCodes)].sort().join(', ') || 'none';
  console.log(`\n## Poisoned text: the healthy load alone and under the attack\n`);
  console.log(
    `${cpus().length} cores; load average ${run.load}. One Temporal dev server, PostgreSQL, the case worker and the API in this process ` +
      `(bench/lib/bench-stack.ts). Each run: ${run.cases} \`${run.template}\` cases through the API, ${run.concurrency} at a time, each ` +
      `opened by one of two applicants and approved by ${run.depts.join(', ')} in turn, then awaited to completion; after a warm-up of ` +
      `${run.warmup} cases, the baseline ran first, then the same load beside the attack (${run.attackLanes} lanes of its own, paced over ` +
      `the baseline's wall time; the updates aimed at healthy cases of the run while they were open).\n`,
  );
  console.log(healthyTable(base, attacked));
  console.log('');
  console.log(attackTable(attack));
  console.log(
    `\nEdge-bypassing workflows (started through the Temporal client with a lone surrogate in the applicant name): ${attack.bypassStarted} ` +
      `started, ${attack.incidents} incidents listed by \`GET /v1/incidents\` (codes: ${codes}); \`/readyz\` afterwards: ${attack.readiness}; ` +
      `they were terminated at the end.`,
  );
}
