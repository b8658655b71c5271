/**
 * The documents a case's view names, wherever its process keeps them (the opening, supplements, a
 * produce-first certificate filing, ...): found by their shape, so the engine names no process.
 */
import type { FiledDocument } from '../../common/types.js';

export interface FiledAt extends FiledDocument {
  /** Where in the case it was filed: `documents.0`, `supplements.1.documents.0`, `obligations.0.filings.0.document`. */
  filedIn: string;
}

const DIGEST = /^[0-9a-f]{64}$/;

function isFiled(v: unknown): v is FiledDocument {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const d = v as Record<string, unknown>;
  return typeof d.digest === 'string' && DIGEST.test(d.digest) && typeof d.name === 'string' && typeof d.mediaType === 'string' && typeof d.size === 'number';
}

/** Every document filed with the case, in the order its view lists them (details are the applicant's text, not filings). */
export function filedDocuments(view: object): FiledAt[] {
  const out: FiledAt[] = [];
  const walk = (v: unknown, path: string): void => {
    if (isFiled(v)) out.push({ digest: v.digest, name: v.name, mediaType: v.mediaType, size: v.size, filedIn: path });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, path ? `${path}.${i}` : String(i)));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  for (const [k, v] of Object.entries(view)) if (k !== 'details') walk(v, k);
  return out;
}
