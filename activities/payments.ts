/**
 * Payments go through an adapter, so that a real disbursement system (a bank, the insurer's payment
 * platform) can replace the local ledger without touching workflows. An adapter must be idempotent
 * by (caseId, purpose): the activity calling it may run more than once.
 */
import type { PaymentRecord } from '../common/types.js';
import { payOnce, type PaymentRequest } from '../db/payments.js';
import type { Pool } from '../db/pool.js';

export interface PaymentsAdapter {
  /** Pays `req` unless (caseId, purpose) was paid already, and returns the one payment. */
  pay(req: PaymentRequest): Promise<PaymentRecord>;
}

/** The local implementation: the PostgreSQL ledger is the payment. */
export const ledgerPayments = (pool: Pool): PaymentsAdapter => ({
  pay: (req) => payOnce(pool, req),
});
