/**
 * Documents in tests: real uploads for whatever goes through the API (a filing names an uploaded
 * document by its digest), and filed documents as the history records them for tests that drive a
 * workflow directly (no store is involved there: the API resolves digests before the workflow).
 */
import { createHash } from 'node:crypto';
import type { Actor, FiledDocument } from '../../common/types.js';
import { tokenFor } from './stack.js';

/** A small PDF (its magic is what the store judges), distinct per label. */
export const samplePdf = (label: string): Buffer => Buffer.from(`%PDF-1.7\n% ${label}\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n`);

/** Uploads `bytes` as `actor` (POST /v1/documents) and answers the reference a filing takes. */
export async function uploadDocument(baseUrl: string, actor: Actor, label: string, bytes = samplePdf(label)): Promise<{ digest: string }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), `${label}.pdf`);
  const res = await fetch(`${baseUrl}/v1/documents`, { method: 'POST', headers: { authorization: `Bearer ${await tokenFor(actor)}` }, body: form });
  const body = (await res.json()) as { digest?: string; detail?: string };
  if ((res.status !== 201 && res.status !== 200) || !body.digest) throw new Error(`upload of ${label} answered ${res.status}: ${body.detail ?? ''}`);
  return { digest: body.digest };
}

/** A document as the history records it, for a workflow driven without the API. */
export function filedDocument(label: string): FiledDocument {
  const bytes = samplePdf(label);
  return { digest: createHash('sha256').update(bytes).digest('hex'), name: `${label}.pdf`, mediaType: 'application/pdf', size: bytes.length };
}
