/**
 * Who may download a document by its digest alone (GET /v1/documents/:digest), and so name it in a
 * filing (api/documents/resolve.ts): whoever uploaded its bytes, and admins and auditors. Everyone
 * else who may read a case downloads what the case names through the case
 * (GET /v1/cases/:caseId/files/:digest), where the access table decides.
 */
import type { Actor } from '../../common/types.js';
import { isUploader } from '../../db/documents.js';
import type { Pool } from '../../db/pool.js';

export async function mayDownload(pool: Pool, actor: Actor, digest: string): Promise<boolean> {
  if (actor.roles.includes('admin') || actor.roles.includes('auditor')) return true;
  return isUploader(pool, digest, actor.sub);
}
