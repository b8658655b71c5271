/**
 * `npm run bench`: what a caseworker's queue costs. Opens N cases on the real stack, then times
 *  - the engine's list (`GET /v1/cases`, one indexed PostgreSQL query over the projection) against
 *  - the baseline an engine without a projection would need: list the workflows through Temporal
 *    visibility, then query each one for its state, then sort.
 * Prints figures and the ratio; asserts nothing (timings belong to the machine, not to a test).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { getCaseQuery } from '../workflows/definitions.js';
import { applicant, opener } from '../test/support/fixtures.js';
import { api, startStack } from '../test/support/stack.js';

const N = Number(process.env.BENCH_CASES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

const dir = mkdtempSync(path.join(tmpdir(), 'onestop-bench-'));
chmodSync(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
const stack = await startStack(pg.url);
const call = api(stack.baseUrl);
const auditor = { sub: 'audrey', name: 'Audrey', roles: ['auditor' as const] };

try {
  const t0 = performance.now();
  for (let i = 0; i < N; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, N - i) }, () =>
        call('POST', '/v1/cases', { as: opener, body: { templateId: 'epidemic-supplies-project', applicant, details: {} } }),
      ),
    );
  }
  const openMs = performance.now() - t0;
  // Let the last projections land before timing reads.
  await new Promise((r) => setTimeout(r, 1000));

  const time = async (fn: () => Promise<number>) => {
    const samples: number[] = [];
    let count = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const s = performance.now();
      count = await fn();
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    return { median: samples[Math.floor(samples.length / 2)] as number, count };
  };

  const engine = await time(async () => {
    const r = await call('GET', '/v1/cases?status=in-review&limit=200', { as: auditor });
    return r.body.items.length;
  });

  const baseline = await time(async () => {
    const views = [];
    for await (const wf of stack.client.workflow.list({ query: `TaskQueue='${stack.config.TEMPORAL_TASK_QUEUE}' AND ExecutionStatus='Running'` })) {
      views.push(await stack.client.workflow.getHandle(wf.workflowId).query(getCaseQuery));
    }
    views.sort((a, b) => Number(b.priority) - Number(a.priority) || a.sla.deadlineAt.localeCompare(b.sla.deadlineAt));
    return Math.min(views.length, 200);
  });

  const rssMb = process.memoryUsage().rss / 2 ** 20;
  console.log(`cases opened: ${N} in ${openMs.toFixed(0)} ms (${(openMs / N).toFixed(1)} ms/case through the API, 10 concurrent)`);
  console.log(`queue of ${engine.count} open cases, median of ${ROUNDS} rounds:`);
  console.log(`  engine   GET /v1/cases (PostgreSQL projection)      ${engine.median.toFixed(1)} ms`);
  console.log(`  baseline visibility list + query every workflow     ${baseline.median.toFixed(1)} ms  (${baseline.count} cases)`);
  console.log(`  ratio    baseline / engine                          ${(baseline.median / engine.median).toFixed(1)}x`);
  console.log(`process RSS after the run: ${rssMb.toFixed(0)} MiB (API, worker and client in one process)`);
} finally {
  await stack.teardown();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
