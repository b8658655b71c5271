/**
 * Idempotency keys: the first request with a key claims it for its caller and route; a repeat finds
 * what the first one recorded (the case it opened, or the case it changed). Keys expire after a TTL,
 * after which the same key is a new request.
 */
import type pg from 'pg';
import type { Pool } from './pool.js';

export interface KeyClaim {
  /** Whose key it is (the caller's `sub`): two callers never share a key. */
  scope: string;
  /** Which route it was sent to (`POST /v1/cases`): the same key on two routes is two keys. */
  route: string;
  key: string;
  /** A hash of what was asked, to tell a retry from a reuse of the key for something else. */
  requestHash: string;
  /** The case the request opens or acts on (a calendar deploy: the version it made, `calendar:<id>@<version>`). */
  caseId: string;
  /** How long a key is remembered (IDEMPOTENCY_KEY_TTL). */
  ttlMs: number;
}

export type Claim = {
  kind: 'new' | 'repeat' | 'mismatch';
  caseId: string;
  /** When the live claim of this key was made: tells one generation of an expired-and-reused key from the next. */
  claimedAt: Date;
};

/** How many expired keys one claim deletes at most, so a backlog never makes a request slow. */
const PURGE_BATCH = 500;

/**
 * Claims `key`. A key already claimed (and not expired) with the same request returns its case;
 * with a different request it is a mismatch (the client reused a key for something else). An
 * expired claim is taken over as new. Each claim also purges a batch of expired keys. On a
 * transaction's client, the claim commits (or rolls back) with what the request did.
 */
export async function claimIdempotencyKey(pool: Pool | pg.PoolClient, c: KeyClaim): Promise<Claim> {
  await pool.query(
    `DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM idempotency_keys WHERE created_at <= now() - $1 * interval '1 millisecond' LIMIT ${PURGE_BATCH}))`,
    [c.ttlMs],
  );
  // The purge may have skipped this key (batch full); the WHERE below still takes an expired claim over.
  for (let attempt = 0; attempt < 3; attempt++) {
    const claimed = await pool.query<{ case_id: string; created_at: Date }>(
      `INSERT INTO idempotency_keys (scope, route, key, request_hash, case_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (scope, route, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, case_id = EXCLUDED.case_id, created_at = now()
         WHERE idempotency_keys.created_at <= now() - $6 * interval '1 millisecond'
       RETURNING case_id, created_at`,
      [c.scope, c.route, c.key, c.requestHash, c.caseId, c.ttlMs],
    );
    const row = claimed.rows[0];
    if (row) return { kind: 'new', caseId: row.case_id, claimedAt: row.created_at };
    const { rows } = await pool.query<{ request_hash: string; case_id: string; created_at: Date }>(
      'SELECT request_hash, case_id, created_at FROM idempotency_keys WHERE scope = $1 AND route = $2 AND key = $3',
      [c.scope, c.route, c.key],
    );
    const existing = rows[0];
    // Gone between the two statements (another request's purge): claim again.
    if (!existing) continue;
    return { kind: existing.request_hash === c.requestHash ? 'repeat' : 'mismatch', caseId: existing.case_id, claimedAt: existing.created_at };
  }
  throw new Error(`idempotency key ${c.key} could not be claimed`);
}
