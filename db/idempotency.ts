/** Idempotency keys for opening cases: the first request with a key claims it; repeats find its case. */
import type { Pool } from './pool.js';

export type Claim = { kind: 'new'; caseId: string } | { kind: 'repeat'; caseId: string } | { kind: 'mismatch'; caseId: string };

/**
 * Claims `key` for `caseId`. A key already claimed with the same request returns its case; with a
 * different request it is a mismatch (the client reused a key for another case).
 */
export async function claimIdempotencyKey(pool: Pool, scope: string, key: string, requestHash: string, caseId: string): Promise<Claim> {
  const inserted = await pool.query(
    `INSERT INTO idempotency_keys (scope, key, request_hash, case_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (scope, key) DO NOTHING RETURNING case_id`,
    [scope, key, requestHash, caseId],
  );
  if (inserted.rowCount) return { kind: 'new', caseId };
  const { rows } = await pool.query<{ request_hash: string; case_id: string }>(
    'SELECT request_hash, case_id FROM idempotency_keys WHERE scope = $1 AND key = $2',
    [scope, key],
  );
  const row = rows[0];
  if (!row) throw new Error('idempotency key vanished'); // keys are never deleted
  return row.request_hash === requestHash ? { kind: 'repeat', caseId: row.case_id } : { kind: 'mismatch', caseId: row.case_id };
}
