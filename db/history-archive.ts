/** The history archive's tables: one row per kept event with its chain link, and one head per case. */
import type pg from 'pg';
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';

export interface ArchiveLink {
  eventId: number;
  event: unknown;
  prevHash: string;
  hash: string;
}

export interface ArchiveHead {
  events: number;
  headHash: string;
}

/** The case's archive lock: a transaction-scoped advisory lock, keyed like the templates' and calendars'. */
const ARCHIVE_LOCK = "hashtext('archive:' || $1)";

/** Writes the links and the head of a case not archived yet, on the transaction's connection. */
async function insertArchive(client: pg.PoolClient, caseId: string, links: readonly ArchiveLink[], head: ArchiveHead): Promise<ArchiveHead> {
  for (const l of links) {
    await client.query('INSERT INTO history_archive (case_id, event_id, event, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)', [
      caseId,
      l.eventId,
      JSON.stringify(l.event),
      l.prevHash,
      l.hash,
    ]);
  }
  await client.query('INSERT INTO archived_cases (case_id, events, head_hash) VALUES ($1, $2, $3)', [caseId, head.events, head.headHash]);
  return head;
}

async function headOf(client: pg.PoolClient, caseId: string): Promise<ArchiveHead | undefined> {
  const { rows } = await client.query<{ events: number; head_hash: string }>('SELECT events, head_hash FROM archived_cases WHERE case_id = $1', [caseId]);
  return rows[0] && { events: rows[0].events, headHash: rows[0].head_hash };
}

/**
 * Keeps the links of a case and its head, all or nothing; a case already archived is left as it
 * was (its existing head is returned). A writer at the same case meanwhile is waited for, so two at
 * once write it once and neither fails.
 */
export async function writeArchive(pool: Pool, caseId: string, links: readonly ArchiveLink[], head: ArchiveHead): Promise<ArchiveHead> {
  return withTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(${ARCHIVE_LOCK})`, [caseId]);
    return (await headOf(client, caseId)) ?? insertArchive(client, caseId, links, head);
  });
}

/** What an archiver keeps of a case: its links and head, written in the claim's transaction. */
export type KeepArchive = (links: readonly ArchiveLink[], head: ArchiveHead) => Promise<ArchiveHead>;

/**
 * Runs `work` as the only archiver of `caseId`: in a transaction holding the case's archive lock,
 * taken without waiting, once the case is found not archived. Undefined, without running `work`,
 * when another archiver holds the lock or the case is archived already: archivers side by side (one
 * per worker) take different cases, instead of each fetching and hashing every history and all but
 * one failing on the primary key. What `work` keeps is committed with the claim. (Two case ids
 * whose hashes collide only wait for the next round.)
 */
export async function archiveUnlessTaken<T>(pool: Pool, caseId: string, work: (keep: KeepArchive) => Promise<T>): Promise<T | undefined> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ claimed: boolean }>(`SELECT pg_try_advisory_xact_lock(${ARCHIVE_LOCK}) AS claimed`, [caseId]);
    if (!rows[0]?.claimed || (await headOf(client, caseId))) return undefined;
    return work((links, head) => insertArchive(client, caseId, links, head));
  });
}

/** The head recorded when the case was archived, and its kept links in event order; undefined if not archived. */
export async function readArchive(pool: Pool, caseId: string): Promise<{ head: ArchiveHead; links: ArchiveLink[] } | undefined> {
  const heads = await pool.query<{ events: number; head_hash: string }>('SELECT events, head_hash FROM archived_cases WHERE case_id = $1', [caseId]);
  const head = heads.rows[0];
  if (!head) return undefined;
  const { rows } = await pool.query<{ event_id: string; event: unknown; prev_hash: string; hash: string }>(
    'SELECT event_id, event, prev_hash, hash FROM history_archive WHERE case_id = $1 ORDER BY event_id',
    [caseId],
  );
  return {
    head: { events: head.events, headHash: head.head_hash },
    links: rows.map((r) => ({ eventId: Number(r.event_id), event: r.event, prevHash: r.prev_hash, hash: r.hash })),
  };
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
