/**
 * Calendar versions in PostgreSQL: deploy (next version, immutable; honours an Idempotency-Key),
 * read the latest or a given version, list, and seed the built-in ones.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';
import { claimIdempotencyKey } from './idempotency.js';
import { canonicalJson } from '../common/canonical-json.js';
import type { Calendar } from '../templates/calendar.js';

export interface StoredCalendar {
  id: string;
  version: number;
  title: string;
  body: Calendar;
  deployedBy: string;
  deployedAt: string;
}

export interface CalendarSummary {
  id: string;
  version: number;
  title: string;
  covers: Calendar['covers'];
}

/** An Idempotency-Key on a deploy: whose, on which route, and how long it is remembered. */
export interface DeployKey {
  scope: string;
  route: string;
  key: string;
  ttlMs: number;
}

interface Row {
  id: string;
  version: number;
  title: string;
  body: Calendar;
  deployed_by: string;
  deployed_at: Date;
}

const toStored = (r: Row): StoredCalendar => ({
  id: r.id,
  version: r.version,
  title: r.title,
  body: r.body,
  deployedBy: r.deployed_by,
  deployedAt: r.deployed_at.toISOString(),
});

/** What the idempotency table records as the thing a deploy acted on: the version it made. */
const deployedRef = (id: string, version: number) => `calendar:${id}@${version}`;
const REF = /^calendar:([a-z0-9-]+)@(\d+)$/;

async function readVersion(db: Pool | pg.PoolClient, id: string, version: number): Promise<StoredCalendar | undefined> {
  const { rows } = await db.query<Row>('SELECT * FROM calendars WHERE id = $1 AND version = $2', [id, version]);
  return rows[0] && toStored(rows[0]);
}

/**
 * Deploys `c` as the next version of its id. Concurrent deploys of one id are serialised by a
 * transaction-scoped advisory lock, so versions never collide or skip. With a key, the key's claim
 * and the new version commit together: a retry finds the version its first attempt made
 * (`replayed`), and the same key with another calendar is a `mismatch` (nothing deployed).
 */
export async function deployCalendar(
  pool: Pool,
  c: Calendar,
  deployedBy: string,
  key?: DeployKey,
): Promise<{ stored: StoredCalendar; replayed: boolean } | { mismatch: true }> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('calendar:' || $1))", [c.id]);
    const { rows: next } = await client.query<{ version: number }>('SELECT COALESCE(MAX(version), 0) + 1 AS version FROM calendars WHERE id = $1', [c.id]);
    const version = next[0]!.version;
    if (key) {
      const claim = await claimIdempotencyKey(client, {
        ...key,
        requestHash: createHash('sha256').update(canonicalJson(c)).digest('hex'),
        caseId: deployedRef(c.id, version),
      });
      if (claim.kind === 'mismatch') return { mismatch: true as const };
      if (claim.kind === 'repeat') {
        const [, id, v] = REF.exec(claim.caseId) ?? [];
        const earlier = id && v ? await readVersion(client, id, Number(v)) : undefined;
        if (!earlier) throw new Error(`the Idempotency-Key ${key.key} names a calendar version that does not exist: ${claim.caseId}`);
        return { stored: earlier, replayed: true };
      }
    }
    const { rows } = await client.query<Row>(`INSERT INTO calendars (id, version, title, body, deployed_by) VALUES ($1, $2, $3, $4, $5) RETURNING *`, [
      c.id,
      version,
      c.title,
      JSON.stringify(c),
      deployedBy,
    ]);
    return { stored: toStored(rows[0] as Row), replayed: false };
  });
}

/** A version of a calendar: the latest, or `version`. */
export async function getCalendar(pool: Pool, id: string, version?: number): Promise<StoredCalendar | undefined> {
  if (version) return readVersion(pool, id, version);
  const { rows } = await pool.query<Row>('SELECT * FROM calendars WHERE id = $1 ORDER BY version DESC LIMIT 1', [id]);
  return rows[0] && toStored(rows[0]);
}

/** The latest version of a calendar, to pin when a case opens (templates/calendar-pin.ts). */
export const latestCalendar = (pool: Pool, id: string): Promise<StoredCalendar | undefined> => getCalendar(pool, id);

/** The latest version of every calendar. */
export async function listCalendars(pool: Pool): Promise<CalendarSummary[]> {
  const { rows } = await pool.query<CalendarSummary>(
    `SELECT DISTINCT ON (id) id, version, title, body->'covers' AS covers FROM calendars ORDER BY id, version DESC`,
  );
  return rows;
}

/**
 * Seeds a built-in calendar: deployed as a new version when the shipped one differs from the version
 * last seeded (so a new year's holidays in the file roll it forward; running cases keep theirs).
 */
export async function seedCalendar(pool: Pool, c: Calendar): Promise<{ version: number; deployed: boolean }> {
  const latest = await getCalendar(pool, c.id);
  // As for templates (db/templates.ts seedTemplate): compared with the version last seeded, so a
  // version an admin deployed since (a year's holidays added) survives a restart.
  const { rows } = await pool.query<{ body: Calendar }>(
    "SELECT body FROM calendars WHERE id = $1 AND deployed_by = 'system:seed' ORDER BY version DESC LIMIT 1",
    [c.id],
  );
  const seeded = rows[0]?.body ?? latest?.body;
  if (latest && seeded && canonicalJson(seeded) === canonicalJson(c)) return { version: latest.version, deployed: false };
  const r = await deployCalendar(pool, c, 'system:seed');
  if ('mismatch' in r) throw new Error('unreachable: a seed has no Idempotency-Key');
  return { version: r.stored.version, deployed: true };
}
