/**
 * The documents' relations to people and cases (the bytes are the store's: api/documents/):
 * who uploaded a document, which cases refer to it, which are left unattached, and each download
 * in the case access log.
 */
import type { Actor } from '../common/types.js';
import type { Pool } from './pool.js';

/**
 * Records that case `caseId` refers to the document (idempotent); from then on the sweep never
 * removes it. False when no such document is stored (never uploaded, or swept already).
 */
export async function attachDocument(pool: Pool, digest: string, caseId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `INSERT INTO document_refs (digest, case_id) SELECT digest, $2 FROM documents WHERE digest = $1
     ON CONFLICT (digest, case_id) DO NOTHING`,
    [digest, caseId],
  );
  if (rowCount === 1) return true;
  return (await pool.query('SELECT 1 FROM document_refs WHERE digest = $1 AND case_id = $2', [digest, caseId])).rowCount === 1;
}

export async function isUploader(pool: Pool, digest: string, sub: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM document_uploaders WHERE digest = $1 AND uploaded_by = $2', [digest, sub]);
  return rowCount === 1;
}

/** Documents no case refers to, last uploaded before `before`, oldest first. */
export async function unattachedBefore(pool: Pool, before: Date, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ digest: string }>(
    `SELECT digest FROM documents d WHERE last_uploaded_at < $1
       AND NOT EXISTS (SELECT 1 FROM document_refs r WHERE r.digest = d.digest)
     ORDER BY last_uploaded_at LIMIT $2`,
    [before, limit],
  );
  return rows.map((r) => r.digest);
}

/**
 * A download answered, in the case access log (db/access-log.ts) as `document-download`: with the
 * case it was downloaded through, or none for a download by digest alone.
 */
export async function recordDownload(pool: Pool, e: { digest: string; caseId?: string; actor: Actor; status: number; requestId?: string }): Promise<void> {
  await pool.query(
    `INSERT INTO case_access_log (case_id, action, actor_sub, actor_name, actor_roles, actor_dept, status, request_id, document_digest)
     VALUES ($1, 'document-download', $2, $3, $4, $5, $6, $7, $8)`,
    [e.caseId ?? null, e.actor.sub, e.actor.name, [...e.actor.roles], e.actor.dept ?? null, e.status, e.requestId ?? null, e.digest],
  );
}
