/**
 * The history archive: the raw Temporal history of a closed case, copied into PostgreSQL as a hash
 * chain of its events, so auditors can read it after Temporal's retention period and check that
 * nothing kept has been altered since it was written.
 */
import { createHash } from 'node:crypto';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/transaction.js';
import { canonicalJson } from '../common/canonical-json.js';

/** The chain starts from this value (a case's first event links to it). */
export const GENESIS = '0'.repeat(64);

export const linkHash = (prev: string, event: unknown): string => createHash('sha256').update(prev).update(canonicalJson(event)).digest('hex');

interface JsonEvent {
  eventId: string | number;
}

/** Archives `history` (proto JSON, as historyToJSON writes it) of a closed case; a second call changes nothing. */
export async function archiveHistory(pool: Pool, caseId: string, history: { events?: JsonEvent[] }): Promise<{ events: number; headHash: string }> {
  const events = history.events ?? [];
  return withTransaction(pool, async (client) => {
    const done = await client.query<{ events: number; head_hash: string }>('SELECT events, head_hash FROM archived_cases WHERE case_id = $1 FOR UPDATE', [caseId]);
    if (done.rows[0]) return { events: done.rows[0].events, headHash: done.rows[0].head_hash };
    let prev = GENESIS;
    for (const event of events) {
      const hash = linkHash(prev, event);
      await client.query('INSERT INTO history_archive (case_id, event_id, event, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)', [
        caseId,
        Number(event.eventId),
        JSON.stringify(event),
        prev,
        hash,
      ]);
      prev = hash;
    }
    await client.query('INSERT INTO archived_cases (case_id, events, head_hash) VALUES ($1, $2, $3)', [caseId, events.length, prev]);
    return { events: events.length, headHash: prev };
  });
}

/** The archived history in Temporal's JSON form, or undefined when the case is not archived. */
export async function archivedHistory(pool: Pool, caseId: string): Promise<{ events: unknown[] } | undefined> {
  const head = await pool.query('SELECT 1 FROM archived_cases WHERE case_id = $1', [caseId]);
  if (!head.rowCount) return undefined;
  const { rows } = await pool.query<{ event: unknown }>('SELECT event FROM history_archive WHERE case_id = $1 ORDER BY event_id', [caseId]);
  return { events: rows.map((r) => r.event) };
}

export interface Verification {
  archived: boolean;
  valid: boolean;
  entries: number;
  headHash: string | null;
  /** The first event whose link does not hold, when invalid. */
  brokenAt: number | null;
}

/**
 * Recomputes the chain from the kept events: every link must follow from the previous one, and the
 * last must equal the head recorded when the case was archived (so a truncated chain fails too).
 */
export async function verifyArchive(pool: Pool, caseId: string): Promise<Verification> {
  const head = await pool.query<{ events: number; head_hash: string }>('SELECT events, head_hash FROM archived_cases WHERE case_id = $1', [caseId]);
  const recorded = head.rows[0];
  if (!recorded) return { archived: false, valid: false, entries: 0, headHash: null, brokenAt: null };
  const { rows } = await pool.query<{ event_id: string; event: unknown; prev_hash: string; hash: string }>(
    'SELECT event_id, event, prev_hash, hash FROM history_archive WHERE case_id = $1 ORDER BY event_id',
    [caseId],
  );
  let prev = GENESIS;
  for (const r of rows) {
    if (r.prev_hash !== prev || linkHash(prev, r.event) !== r.hash) {
      return { archived: true, valid: false, entries: rows.length, headHash: recorded.head_hash, brokenAt: Number(r.event_id) };
    }
    prev = r.hash;
  }
  const valid = rows.length === recorded.events && prev === recorded.head_hash;
  return { archived: true, valid, entries: rows.length, headHash: recorded.head_hash, brokenAt: valid ? null : Number(rows[rows.length - 1]?.event_id ?? 0) };
}

/** Closed cases not archived yet (oldest first). */
export async function casesToArchive(pool: Pool, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ case_id: string }>(
    `SELECT c.case_id FROM cases c LEFT JOIN archived_cases a ON a.case_id = c.case_id
     WHERE c.closed_at IS NOT NULL AND a.case_id IS NULL ORDER BY c.closed_at LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.case_id);
}
