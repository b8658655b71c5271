/**
 * The payments ledger. `pay` is idempotent by (case, purpose): the first call writes the row, any
 * later call (a retry after a crash between the write and Temporal hearing of it) returns that row
 * and pays nothing more. A repeat with a different amount is refused: it would be a second payment.
 */
import type { Money, PaymentRecord, RecoveryRecord } from '../common/types.js';
import type { Pool } from './pool.js';

export interface PaymentRequest {
  caseId: string;
  purpose: PaymentRecord['purpose'];
  amount: Money;
  payee: { creditCode: string; name: string };
}

/** Thrown when a (case, purpose) was already paid with another amount; never retried. */
export class PaymentConflictError extends Error {
  override readonly name = 'PaymentConflictError';
}

interface PaymentRow {
  payment_id: string;
  case_id: string;
  purpose: PaymentRecord['purpose'];
  amount: string;
  currency: string;
  payee_code: string;
  payee_name: string;
  reference: string;
  paid_at: Date;
}

const toRecord = (r: PaymentRow): PaymentRecord => ({
  paymentId: r.payment_id,
  caseId: r.case_id,
  purpose: r.purpose,
  amount: { amount: Number(r.amount), currency: r.currency },
  payee: { creditCode: r.payee_code, name: r.payee_name },
  paidAt: r.paid_at.toISOString(),
  reference: r.reference,
});

export async function payOnce(pool: Pool, req: PaymentRequest): Promise<PaymentRecord> {
  const id = `pay-${req.caseId}-${req.purpose}`;
  const inserted = await pool.query<PaymentRow>(
    `INSERT INTO payments (payment_id, case_id, purpose, amount, currency, payee_code, payee_name, reference)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $1)
     ON CONFLICT (case_id, purpose) DO NOTHING RETURNING *`,
    [id, req.caseId, req.purpose, req.amount.amount, req.amount.currency, req.payee.creditCode, req.payee.name],
  );
  const row = inserted.rows[0] ?? (await paymentOf(pool, req.caseId, req.purpose));
  if (!row) throw new Error(`payment ${id} neither written nor found`);
  if (Number(row.amount) !== req.amount.amount || row.currency !== req.amount.currency) {
    throw new PaymentConflictError(
      `${req.caseId}/${req.purpose} was already paid ${row.amount} ${row.currency}; refusing to pay ${req.amount.amount} ${req.amount.currency}`,
    );
  }
  return toRecord(row);
}

async function paymentOf(pool: Pool, caseId: string, purpose: string): Promise<PaymentRow | undefined> {
  const { rows } = await pool.query<PaymentRow>('SELECT * FROM payments WHERE case_id = $1 AND purpose = $2', [caseId, purpose]);
  return rows[0];
}

export async function recordRecoveryOnce(pool: Pool, caseId: string, amount: Money, reason: string): Promise<RecoveryRecord> {
  const id = `rec-${caseId}`;
  await pool.query(
    `INSERT INTO recoveries (recovery_id, case_id, amount, currency, reason) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (case_id) DO NOTHING`,
    [id, caseId, amount.amount, amount.currency, reason],
  );
  const { rows } = await pool.query('SELECT * FROM recoveries WHERE case_id = $1', [caseId]);
  const r = rows[0];
  return {
    recoveryId: r.recovery_id,
    caseId: r.case_id,
    amount: { amount: Number(r.amount), currency: r.currency },
    reason: r.reason,
    recordedAt: new Date(r.recorded_at).toISOString(),
  };
}
