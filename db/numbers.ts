/** Formal numbers (decision, permit, licence): issued once per case and purpose, however often asked. */
import type { Pool } from './pool.js';

export async function issueNumber(pool: Pool, caseId: string, purpose: string, prefix: string): Promise<string> {
  // The number is built in SQL from the sequence; on a repeat the INSERT does nothing and the
  // existing number is read back (a sequence value may be skipped, which numbering tolerates).
  const { rows } = await pool.query<{ number: string }>(
    `WITH ins AS (
       INSERT INTO issued_numbers (case_id, purpose, number)
       VALUES ($1, $2, $3 || '-' || to_char(now() AT TIME ZONE 'UTC', 'YYYY') || '-' || lpad(nextval('issued_number_seq')::text, 6, '0'))
       ON CONFLICT (case_id, purpose) DO NOTHING RETURNING number)
     SELECT number FROM ins UNION ALL SELECT number FROM issued_numbers WHERE case_id = $1 AND purpose = $2 LIMIT 1`,
    [caseId, purpose, prefix],
  );
  const number = rows[0]?.number;
  if (!number) throw new Error(`no number issued for ${caseId}/${purpose}`);
  return number;
}
