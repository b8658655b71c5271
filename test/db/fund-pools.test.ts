/**
 * The fund pools' balance on the real PostgreSQL: 50 approvals at once against a pool that can fund
 * 10 reserve exactly 10 (the others told what is available), also with connections killed under
 * them and every call retried as an activity would be; an enterprise's ceiling holds the same way;
 * every call is idempotent; releases, disbursements and repayments move the balance once each.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, type Pool } from '../../db/pool.js';
import { deployPool, FundPoolConflictError, markDisbursed, poolBalance, release, repay, reserve, type ReservationResult } from '../../db/fund-pools.js';
import type { FundPool } from '../../templates/fund-pool.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let wide: Pool; // room for 50 reservations at once
beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  wide = createPool(db.url, 50);
  wide.on('error', () => undefined); // backends terminated by the drill below
});
afterAll(async () => {
  await wide?.end();
  await db?.drop();
});

const LOAN = 1_000_000_00; // 1,000,000.00 CNY in fen
const terms = (id: string, total: number, ceiling = total): FundPool => ({
  id,
  title: `Pool ${id}`,
  total: { amount: total, currency: 'CNY' },
  perEnterpriseCeiling: { amount: ceiling, currency: 'CNY' },
  maxTerm: 'P90D',
  eligibility: 'any',
});
const enterprise = (i: number) => `ENT-${String(i).padStart(4, '0')}`;

/** As an activity retries: a call that failed for a lost connection is made again. */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof FundPoolConflictError || attempt > 20) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}

describe('reservations against a capped pool', () => {
  it('50 approvals at once against a pool that funds 10: exactly 10 reserved, 40 told what is available', async () => {
    await deployPool(db.pool, terms('p50', 10 * LOAN), 'root');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => reserve(wide, { poolId: 'p50', caseId: `case-p50-${i}`, creditCode: enterprise(i), amount: LOAN })),
    );
    expect(results.filter((r) => r.granted)).toHaveLength(10);
    const refused = results.filter((r): r is Extract<ReservationResult, { granted: false }> => !r.granted);
    expect(refused).toHaveLength(40);
    expect(refused.every((r) => r.available === 0)).toBe(true);
    expect(await poolBalance(db.pool, 'p50')).toEqual({ total: 10 * LOAN, reserved: 10 * LOAN, disbursed: 0, repaid: 0, available: 0 });
  });

  it('the same with connections killed under the reservations, every call retried: still exactly 10, the sum never above the total', async () => {
    await deployPool(db.pool, terms('p50-killed', 10 * LOAN), 'root');
    const runs = Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        retried(() => reserve(wide, { poolId: 'p50-killed', caseId: `case-killed-${i}`, creditCode: enterprise(i), amount: LOAN })),
      ),
    );
    // Mid-run, every other backend of this database is terminated (as a PostgreSQL restart ends them).
    await new Promise((r) => setTimeout(r, 15));
    const killed = await db.pool.query(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const results = await runs;
    expect(results.filter((r) => r.granted)).toHaveLength(10);
    const { rows } = await db.pool.query<{ n: number; sum: string }>(
      `SELECT count(*)::int AS n, COALESCE(SUM(amount), 0) AS sum FROM fund_reservations WHERE pool_id = 'p50-killed' AND state = 'reserved'`,
    );
    expect(rows[0]).toEqual({ n: 10, sum: String(10 * LOAN) });
    console.log('backends terminated mid-run:', killed.rows[0].n);
  });

  it("an enterprise's ceiling holds across its cases, at once too", async () => {
    await deployPool(db.pool, terms('ceiling', 100 * LOAN, 3 * LOAN), 'root');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => reserve(wide, { poolId: 'ceiling', caseId: `case-ceiling-${i}`, creditCode: 'ENT-ONE', amount: LOAN })),
    );
    expect(results.filter((r) => r.granted)).toHaveLength(3);
    expect(results.filter((r) => !r.granted)).toEqual(Array(5).fill({ granted: false, available: 97 * LOAN, enterpriseAvailable: 0 }));
    // Another enterprise is not held back by the first one's ceiling.
    expect(await reserve(db.pool, { poolId: 'ceiling', caseId: 'case-ceiling-other', creditCode: 'ENT-TWO', amount: 3 * LOAN })).toEqual({
      granted: true,
      amount: 3 * LOAN,
    });
  });

  it('a reservation asked again answers what was granted, once; another amount for the same case is refused', async () => {
    await deployPool(db.pool, terms('idem', 5 * LOAN), 'root');
    const ask = { poolId: 'idem', caseId: 'case-idem', creditCode: 'ENT-1', amount: 2 * LOAN };
    expect(await reserve(db.pool, ask)).toEqual({ granted: true, amount: 2 * LOAN });
    expect(await reserve(db.pool, ask)).toEqual({ granted: true, amount: 2 * LOAN });
    await expect(reserve(db.pool, { ...ask, amount: 3 * LOAN })).rejects.toBeInstanceOf(FundPoolConflictError);
    expect((await poolBalance(db.pool, 'idem'))?.reserved).toBe(2 * LOAN);
  });
});

describe('the life of a loan in the balance', () => {
  it('a release gives the amount back; a disbursed loan is repaid in parts, each once, and refills the pool', async () => {
    await deployPool(db.pool, terms('life', 4 * LOAN), 'root');
    await reserve(db.pool, { poolId: 'life', caseId: 'case-declined', creditCode: 'ENT-1', amount: 3 * LOAN });
    expect((await reserve(db.pool, { poolId: 'life', caseId: 'case-waiting', creditCode: 'ENT-2', amount: 2 * LOAN })).granted).toBe(false);
    await release(db.pool, 'case-declined');
    await release(db.pool, 'case-declined'); // again: nothing more
    expect((await reserve(db.pool, { poolId: 'life', caseId: 'case-waiting', creditCode: 'ENT-2', amount: 2 * LOAN })).granted).toBe(true);

    await markDisbursed(db.pool, 'case-waiting');
    await markDisbursed(db.pool, 'case-waiting');
    await expect(release(db.pool, 'case-waiting')).rejects.toBeInstanceOf(FundPoolConflictError);
    expect(await poolBalance(db.pool, 'life')).toEqual({ total: 4 * LOAN, reserved: 0, disbursed: 2 * LOAN, repaid: 0, available: 2 * LOAN });

    expect(await repay(db.pool, { repaymentId: 'rep-1', caseId: 'case-waiting', amount: LOAN / 2 })).toEqual({ owed: 1.5 * LOAN });
    expect(await repay(db.pool, { repaymentId: 'rep-1', caseId: 'case-waiting', amount: LOAN / 2 })).toEqual({ owed: 1.5 * LOAN });
    await expect(repay(db.pool, { repaymentId: 'rep-1', caseId: 'case-waiting', amount: LOAN })).rejects.toBeInstanceOf(FundPoolConflictError);
    await expect(repay(db.pool, { repaymentId: 'rep-2', caseId: 'case-waiting', amount: 2 * LOAN })).rejects.toBeInstanceOf(FundPoolConflictError);
    expect(await repay(db.pool, { repaymentId: 'rep-2', caseId: 'case-waiting', amount: 1.5 * LOAN })).toEqual({ owed: 0 });
    expect(await poolBalance(db.pool, 'life')).toEqual({ total: 4 * LOAN, reserved: 0, disbursed: 2 * LOAN, repaid: 2 * LOAN, available: 4 * LOAN });
  });

  it("a new version of the pool's terms may not hold less than is committed, nor change its currency", async () => {
    await deployPool(db.pool, terms('shrink', 10 * LOAN), 'root');
    await reserve(db.pool, { poolId: 'shrink', caseId: 'case-shrink', creditCode: 'ENT-1', amount: 6 * LOAN });
    await expect(deployPool(db.pool, terms('shrink', 5 * LOAN), 'root')).rejects.toThrow(/committed/);
    await expect(
      deployPool(
        db.pool,
        { ...terms('shrink', 10 * LOAN), total: { amount: 10 * LOAN, currency: 'USD' }, perEnterpriseCeiling: { amount: LOAN, currency: 'USD' } },
        'root',
      ),
    ).rejects.toThrow(/CNY/);
    expect((await deployPool(db.pool, terms('shrink', 6 * LOAN), 'root')).version).toBe(2);
    expect((await poolBalance(db.pool, 'shrink'))?.available).toBe(0);
  });
});
