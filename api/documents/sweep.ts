/**
 * Uploads that no case came to refer to are removed DOCUMENT_UNATTACHED_TTL after their last
 * upload: an applicant who gave up half-way leaves nothing behind for long. Runs in the API process
 * on the same poller as the worker's periodic jobs (workers/poller.ts).
 */
import type { Logger } from 'pino';
import type { Pool } from '../../db/pool.js';
import { unattachedBefore } from '../../db/documents.js';
import { startPoller } from '../../workers/poller.js';
import type { DocumentStore } from './store.js';

const SWEEP_BATCH = 100;

/** One round: how many were removed, and whether a full batch suggests more are waiting. */
export async function sweepUnattached(pool: Pool, store: DocumentStore, ttlMs: number, now = new Date()): Promise<{ removed: number; more: boolean }> {
  const cutoff = new Date(now.getTime() - ttlMs);
  const stale = await unattachedBefore(pool, cutoff, SWEEP_BATCH);
  let removed = 0;
  // remove() checks again: a document attached or uploaded again since the list was taken stays.
  for (const digest of stale) if (await store.remove(digest, cutoff)) removed++;
  return { removed, more: stale.length === SWEEP_BATCH };
}

export function startDocumentSweep(pool: Pool, store: DocumentStore, ttlMs: number, intervalMs: number, logger: Logger): () => Promise<void> {
  return startPoller(
    'document sweep',
    intervalMs,
    async () => {
      const { removed, more } = await sweepUnattached(pool, store, ttlMs);
      if (removed) logger.info({ removed }, 'unattached documents removed');
      return more;
    },
    logger,
  );
}
