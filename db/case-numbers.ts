/**
 * Case numbers (SA-2026-000123): a prefix per template, the year of opening, and a counter per
 * prefix and year. Issued by the API once per case id, before the case's workflow starts, so the
 * workflow receives it in its input and stays free of I/O.
 */
import type { Pool } from './pool.js';

/** The form of every issued number: the prefix, the year, a counter of 6 digits or more. */
export const CASE_NUMBER = /^[A-Z]{2,6}-[0-9]{4}-[0-9]{6,}$/;

/** The time zone of a case's year when its template names no calendar. */
export const DEFAULT_NUMBER_TIME_ZONE = 'Asia/Shanghai';

/** The calendar year of `at` in `timeZone` (a case opened at 23:30 UTC on 31 December is in the next year in Shanghai). */
export function yearIn(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(at));
}

/** `SA-2026-000123`: the counter zero-padded to 6 digits, and longer once it passes 999999. */
export function formatCaseNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * The case's number, issued on its first call and read back on every later one (a retried opening
 * with the same Idempotency-Key gets the same number). The counter is incremented by one atomic
 * statement, so concurrent openings never share a value; an increment whose number is then not
 * stored (two retries of one opening racing, a crash in between) leaves a gap, never a repeat.
 */
export async function issueCaseNumber(pool: Pool, caseId: string, prefix: string, year: number): Promise<string> {
  const existing = await numberOf(pool, caseId);
  if (existing) return existing;
  const { rows } = await pool.query<{ seq: string }>(
    `INSERT INTO case_number_counters AS c (prefix, year, seq) VALUES ($1, $2, 1)
     ON CONFLICT (prefix, year) DO UPDATE SET seq = c.seq + 1
     RETURNING seq`,
    [prefix, year],
  );
  const seq = Number(rows[0]?.seq);
  await pool.query(
    `INSERT INTO case_numbers (case_id, number, prefix, year, seq) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (case_id) DO NOTHING`,
    [caseId, formatCaseNumber(prefix, year, seq), prefix, year, seq],
  );
  // Read back: a concurrent call for the same case may have stored its number first.
  const issued = await numberOf(pool, caseId);
  if (!issued) throw new Error(`no case number stored for ${caseId}`);
  return issued;
}

async function numberOf(pool: Pool, caseId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ number: string }>('SELECT number FROM case_numbers WHERE case_id = $1', [caseId]);
  return rows[0]?.number;
}
