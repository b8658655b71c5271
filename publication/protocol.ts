/**
 * The publication protocol: how a case's state travels from its workflow to the `cases` projection
 * that lists, inboxes and the API's answers read, and what each side may rely on. The decision records
 * are docs/adr/0002-publication-protocol.md and docs/adr/0008-publication-module-and-record.md; in short:
 *
 * 1. A case's publications are numbered. Publication 0 is the API's: the first view, laid out from
 *    the case's input (first-view.ts) and written in the transaction that starts the workflow
 *    (case-start.ts). The workflow's own publications count from 1 (publisher.ts), each written by a
 *    local activity, only by the workflow's main loop, one at a time.
 * 2. A row is replaced only by a higher number (db/cases.ts), so a retried or late write never
 *    undoes a newer one.
 * 3. Every update answers with a receipt naming the publication that shows its change
 *    (`seqShowing`); the API answers with the row once its number has reached the receipt's, waiting
 *    at most AFTER_UPDATE_WAIT_MS before it reads the live case instead (after-update.ts).
 * 4. A publication that carries notifications takes them to the outbox in the same transaction, and
 *    returns a PublicationRecord: the history then holds, in OneStop's own shape, every notification
 *    the case sent, which is what the audit timeline reads (audit/timeline.ts).
 *
 * This file is pure (no I/O, no SDK), imported by the workflow bundle and by the API alike.
 */
import type { NotificationInput } from '../common/notifications.js';
import type { AnyCaseView } from '../common/types.js';

/** The API's publication: the first view, written with the workflow's start. */
export const OPENING_SEQ = 0;

/** How long the API waits for the publication an update's receipt names before it reads the live case. */
export const AFTER_UPDATE_WAIT_MS = 2_000;

/** The tag of a PublicationRecord: what the audit timeline looks for in a case's history. */
export const PUBLICATION_RECORD = 'onestop.publication';

/**
 * What a publication that carried notifications left in the case's history: the result of its
 * local activity, recorded by Temporal. Its shape is OneStop's (tagged, versioned), so reading it
 * depends on no SDK detail beyond the public fact that an activity's result is in its history.
 */
export interface PublicationRecord {
  record: typeof PUBLICATION_RECORD;
  version: 1;
  caseId: string;
  seq: number;
  notifications: NotificationInput[];
}

export function publicationRecord(caseId: string, seq: number, notifications: NotificationInput[]): PublicationRecord {
  return { record: PUBLICATION_RECORD, version: 1, caseId, seq, notifications };
}

export function isPublicationRecord(value: unknown): value is PublicationRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<PublicationRecord>;
  return r.record === PUBLICATION_RECORD && r.version === 1 && typeof r.seq === 'number' && Array.isArray(r.notifications);
}

/** The latest publication the workflow has begun: its number and the view it wrote, as JSON. */
export interface LatestPublication {
  seq: number;
  json: string;
}

/**
 * The publication that shows `view`: the latest one begun if it shows it already (a handler that
 * awaited may resume after the main loop began publishing its change), else the next (the main loop
 * publishes once the update's handler has finished; a change since then only adds to it).
 */
export function seqShowing(latest: LatestPublication, view: AnyCaseView): number {
  return JSON.stringify(view) === latest.json ? latest.seq : latest.seq + 1;
}
