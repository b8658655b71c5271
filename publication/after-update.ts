/**
 * The case as an update left it, for the update's HTTP answer. Updates answer with a receipt
 * (workflows/definitions.ts `CaseReceipt`): the projection row shows the change once its `seq` has
 * reached the receipt's. The workflow task that answered wrote that row before its answer left, unless
 * the write outlasted the task (a slow or unreachable database): then this polls for it a little, and
 * past `waitMs` reads the live case.
 */
import { performance } from 'node:perf_hooks';
import type { CaseView } from '../common/types.js';
import type { CaseReceipt } from '../workflows/definitions.js';
import { AFTER_UPDATE_WAIT_MS } from './protocol.js';

export interface CaseSources {
  /** The projection row and the seq of the publication that wrote it. */
  published(caseId: string): Promise<{ view: CaseView; seq: number } | undefined>;
  /** The case from its workflow (or wherever the service reads a case it cannot find projected). */
  live(caseId: string): Promise<CaseView>;
}

export async function caseAfterUpdate(sources: CaseSources, caseId: string, answer: CaseReceipt, waitMs = AFTER_UPDATE_WAIT_MS): Promise<CaseView> {
  const giveUpAt = performance.now() + waitMs;
  for (let pause = 5; ; pause = Math.min(2 * pause, 100)) {
    const published = await sources.published(caseId);
    if (published && published.seq >= answer.seq) return published.view;
    if (performance.now() > giveUpAt) return sources.live(caseId);
    await new Promise((r) => setTimeout(r, pause));
  }
}
