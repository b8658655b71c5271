/** The history archive's tables: one row per kept event with its chain link, and one head per case. */
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

/**
 * Keeps the links of a case and its head, all or nothing; a case already archived is left as it
 * was (its existing head is returned), so two archivers at once write it once.
 */
export async function writeArchive(pool: Pool, caseId: string, links: readonly ArchiveLink[], head: ArchiveHead): Promise<ArchiveHead> {
  return withTransaction(pool, async (client) => {
    const done = await client.query<{ events: number; head_hash: string }>('SELECT events, head_hash FROM archived_cases WHERE case_id = $1 FOR UPDATE', [
      caseId,
    ]);
    if (done.rows[0]) return { events: done.rows[0].events, headHash: done.rows[0].head_hash };
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
