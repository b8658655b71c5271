/**
 * The history archive: the raw Temporal history of a closed case, copied into PostgreSQL as a hash
 * chain of its events, so auditors can read it after Temporal's retention period and check that
 * nothing kept has been altered since it was written.
 */
import { createHash } from 'node:crypto';
import type { Pool } from '../db/pool.js';
import { readArchive, type ArchiveHead, type ArchiveLink } from '../db/history-archive.js';
import { canonicalJson } from '../common/canonical-json.js';

/** The chain starts from this value (a case's first event links to it). */
export const GENESIS = '0'.repeat(64);

export const linkHash = (prev: string, event: unknown): string => createHash('sha256').update(prev).update(canonicalJson(event)).digest('hex');

interface JsonEvent {
  eventId: string | number;
}

/** The hash chain of `history` (proto JSON, as historyToJSON writes it): its links and its head. */
export function chainOf(history: { events?: JsonEvent[] }): { links: ArchiveLink[]; head: ArchiveHead } {
  const events = history.events ?? [];
  const links: ArchiveLink[] = [];
  let prev = GENESIS;
  for (const event of events) {
    const hash = linkHash(prev, event);
    links.push({ eventId: Number(event.eventId), event, prevHash: prev, hash });
    prev = hash;
  }
  return { links, head: { events: events.length, headHash: prev } };
}

/** The archived history in Temporal's JSON form, or undefined when the case is not archived. */
export async function archivedHistory(pool: Pool, caseId: string): Promise<{ events: unknown[] } | undefined> {
  const kept = await readArchive(pool, caseId);
  return kept && { events: kept.links.map((l) => l.event) };
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
  const kept = await readArchive(pool, caseId);
  if (!kept) return { archived: false, valid: false, entries: 0, headHash: null, brokenAt: null };
  const { head, links } = kept;
  let prev = GENESIS;
  for (const l of links) {
    if (l.prevHash !== prev || linkHash(prev, l.event) !== l.hash) {
      return { archived: true, valid: false, entries: links.length, headHash: head.headHash, brokenAt: l.eventId };
    }
    prev = l.hash;
  }
  const valid = links.length === head.events && prev === head.headHash;
  return { archived: true, valid, entries: links.length, headHash: head.headHash, brokenAt: valid ? null : (links[links.length - 1]?.eventId ?? 0) };
}
