/**
 * Emergency fund pools: their versioned terms, and the one balance every case draws on. A
 * reservation locks its pool's row, so reservations against one pool are serialised and the
 * available amount (total − reserved − disbursed + repaid) never goes below zero, nor an
 * enterprise's exposure above its ceiling, however many approvals arrive at once. Every call is
 * idempotent by case (and repayments by their id): a retried activity changes nothing twice.
 */
import type pg from 'pg';
import { FundPool } from '../templates/fund-pool.js';
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';

export interface StoredPool {
  body: FundPool;
  version: number;
}

/** Thrown for a request that contradicts what is recorded (never retried: retrying cannot change it). */
export class FundPoolConflictError extends Error {
  override readonly name = 'FundPoolConflictError';
}

/** Deploys a new version of a pool's terms; refused when the new total is below what is already committed. */
export async function deployPool(pool: Pool, body: FundPool, by: string): Promise<StoredPool> {
  const parsed = FundPool.parse(body);
  return withTransaction(pool, async (c) => {
    await c.query(
      `INSERT INTO fund_pools (pool_id, currency, total) VALUES ($1, $2, $3)
       ON CONFLICT (pool_id) DO NOTHING`,
      [parsed.id, parsed.total.currency, parsed.total.amount],
    );
    const locked = await lockPool(c, parsed.id);
    if (locked.currency !== parsed.total.currency) throw new FundPoolConflictError(`pool ${parsed.id} is in ${locked.currency}, not ${parsed.total.currency}`);
    const committed = await outstanding(c, parsed.id);
    if (parsed.total.amount < committed)
      throw new FundPoolConflictError(`pool ${parsed.id} has ${committed} committed; its total cannot be ${parsed.total.amount}`);
    await c.query('UPDATE fund_pools SET total = $2 WHERE pool_id = $1', [parsed.id, parsed.total.amount]);
    const { rows } = await c.query<{ version: number }>(
      `INSERT INTO fund_pool_versions (pool_id, version, body, deployed_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3 FROM fund_pool_versions WHERE pool_id = $1
       RETURNING version`,
      [parsed.id, JSON.stringify(parsed), by],
    );
    return { body: parsed, version: rows[0]!.version };
  });
}

export async function latestPool(pool: Pool | pg.PoolClient, poolId: string): Promise<StoredPool | undefined> {
  const { rows } = await pool.query<{ body: FundPool; version: number }>(
    'SELECT body, version FROM fund_pool_versions WHERE pool_id = $1 ORDER BY version DESC LIMIT 1',
    [poolId],
  );
  return rows[0];
}

async function lockPool(c: pg.PoolClient, poolId: string): Promise<{ total: number; currency: string }> {
  const { rows } = await c.query<{ total: string; currency: string }>('SELECT total, currency FROM fund_pools WHERE pool_id = $1 FOR UPDATE', [poolId]);
  if (!rows[0]) throw new FundPoolConflictError(`no pool ${poolId}`);
  return { total: Number(rows[0].total), currency: rows[0].currency };
}

/** What is committed (reserved, or disbursed and not yet repaid), for the pool or one enterprise of it. */
async function outstanding(c: pg.PoolClient, poolId: string, creditCode?: string): Promise<number> {
  const { rows } = await c.query<{ n: string }>(
    `SELECT COALESCE(SUM(r.amount - COALESCE((SELECT SUM(p.amount) FROM fund_repayments p WHERE p.case_id = r.case_id), 0)), 0) AS n
     FROM fund_reservations r WHERE r.pool_id = $1 AND r.state <> 'released' AND ($2::text IS NULL OR r.credit_code = $2)`,
    [poolId, creditCode ?? null],
  );
  return Number(rows[0]!.n);
}

export interface ReservationRequest {
  poolId: string;
  caseId: string;
  creditCode: string;
  amount: number;
}

export type ReservationResult =
  | { granted: true; amount: number }
  /** Does not fit: what the pool has available, and what this enterprise may still draw. */
  | { granted: false; available: number; enterpriseAvailable: number };

/** Reserves `amount` for the case if the pool and the enterprise's ceiling allow it; the same case again answers what it was granted. */
export async function reserve(pool: Pool, r: ReservationRequest): Promise<ReservationResult> {
  return withTransaction(pool, async (c) => {
    const { total } = await lockPool(c, r.poolId);
    const existing = await c.query<{ amount: string; state: string }>('SELECT amount, state FROM fund_reservations WHERE case_id = $1', [r.caseId]);
    const held = existing.rows[0];
    if (held && held.state !== 'released') {
      if (Number(held.amount) !== r.amount) throw new FundPoolConflictError(`case ${r.caseId} holds ${held.amount} already, not ${r.amount}`);
      return { granted: true, amount: r.amount };
    }
    const terms = await latestPool(c, r.poolId);
    const available = total - (await outstanding(c, r.poolId));
    const enterpriseAvailable = (terms?.body.perEnterpriseCeiling.amount ?? 0) - (await outstanding(c, r.poolId, r.creditCode));
    if (r.amount > available || r.amount > enterpriseAvailable) {
      return { granted: false, available: Math.max(0, available), enterpriseAvailable: Math.max(0, enterpriseAvailable) };
    }
    await c.query(
      `INSERT INTO fund_reservations (case_id, pool_id, credit_code, amount, state) VALUES ($1, $2, $3, $4, 'reserved')
       ON CONFLICT (case_id) DO UPDATE SET amount = EXCLUDED.amount, state = 'reserved', changed_at = now()`,
      [r.caseId, r.poolId, r.creditCode, r.amount],
    );
    return { granted: true, amount: r.amount };
  });
}

/** Gives a case's reservation back to the pool (rejected, withdrawn, an offer not taken up); a disbursed one cannot be. */
export async function release(pool: Pool, caseId: string): Promise<void> {
  const { rows } = await pool.query<{ state: string }>(
    `UPDATE fund_reservations SET state = CASE WHEN state = 'reserved' THEN 'released' ELSE state END, changed_at = now()
     WHERE case_id = $1 RETURNING state`,
    [caseId],
  );
  if (rows[0]?.state === 'disbursed') throw new FundPoolConflictError(`case ${caseId} was disbursed: it is repaid, not released`);
}

/** The reservation turned into a loan, once (the payment itself is the payments ledger's). */
export async function markDisbursed(pool: Pool, caseId: string): Promise<void> {
  const { rows } = await pool.query<{ state: string }>(
    `UPDATE fund_reservations SET state = 'disbursed', changed_at = now() WHERE case_id = $1 AND state IN ('reserved', 'disbursed') RETURNING state`,
    [caseId],
  );
  if (!rows[0]) throw new FundPoolConflictError(`case ${caseId} holds no reservation to disburse`);
}

/** Records a repayment (idempotent by its id); it may not exceed what the case still owes. Answers what is still owed. */
export async function repay(pool: Pool, p: { repaymentId: string; caseId: string; amount: number }): Promise<{ owed: number }> {
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ amount: string; state: string; repaid: string }>(
      `SELECT r.amount, r.state, COALESCE((SELECT SUM(amount) FROM fund_repayments WHERE case_id = r.case_id), 0) AS repaid
       FROM fund_reservations r WHERE r.case_id = $1 FOR UPDATE`,
      [p.caseId],
    );
    const loan = rows[0];
    if (!loan || loan.state !== 'disbursed') throw new FundPoolConflictError(`case ${p.caseId} has no disbursed loan`);
    const seen = await c.query<{ amount: string }>('SELECT amount FROM fund_repayments WHERE repayment_id = $1', [p.repaymentId]);
    if (seen.rows[0]) {
      if (Number(seen.rows[0].amount) !== p.amount) throw new FundPoolConflictError(`repayment ${p.repaymentId} was ${seen.rows[0].amount}, not ${p.amount}`);
      return { owed: Number(loan.amount) - Number(loan.repaid) };
    }
    const owed = Number(loan.amount) - Number(loan.repaid);
    if (p.amount > owed) throw new FundPoolConflictError(`case ${p.caseId} owes ${owed}; a repayment of ${p.amount} is more`);
    await c.query('INSERT INTO fund_repayments (repayment_id, case_id, amount) VALUES ($1, $2, $3)', [p.repaymentId, p.caseId, p.amount]);
    return { owed: owed - p.amount };
  });
}

export interface PoolBalance {
  total: number;
  reserved: number;
  disbursed: number;
  repaid: number;
  available: number;
}

/** The pool's balance now. */
export async function poolBalance(pool: Pool, poolId: string): Promise<PoolBalance | undefined> {
  const { rows } = await pool.query<{ total: string; reserved: string; disbursed: string; repaid: string }>(
    `SELECT f.total,
            COALESCE((SELECT SUM(amount) FROM fund_reservations WHERE pool_id = f.pool_id AND state = 'reserved'), 0) AS reserved,
            COALESCE((SELECT SUM(amount) FROM fund_reservations WHERE pool_id = f.pool_id AND state = 'disbursed'), 0) AS disbursed,
            COALESCE((SELECT SUM(p.amount) FROM fund_repayments p JOIN fund_reservations r USING (case_id) WHERE r.pool_id = f.pool_id), 0) AS repaid
     FROM fund_pools f WHERE f.pool_id = $1`,
    [poolId],
  );
  const r = rows[0];
  if (!r) return undefined;
  const [total, reserved, disbursed, repaid] = [r.total, r.reserved, r.disbursed, r.repaid].map(Number) as [number, number, number, number];
  return { total, reserved, disbursed, repaid, available: total - reserved - disbursed + repaid };
}
