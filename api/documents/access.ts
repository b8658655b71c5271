/**
 * Who may download a document. For now: whoever uploaded its bytes, and admins and auditors. The
 * case wiring adds here "anyone who may see a case that refers to it" (document_refs, canRead).
 */
import type { Actor } from '../../common/types.js';
import { isUploader } from '../../db/documents.js';
import type { Pool } from '../../db/pool.js';

export async function mayDownload(pool: Pool, actor: Actor, digest: string): Promise<boolean> {
  if (actor.roles.includes('admin') || actor.roles.includes('auditor')) return true;
  return isUploader(pool, digest, actor.sub);
}
