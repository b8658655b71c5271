/**
 * From the digests a request names to the documents a case's history records. Every object of
 * the form `{ digest }` in a validated body is a document reference (common/document-schema.ts):
 * it must name a document the caller may read (its own upload, or one of a case it may see), and is
 * replaced by the store's record of it (digest, name, media type, size). An unknown digest is a 400
 * at its field, alike for one never uploaded, one swept, and one the caller may not read.
 *
 * Each document is attached to the case (db/documents.ts) before the request goes to the workflow,
 * so the sweep can never remove a document a case's history names. A request the workflow then
 * refuses leaves its documents attached, where only the case's readers (and the uploader) reach them.
 */
import type { Actor, FiledDocument } from '../../common/types.js';
import { attachDocument } from '../../db/documents.js';
import type { Pool } from '../../db/pool.js';
import { badRequest } from '../problem.js';
import { mayDownload } from './access.js';
import type { DocumentStore } from './store.js';

interface Found {
  path: string;
  digest: string;
}

const isRef = (v: unknown): v is { digest: string } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { digest?: unknown }).digest === 'string';

function collect(value: unknown, path: string, out: Found[]): void {
  if (isRef(value)) out.push({ path, digest: value.digest });
  else if (Array.isArray(value)) value.forEach((v, i) => collect(v, `${path}.${i}`, out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) collect(v, `${path}.${k}`, out);
}

function replace(value: unknown, filed: ReadonlyMap<string, FiledDocument>): unknown {
  if (isRef(value)) return filed.get(value.digest);
  if (Array.isArray(value)) return value.map((v) => replace(v, filed));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, filed)]));
  return value;
}

/** `T` with every document reference in it as the history records it. */
export type Resolved<T> = T extends { digest: string }
  ? FiledDocument
  : T extends readonly (infer U)[]
    ? Resolved<U>[]
    : T extends object
      ? { [K in keyof T]: Resolved<T[K]> }
      : T;

export interface DocumentResolution {
  store: DocumentStore;
  pool: Pool;
}

/**
 * `body` with every document reference replaced by the filed document, each attached to `caseId`;
 * `where` is the body's place in error paths (`body`, `body.details`).
 */
export async function resolveDocuments<T>(deps: DocumentResolution, actor: Actor, caseId: string, body: T, where = 'body'): Promise<Resolved<T>> {
  const found: Found[] = [];
  collect(body, where, found);
  if (found.length === 0) return body as Resolved<T>; // nothing to replace: the same value
  const filed = new Map<string, FiledDocument>();
  const errors: { path: string; message: string }[] = [];
  for (const { path, digest } of found) {
    if (filed.has(digest)) continue;
    const stored = await deps.store.describe(digest);
    if (stored && (await mayDownload(deps.pool, actor, digest))) {
      filed.set(digest, { digest, name: stored.name, mediaType: stored.mediaType, size: stored.size });
    } else {
      errors.push({ path: `${path}.digest`, message: 'no uploaded document has this digest: upload it first (POST /v1/documents)' });
    }
  }
  if (errors.length === 0) {
    for (const digest of filed.keys()) {
      // Swept between the look-up and now (it was unattached and old): as if never uploaded.
      if (!(await attachDocument(deps.pool, digest, caseId))) {
        for (const f of found.filter((x) => x.digest === digest))
          errors.push({ path: `${f.path}.digest`, message: 'this document was removed; upload it again' });
      }
    }
  }
  if (errors.length > 0) throw badRequest(`unknown documents: ${errors.map((e) => e.path).join(', ')}`, errors);
  return replace(body, filed) as Resolved<T>;
}
