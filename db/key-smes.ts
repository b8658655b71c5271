/**
 * The key-SME list: listed applicants' cases are flagged priority when they open. Every change
 * (one entry added, updated or removed, or a whole import) is logged in key_sme_changes with who
 * made it and when, in the same statement or transaction as the change itself.
 */
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';

export interface KeySmeInput {
  creditCode: string;
  name: string;
  reason: string;
}

export interface KeySme extends KeySmeInput {
  addedBy: string;
  addedAt: string;
  updatedBy: string | null;
  updatedAt: string | null;
}

export type KeySmeAction = 'added' | 'updated' | 'removed' | 'imported';

export interface KeySmeChange {
  id: number;
  creditCode: string;
  action: KeySmeAction;
  name: string;
  reason: string;
  changedBy: string;
  changedAt: string;
}

interface Row {
  credit_code: string;
  name: string;
  reason: string;
  added_by: string;
  added_at: Date;
  updated_by: string | null;
  updated_at: Date | null;
}

interface ChangeRow {
  id: string;
  credit_code: string;
  action: KeySmeAction;
  name: string;
  reason: string;
  changed_by: string;
  changed_at: Date;
}

const toKeySme = (r: Row): KeySme => ({
  creditCode: r.credit_code,
  name: r.name,
  reason: r.reason,
  addedBy: r.added_by,
  addedAt: r.added_at.toISOString(),
  updatedBy: r.updated_by,
  updatedAt: r.updated_at ? r.updated_at.toISOString() : null,
});

const toChange = (r: ChangeRow): KeySmeChange => ({
  id: Number(r.id),
  creditCode: r.credit_code,
  action: r.action,
  name: r.name,
  reason: r.reason,
  changedBy: r.changed_by,
  changedAt: r.changed_at.toISOString(),
});

export async function isKeySme(pool: Pool, creditCode: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM key_smes WHERE credit_code = $1', [creditCode]);
  return (rowCount ?? 0) > 0;
}

/** The whole list, ordered by credit code. */
export async function listKeySmes(pool: Pool): Promise<KeySme[]> {
  const { rows } = await pool.query<Row>('SELECT * FROM key_smes ORDER BY credit_code');
  return rows.map(toKeySme);
}

export async function getKeySme(pool: Pool, creditCode: string): Promise<KeySme | undefined> {
  const { rows } = await pool.query<Row>('SELECT * FROM key_smes WHERE credit_code = $1', [creditCode]);
  return rows[0] && toKeySme(rows[0]);
}

/**
 * Lists one enterprise, or updates its name and reason if it is listed already; one statement, so
 * the entry and its change-log row are written together. `xmax = 0` tells an insert from an update.
 */
export async function upsertKeySme(pool: Pool, entry: KeySmeInput, by: string): Promise<{ entry: KeySme; created: boolean }> {
  const { rows } = await pool.query<Row & { created: boolean }>(
    `WITH up AS (
       INSERT INTO key_smes (credit_code, name, reason, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name, reason = EXCLUDED.reason, updated_by = $4, updated_at = now()
       RETURNING *, (xmax = 0) AS created
     ), logged AS (
       INSERT INTO key_sme_changes (credit_code, action, name, reason, changed_by)
       SELECT credit_code, CASE WHEN created THEN 'added' ELSE 'updated' END, name, reason, $4 FROM up
     )
     SELECT * FROM up`,
    [entry.creditCode, entry.name, entry.reason, by],
  );
  const row = rows[0] as Row & { created: boolean };
  return { entry: toKeySme(row), created: row.created };
}

/** Takes one enterprise off the list; false if it was not listed (and nothing is logged). */
export async function removeKeySme(pool: Pool, creditCode: string, by: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `WITH gone AS (DELETE FROM key_smes WHERE credit_code = $1 RETURNING credit_code, name, reason)
     INSERT INTO key_sme_changes (credit_code, action, name, reason, changed_by)
     SELECT credit_code, 'removed', name, reason, $2 FROM gone`,
    [creditCode, by],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Lists or updates every row in one transaction: all of them or none. Entries not in `rows` are
 * left alone. Credit codes must be distinct (the caller validates the file; this refuses too).
 * Returns how many were added and updated, and the size of the list afterwards.
 */
export async function importKeySmes(pool: Pool, rows: readonly KeySmeInput[], by: string): Promise<{ added: number; updated: number; total: number }> {
  if (new Set(rows.map((r) => r.creditCode)).size !== rows.length) throw new Error('importKeySmes: credit codes must be distinct');
  return withTransaction(pool, async (client) => {
    const { rows: counts } = await client.query<{ added: number; updated: number }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(credit_code, name, reason)
       ), up AS (
         INSERT INTO key_smes (credit_code, name, reason, added_by) SELECT credit_code, name, reason, $4 FROM input
         ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name, reason = EXCLUDED.reason, updated_by = $4, updated_at = now()
         RETURNING credit_code, name, reason, (xmax = 0) AS created
       ), logged AS (
         INSERT INTO key_sme_changes (credit_code, action, name, reason, changed_by)
         SELECT credit_code, 'imported', name, reason, $4 FROM up
       )
       SELECT (count(*) FILTER (WHERE created))::int AS added, (count(*) FILTER (WHERE NOT created))::int AS updated FROM up`,
      [rows.map((r) => r.creditCode), rows.map((r) => r.name), rows.map((r) => r.reason), by],
    );
    const { rows: total } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM key_smes');
    const c = counts[0] as { added: number; updated: number };
    return { added: c.added, updated: c.updated, total: (total[0] as { n: number }).n };
  });
}

/** Every change to one credit code's entry, oldest first (kept after the entry is removed). */
export async function keySmeHistory(pool: Pool, creditCode: string): Promise<KeySmeChange[]> {
  const { rows } = await pool.query<ChangeRow>('SELECT * FROM key_sme_changes WHERE credit_code = $1 ORDER BY id', [creditCode]);
  return rows.map(toChange);
}
