/**
 * Activities: the I/O of case workflows. Built by a factory that takes its dependencies, so the
 * worker passes the real pool and a test may pass another. Every activity is idempotent by a key in
 * its input: Temporal may run it more than once (retry after a crash or timeout).
 */
import type { Pool } from '../db/pool.js';
import { ApplicationFailure } from '@temporalio/activity';
import type { AnyCaseView, Money, PaymentRecord, RecoveryRecord } from '../common/types.js';
import { PaymentConflictError, recordRecoveryOnce, type PaymentRequest } from '../db/payments.js';
import { ledgerPayments, type PaymentsAdapter } from './payments.js';
import type { NotificationInput } from '../common/notifications.js';
import { publishCase, upsertCaseProjection } from '../db/cases.js';
import { publicationRecord, type PublicationRecord } from '../publication/protocol.js';
import { issueNumber } from '../db/numbers.js';
import { raiseIncident, resolveIncident, type IncidentReport } from '../db/incidents.js';
import { withDatabaseFailures } from './database-failures.js';

export interface ActivityDeps {
  pool: Pool;
  /** Where payments go; the local PostgreSQL ledger by default. */
  payments?: PaymentsAdapter;
}

export function createActivities({ pool, payments = ledgerPayments(pool) }: ActivityDeps) {
  return withDatabaseFailures({
    /** Pays once per case and purpose through the payments adapter (safe to retry at any point). */
    async pay(req: PaymentRequest): Promise<PaymentRecord> {
      try {
        return await payments.pay(req);
      } catch (err) {
        if (err instanceof PaymentConflictError) throw ApplicationFailure.nonRetryable(err.message, err.name);
        throw err;
      }
    },

    /** Records the overpaid advance to recover (once per case). */
    async recordRecovery({ caseId, amount, reason }: { caseId: string; amount: Money; reason: string }): Promise<RecoveryRecord> {
      return recordRecoveryOnce(pool, caseId, amount, reason);
    },

    /** Publishes the case to the list projection (run as a local activity); stale (lower seq) writes are ignored. */
    async projectCase({ view, seq }: { view: AnyCaseView; seq: number }): Promise<void> {
      await upsertCaseProjection(pool, view, seq);
    },

    /**
     * Publishes the case and the notifications asked for since the last publication, in one
     * transaction (run as a local activity). It answers with the notifications, so that the history's
     * marker records what the outbox was given (the auditor's timeline reads them there).
     */
    /** Returns the record the case's history keeps of what it published (publication/protocol.ts), read by the audit timeline. */
    async publishCase({ view, seq, notifications }: { view: AnyCaseView; seq: number; notifications: NotificationInput[] }): Promise<PublicationRecord> {
      await publishCase(pool, view, seq, notifications);
      return publicationRecord(view.caseId, seq, notifications);
    },

    /** Opens the case's incident, or counts a retry that failed again (workflows/lib/incidents.ts). */
    async raiseIncident(r: IncidentReport): Promise<void> {
      await raiseIncident(pool, r);
    },

    /** The case's incident is over: its activity succeeded on a retry. */
    async resolveIncident({ caseId }: { caseId: string }): Promise<void> {
      await resolveIncident(pool, caseId);
    },

    /** Issues the case's formal number for `purpose` (the same number on every retry). */
    async issueNumber({ caseId, purpose, prefix }: { caseId: string; purpose: string; prefix: string }): Promise<string> {
      return issueNumber(pool, caseId, purpose, prefix);
    },
  });
}

export type CaseActivities = ReturnType<typeof createActivities>;

/**
 * Activity type names, as the workflows schedule them and the recorded history names them (the
 * auditor's timeline reads them), each checked against the factory's keys.
 */
export const ACTIVITY = {
  pay: 'pay',
  recordRecovery: 'recordRecovery',
  projectCase: 'projectCase',
  publishCase: 'publishCase',
  issueNumber: 'issueNumber',
  raiseIncident: 'raiseIncident',
  resolveIncident: 'resolveIncident',
} as const satisfies { [K in keyof CaseActivities]: K };
