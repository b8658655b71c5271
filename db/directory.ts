/**
 * The directory: the addresses notifications go to. A department's entry holds its mailbox (notices
 * to its caseworkers) and its supervisor's; the entry `command-center` holds the command centre's.
 * Read at delivery time (resolveAddress), so a correction reaches every notification not yet delivered.
 */
import type pg from 'pg';
import { COMMAND_CENTER_ENTRY, type RecipientType } from '../common/notifications.js';
import type { Pool } from './pool.js';

export interface DirectoryEntry {
  dept: string;
  email: string | null;
  supervisorEmail: string | null;
  updatedBy: string;
  updatedAt: string;
}

const COLUMNS = `dept, email, supervisor_email AS "supervisorEmail", updated_by AS "updatedBy", updated_at AS "updatedAt"`;

const entry = (r: DirectoryEntry & { updatedAt: Date | string }): DirectoryEntry => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString() });

export async function listDirectory(pool: Pool): Promise<DirectoryEntry[]> {
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM directory ORDER BY dept`);
  return rows.map(entry);
}

export async function getDirectoryEntry(pool: Pool, dept: string): Promise<DirectoryEntry | undefined> {
  const { rows } = await pool.query(`SELECT ${COLUMNS} FROM directory WHERE dept = $1`, [dept]);
  return rows[0] && entry(rows[0]);
}

/** Sets a department's addresses (replacing both); `created` when it had no entry. */
export async function putDirectoryEntry(
  pool: Pool,
  e: { dept: string; email: string | null; supervisorEmail: string | null },
  by: string,
): Promise<{ entry: DirectoryEntry; created: boolean }> {
  const { rows } = await pool.query(
    `INSERT INTO directory (dept, email, supervisor_email, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (dept) DO UPDATE SET email = EXCLUDED.email, supervisor_email = EXCLUDED.supervisor_email,
       updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING ${COLUMNS}, (xmax = 0) AS created`,
    [e.dept, e.email, e.supervisorEmail, by],
  );
  const { created, ...row } = rows[0];
  return { entry: entry(row), created };
}

export async function deleteDirectoryEntry(pool: Pool, dept: string): Promise<boolean> {
  const { rowCount } = await pool.query('DELETE FROM directory WHERE dept = $1', [dept]);
  return (rowCount ?? 0) > 0;
}

/** Where a notice goes, or why it cannot go; `retry` when the answer may change by itself (a case not projected yet). */
export type Resolution = { address: string } | { missing: string; retry: boolean };

/**
 * The address of a notification's recipient: the applicant's is the contact e-mail given at opening
 * (from the case projection), the others come from the directory.
 */
export async function resolveAddress(db: Pool | pg.PoolClient, caseId: string, type: RecipientType, dept: string | null): Promise<Resolution> {
  if (type === 'applicant') {
    const { rows } = await db.query<{ email: string | null }>(`SELECT view->'applicant'->'contact'->>'email' AS email FROM cases WHERE case_id = $1`, [caseId]);
    if (!rows[0]) return { missing: `case ${caseId} is not in the case list yet, so its applicant's address is not known`, retry: true };
    return rows[0].email ? { address: rows[0].email } : { missing: 'the applicant gave no e-mail address when the case was opened', retry: false };
  }
  const key = type === 'command-center' ? COMMAND_CENTER_ENTRY : dept;
  if (!key) return { missing: `a ${type} notice that names no department`, retry: false };
  const { rows } = await db.query<{ email: string | null; supervisor_email: string | null }>('SELECT email, supervisor_email FROM directory WHERE dept = $1', [
    key,
  ]);
  const address = type === 'supervisor' ? rows[0]?.supervisor_email : rows[0]?.email;
  if (address) return { address };
  const whose = type === 'command-center' ? 'the command centre' : type === 'supervisor' ? `the supervisor of ${key}` : `department ${key}`;
  return { missing: `the directory has no e-mail address for ${whose} (PUT /v1/directory/${key})`, retry: false };
}
