/**
 * A case's recorded history as auditors read it: from the PostgreSQL archive once the case is
 * archived (Temporal may have dropped it after retention), else from Temporal; payloads decoded with
 * the API client's own codecs (what the API decodes with is what its client encodes with).
 */
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { archivedHistory } from '../audit/archive.js';
import { decodeHistoryJson } from '../audit/decoded-history.js';
import type { Pool } from '../db/pool.js';

type IHistory = temporal.api.history.v1.IHistory;

/** Waits for `p` at most `ms` (its outcome, success or failure, is not needed). */
async function within(ms: number, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export class HistoryService {
  constructor(private readonly d: { client: Client; pool: Pool }) {}

  /** The case's history in proto JSON, payloads decoded, and where it came from. */
  async readable(caseId: string, closed: boolean): Promise<{ json: { events: unknown[] }; source: 'archive' | 'temporal' }> {
    const kept = await archivedHistory(this.d.pool, caseId);
    const json = kept ?? (JSON.parse(historyToJSON(await this.fromTemporal(caseId, closed))) as { events: unknown[] });
    return { json: await decodeHistoryJson(json, this.d.client.options.loadedDataConverter.payloadCodecs), source: kept ? 'archive' : 'temporal' };
  }

  /** The history Temporal holds; a case that has just closed is given a moment to finish first. */
  private async fromTemporal(caseId: string, closed: boolean): Promise<IHistory> {
    const handle = this.d.client.workflow.getHandle(caseId);
    // A case that has just closed finishes its workflow a moment after the closing decision
    // answered; wait for that (briefly) so the history a reader gets ends with the outcome.
    if (closed) await within(5000, handle.result());
    return handle.fetchHistory();
  }
}
