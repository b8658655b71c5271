/**
 * Copies the recorded history of every closed case into the PostgreSQL archive (audit/archive.ts),
 * so it outlives Temporal's retention period. Runs in each worker process: each case is archived
 * under a claim (db/history-archive.ts, archiveUnlessTaken), so archivers side by side share the
 * closed cases and none fetches or writes a case another is archiving.
 */
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import type { Logger } from 'pino';
import { chainOf } from '../audit/archive.js';
import { archiveUnlessTaken, casesToArchive } from '../db/history-archive.js';
import type { Pool } from '../db/pool.js';
import { startPoller } from './poller.js';

const EventType = proto.temporal.api.enums.v1.EventType;
const CLOSING = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
]);

/** Closed cases archived per round. */
const ARCHIVE_BATCH = 20;

/** Archives up to `batch` closed cases; returns how many were archived. */
export async function archiveClosedCases(pool: Pool, client: Client, logger: Logger, batch = ARCHIVE_BATCH): Promise<number> {
  let archived = 0;
  for (const caseId of await casesToArchive(pool, batch)) {
    const kept = await archiveUnlessTaken(pool, caseId, async (keep) => {
      const history = await client.workflow.getHandle(caseId).fetchHistory();
      const last = history.events?.[history.events.length - 1];
      // The projection says closed a moment before the workflow's last event is written.
      if (!last || !CLOSING.has(last.eventType as number)) return undefined;
      const { links, head } = chainOf(JSON.parse(historyToJSON(history)));
      return keep(links, head);
    });
    if (!kept) continue; // another archiver has it, or its last event is not written yet
    logger.info({ caseId, events: kept.events, headHash: kept.headHash }, 'case history archived');
    archived += 1;
  }
  return archived;
}

/** Archives every `intervalMs` until stopped; returns the stop function. */
export function startArchiver(pool: Pool, client: Client, logger: Logger, intervalMs: number): () => Promise<void> {
  // A full batch means more may be waiting: the next round starts at once (the poller drains).
  return startPoller('archiving', intervalMs, async () => (await archiveClosedCases(pool, client, logger)) >= ARCHIVE_BATCH, logger);
}
