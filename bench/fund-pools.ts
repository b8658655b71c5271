/**
 * `npm run bench` (fund pools): reservations per second against one pool at 1, 10 and 50 concurrent
 * approvals (db/fund-pools.ts reserve: the pool's row locked, the balance and the enterprise's
 * ceiling summed, the reservation written), beside the same number of plain inserts of a reservation
 * row at the same concurrency (no lock, no check): the ratio is what the guarantee costs. On an
 * embedded PostgreSQL in a temporary folder; BENCH_FUND_RESERVATIONS per run (default 2000).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { deployPool, reserve } from '../db/fund-pools.js';
import { createPool, migrate } from '../db/pool.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { inParallel } from '../test/support/case-plans.js';

const N = Number(process.env.BENCH_FUND_RESERVATIONS ?? 2000);
const dir = mkdtempSync(path.join(tmpdir(), 'onestop-bench-fund-'));
chmodSync(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 0 });
await migrate(pg.url);
const pool = createPool(pg.url, 50);

const rows: string[] = [];
for (const concurrency of [1, 10, 50]) {
  const id = `bench-${concurrency}`;
  // Room for every reservation: the bench measures granting, not refusing.
  await deployPool(
    pool,
    {
      id,
      title: id,
      total: { amount: N * 100, currency: 'CNY' },
      perEnterpriseCeiling: { amount: N * 100, currency: 'CNY' },
      maxTerm: 'P90D',
      eligibility: 'any',
    },
    'bench',
  );
  const items = Array.from({ length: N }, (_, i) => i);
  let t = performance.now();
  await inParallel(items, concurrency, (i) => reserve(pool, { poolId: id, caseId: `${id}-case-${i}`, creditCode: `ENT-${i % 97}`, amount: 100 }));
  const reservePerSecond = N / ((performance.now() - t) / 1000);
  t = performance.now();
  await inParallel(items, concurrency, (i) =>
    pool.query(`INSERT INTO fund_reservations (case_id, pool_id, credit_code, amount, state) VALUES ($1, $2, $3, 100, 'reserved')`, [
      `${id}-plain-${i}`,
      id,
      `ENT-${i % 97}`,
    ]),
  );
  const insertPerSecond = N / ((performance.now() - t) / 1000);
  rows.push(`| ${concurrency} | ${reservePerSecond.toFixed(0)} | ${insertPerSecond.toFixed(0)} | ${(reservePerSecond / insertPerSecond).toFixed(2)} |`);
}
console.log(`\nfund pools: ${N} reservations against one pool per row, embedded PostgreSQL`);
console.log('| concurrent approvals | reservations/s | plain inserts/s | ratio |');
console.log('| ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
await pool.end();
await pg.stop();
rmSync(dir, { recursive: true, force: true });
