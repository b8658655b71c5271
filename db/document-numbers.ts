/**
 * The case a decision document's number belongs to, for the public verification page: every
 * number is a key of its own table (issued_numbers.number is UNIQUE; payment and recovery ids are
 * primary keys), so the look-up is three index probes and one more into the projection.
 */
import type { CaseView } from '../common/types.js';
import type { Pool } from './pool.js';

export async function caseByDocumentNumber(pool: Pool, number: string): Promise<CaseView | undefined> {
  const { rows } = await pool.query<{ view: CaseView }>(
    `SELECT c.view FROM cases c
      WHERE c.case_id = (SELECT case_id FROM issued_numbers WHERE number = $1
                         UNION ALL SELECT case_id FROM payments WHERE payment_id = $1
                         UNION ALL SELECT case_id FROM recoveries WHERE recovery_id = $1
                         LIMIT 1)`,
    [number],
  );
  return rows[0]?.view;
}
