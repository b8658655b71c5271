/**
 * Archivers side by side (one per worker process), against the real PostgreSQL: a case is fetched
 * and written by one of them only, and two writers of the same case at once write it once without
 * either failing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { chainOf, verifyArchive } from '../../audit/archive.js';
import { archiveUnlessTaken, writeArchive } from '../../db/history-archive.js';
import { createPool, type Pool } from '../../db/pool.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
const pools: Pool[] = [];

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

/** Each archiver has its own pool, as each worker process does. */
function archiverPool(): Pool {
  const pool = createPool(db.url, 2);
  pools.push(pool);
  return pool;
}

const history = { events: [1, 2, 3].map((eventId) => ({ eventId: String(eventId), eventType: 'EVENT_TYPE_X' })) };

const rowsOf = async (caseId: string) =>
  (
    await db.pool.query(
      'SELECT (SELECT count(*)::int FROM history_archive WHERE case_id = $1) AS links, (SELECT count(*)::int FROM archived_cases WHERE case_id = $1) AS heads',
      [caseId],
    )
  ).rows[0];

test('two archivers at one case at once: one fetches and writes it, the other passes it by; later ones find it archived', async () => {
  const caseId = `case-${randomUUID()}`;
  let fetched = 0;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { links, head } = chainOf(history);
  // The first archiver holds its claim while it "fetches" the history; the second comes meanwhile.
  const first = archiveUnlessTaken(archiverPool(), caseId, async (keep) => {
    fetched += 1;
    await held;
    return keep(links, head);
  });
  await new Promise((r) => setTimeout(r, 100));
  const second = await archiveUnlessTaken(archiverPool(), caseId, async (keep) => {
    fetched += 1;
    return keep(links, head);
  });
  expect(second).toBeUndefined();
  release();
  expect(await first).toEqual(head);
  expect(fetched).toBe(1);
  expect(await archiveUnlessTaken(archiverPool(), caseId, async () => (fetched += 1))).toBeUndefined();
  expect(fetched).toBe(1);
  expect(await rowsOf(caseId)).toEqual({ links: 3, heads: 1 });
  expect(await verifyArchive(db.pool, caseId)).toMatchObject({ archived: true, valid: true, entries: 3 });
});

test('two writers of one case at once: both answer its head, and it is written once', async () => {
  const caseId = `case-${randomUUID()}`;
  const { links, head } = chainOf(history);
  const heads = await Promise.all([writeArchive(archiverPool(), caseId, links, head), writeArchive(archiverPool(), caseId, links, head)]);
  expect(heads).toEqual([head, head]);
  expect(await rowsOf(caseId)).toEqual({ links: 3, heads: 1 });
});
