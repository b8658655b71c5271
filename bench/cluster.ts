/**
 * `npm run bench:cluster` (and the last part of `npm run bench`): OneStop's throughput on the
 * production-shaped cluster (Temporal's services as separate processes on PostgreSQL with SQL
 * visibility, infra/cluster/) against the same OneStop processes on the CLI's dev server, each with
 * one and with two OneStop workers, in one run. Every case is the three-department one-stop template
 * through haproxy: opened, then approved by each department in turn; BENCH_CLUSTER_CASES cases
 * (default 60), BENCH_CLUSTER_CONCURRENCY in flight (default 10). Prints cases per second (from the
 * first opening to the last case closed in the projection) and the decision round trip's p50 and
 * p99, and each figure's ratio to the dev server with one worker. Asserts nothing: timings belong to
 * the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { pino } from 'pino';
import type { Actor } from '../common/types.js';
import { freeTemporalPortBase, startCluster, type Cluster } from '../infra/cluster/cluster.js';
import { inParallel } from '../test/support/case-plans.js';
import { applicant, opener, staff } from '../test/support/fixtures.js';
import { tokenFor } from '../test/support/stack.js';
import { summarize } from './lib/stats.js';

const N = Number(process.env.BENCH_CLUSTER_CASES ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CLUSTER_CONCURRENCY ?? 10);
const DEPTS = ['market-regulation', 'health', 'ecology'];
const HIGH = '100000000';

interface Figures {
  casesPerSecond: number;
  decisionP50: number;
  decisionP99: number;
}

async function measure(cluster: Cluster, pool: pg.Pool, label: string): Promise<Figures> {
  const tokens = new Map<string, string>();
  const token = async (a: Actor) => tokens.get(a.sub) ?? tokens.set(a.sub, await tokenFor(a, cluster.secrets.AUTH_JWT_SECRET)).get(a.sub)!;
  const post = async (at: string, as: Actor, body: unknown, expected: number) => {
    const res = await fetch(cluster.url + at, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(as)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as { caseId?: string };
    if (res.status !== expected) throw new Error(`${label}: ${at} answered ${res.status}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const decisions: number[] = [];
  const started = performance.now();
  const ids = await inParallel(
    Array.from({ length: N }, (_, i) => i),
    CONCURRENCY,
    async () => {
      const { caseId } = await post('/v1/cases', opener, { templateId: 'mask-line-fast-track', applicant, details: {} }, 201);
      for (const d of DEPTS) {
        const t = performance.now();
        await post(`/v1/cases/${caseId}/tasks/${d}/decision`, staff(d), { outcome: 'approve' }, 200);
        decisions.push(performance.now() - t);
      }
      return caseId!;
    },
  );
  for (;;) {
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1) AND closed_at IS NOT NULL', [ids]);
    if (rows[0]!.n === ids.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const d = summarize(decisions);
  return { casesPerSecond: N / seconds, decisionP50: d.p50, decisionP99: d.p99 };
}

async function run(temporal: 'services' | 'dev-server'): Promise<Record<string, Figures>> {
  const dir = mkdtempSync(path.join(tmpdir(), `onestop-bench-cluster-${temporal}-`));
  const cluster = await startCluster({
    dataDir: dir,
    port: 0,
    temporalPortBase: await freeTemporalPortBase(),
    temporal,
    logger: pino({ level: 'warn' }),
    env: { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: HIGH, RATE_LIMIT_OPEN_PER_MINUTE: HIGH },
  });
  const pool = new pg.Pool({ connectionString: cluster.databaseUrl, max: 2 });
  try {
    await measure(cluster, pool, `${temporal} warm-up`); // the first cases pay for caches and JIT
    const out: Record<string, Figures> = {};
    // One worker: the second stopped (SIGTERM: it hands its cases over at once).
    await cluster.workers[1]!.stop();
    out['1 worker'] = await measure(cluster, pool, `${temporal}, 1 worker`);
    cluster.workers[1]!.start();
    await new Promise((r) => setTimeout(r, 5000)); // polling again
    out['2 workers'] = await measure(cluster, pool, `${temporal}, 2 workers`);
    return out;
  } finally {
    await pool.end();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const dev = await run('dev-server');
const services = await run('services');
const baseline = dev['1 worker']!;
const rows = [
  ['dev server, 1 worker', baseline],
  ['dev server, 2 workers', dev['2 workers']!],
  ['cluster, 1 worker', services['1 worker']!],
  ['cluster, 2 workers', services['2 workers']!],
] as const;
console.log(`\ncluster bench: ${N} one-stop cases (open + 3 decisions) through haproxy, ${CONCURRENCY} in flight; ratios to the dev server with 1 worker`);
console.log('| Temporal, OneStop workers | cases/s | ratio | decision p50 ms | ratio | decision p99 ms | ratio |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, f] of rows) {
  console.log(
    `| ${name} | ${f.casesPerSecond.toFixed(1)} | ${(f.casesPerSecond / baseline.casesPerSecond).toFixed(2)} | ${f.decisionP50.toFixed(0)} | ${(f.decisionP50 / baseline.decisionP50).toFixed(2)} | ${f.decisionP99.toFixed(0)} | ${(f.decisionP99 / baseline.decisionP99).toFixed(2)} |`,
  );
}
process.exit(0);
