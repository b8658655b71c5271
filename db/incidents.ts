/** Case incidents (case_incidents): cases stopped on an activity that retrying cannot cure, until an admin retries them. */
import type { Pool } from './pool.js';

export interface IncidentReport {
  caseId: string;
  /** The activity that failed (`publishCase`, `issueNumber`, …). */
  activity: string;
  /** PostgreSQL's SQLSTATE, or the failure type when there is none. */
  code: string;
  /** Why, in words that quote none of the case's data. */
  reason: string;
  /** When the activity failed (the workflow's clock). */
  at: string;
}

export interface IncidentRow {
  caseId: string;
  activity: string;
  code: string;
  reason: string;
  attempts: number;
  since: string;
  lastAt: string;
  retriedBy: string | null;
  retriedAt: string | null;
}

/** Opens the case's incident, or counts one more failure of it (a retry that failed again). */
export async function raiseIncident(pool: Pool, r: IncidentReport): Promise<void> {
  await pool.query(
    `INSERT INTO case_incidents (case_id, activity, code, reason, since, last_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (case_id) DO UPDATE SET activity = EXCLUDED.activity, code = EXCLUDED.code, reason = EXCLUDED.reason,
       attempts = case_incidents.attempts + 1, last_at = EXCLUDED.last_at
     WHERE case_incidents.last_at < EXCLUDED.last_at`,
    [r.caseId, r.activity, r.code, r.reason, r.at],
  );
}

/** The case's incident is over (its activity succeeded). */
export async function resolveIncident(pool: Pool, caseId: string): Promise<void> {
  await pool.query('DELETE FROM case_incidents WHERE case_id = $1', [caseId]);
}

/** Who asked the case to retry, and when (shown beside the incident until it is resolved or fails again). */
export async function noteIncidentRetry(pool: Pool, caseId: string, by: string): Promise<void> {
  await pool.query('UPDATE case_incidents SET retried_by = $2, retried_at = now() WHERE case_id = $1', [caseId, by]);
}

const COLUMNS = `case_id AS "caseId", activity, code, reason, attempts, since, last_at AS "lastAt", retried_by AS "retriedBy", retried_at AS "retriedAt"`;

export async function listIncidents(pool: Pool, limit: number): Promise<IncidentRow[]> {
  const { rows } = await pool.query<IncidentRow & { since: Date; lastAt: Date; retriedAt: Date | null }>(
    `SELECT ${COLUMNS} FROM case_incidents ORDER BY since, case_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r, since: r.since.toISOString(), lastAt: r.lastAt.toISOString(), retriedAt: r.retriedAt?.toISOString() ?? null }));
}

export async function countIncidents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM case_incidents');
  return rows[0]?.n ?? 0;
}
