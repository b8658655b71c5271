/**
 * The document store's routes (docs/documents.md): upload one file (multipart, streamed, stored
 * once per content), download it, and an auditor's check that the stored bytes are still the ones
 * uploaded. Every download is in the case access log.
 */
import { z } from 'zod';
import { Digest } from '../../common/document-schema.js';
import { recordDownload } from '../../db/documents.js';
import type { Pool } from '../../db/pool.js';
import type { Config } from '../../infra/config.js';
import { mayDownload } from '../documents/access.js';
import { checkIntegrity } from '../documents/integrity.js';
import { attachment } from '../documents/name.js';
import { DOCUMENT_MEDIA_TYPES } from '../documents/sniff.js';
import type { DocumentStore } from '../documents/store.js';
import { FILE_FIELD, receiveUpload } from '../documents/upload.js';
import { notFound, Problem } from '../problem.js';
import type { Routes } from '../route.js';

const DigestParam = z.strictObject({ digest: Digest });

export const UploadedDocumentSchema = z
  .object({
    digest: Digest,
    size: z.number().int().positive().meta({ description: 'bytes' }),
    mediaType: z.enum(DOCUMENT_MEDIA_TYPES).meta({ description: 'judged from the content, not from what the client said' }),
    name: z.string().meta({ description: 'the file name sent, cleaned (base name only, no control characters, at most 200 characters)' }),
    uploadedAt: z.string().meta({ format: 'date-time', description: 'when these bytes were first uploaded' }),
  })
  .meta({ id: 'UploadedDocument' });

export const IntegritySchema = z
  .object({
    digest: Digest,
    size: z.number().int().meta({ description: 'bytes read back from the store' }),
    intact: z.boolean().meta({ description: 'whether the bytes read back hash to the digest and have the stored size' }),
  })
  .meta({ id: 'DocumentIntegrity' });

const Binary = z.string().meta({ format: 'binary' });

/**
 * Uploads one API process takes at once. Each holds a database connection for as long as its
 * client takes to send the file (its transaction is open while the chunks arrive), and the pool
 * has 10 (api/main.ts): a few slow uploads must not leave the other routes without one.
 */
export const MAX_CONCURRENT_UPLOADS = 4;

export function documentRoutes(routes: Routes, store: DocumentStore, pool: Pool, config: Pick<Config, 'DOCUMENT_MAX_BYTES'>): void {
  let uploading = 0;
  routes.add({
    method: 'post',
    path: '/v1/documents',
    summary: 'Upload a document (PDF, PNG, JPEG or OFD), stored once per content',
    tag: 'documents',
    streamedBody: {
      mediaType: 'multipart/form-data',
      schema: z.object({ [FILE_FIELD]: Binary.meta({ description: `the document; at most DOCUMENT_MAX_BYTES (default 20 MiB)` }) }),
    },
    responses: {
      201: { description: 'Stored', schema: UploadedDocumentSchema },
      200: { description: 'The same bytes were stored already: that document (its first name and upload time)', schema: UploadedDocumentSchema },
      400: {
        description:
          'Empty, no `file` part, another part besides it, a malformed body (a part header with a raw control character), or the upload was interrupted',
      },
      413: { description: 'Larger than DOCUMENT_MAX_BYTES (refused as soon as the limit is passed)' },
      415: { description: 'Not multipart/form-data, or the content is not a PDF, PNG, JPEG or OFD' },
      503: { description: `${MAX_CONCURRENT_UPLOADS} uploads are under way already; retry after the seconds in Retry-After` },
    },
    handler: async ({ actor, req, res }) => {
      if (uploading >= MAX_CONCURRENT_UPLOADS)
        throw new Problem(503, 'too many uploads under way; retry shortly', undefined, { 'Retry-After': '5', Connection: 'close' });
      uploading++;
      try {
        const upload = await receiveUpload(req, config.DOCUMENT_MAX_BYTES);
        const { document, created } = await store.put(upload.content, { name: upload.name, mediaType: upload.mediaType, uploadedBy: actor.sub });
        return { status: created ? 201 : 200, body: document, headers: { Location: `/v1/documents/${document.digest}` } };
      } catch (err) {
        // The rest of the body is not wanted: close rather than read it.
        res.setHeader('Connection', 'close');
        throw err;
      } finally {
        uploading--;
      }
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/documents/:digest',
    summary: 'Download a document (its uploader, admins and auditors)',
    tag: 'documents',
    params: DigestParam,
    responses: {
      200: { description: 'The bytes, as an attachment', also: Object.fromEntries(DOCUMENT_MEDIA_TYPES.map((t) => [t, Binary])) },
      404: { description: 'No such document, or not one the caller may download' },
    },
    handler: async ({ actor, params, req }) => {
      const doc = await store.describe(params.digest);
      // Not the caller's to see: answered like an unknown one, so digests cannot be probed.
      if (!doc || !(await mayDownload(pool, actor, doc.digest))) throw notFound('no such document');
      const content = await store.get(doc.digest);
      if (!content) throw notFound('no such document');
      await recordDownload(pool, { digest: doc.digest, actor, status: 200, requestId: req.id === undefined ? undefined : String(req.id) });
      return attachment(doc, content);
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/documents/:digest/verify',
    summary: 'Re-read a stored document and check it still hashes to its digest',
    tag: 'documents',
    params: DigestParam,
    responses: { 200: { description: 'The check', schema: IntegritySchema }, 404: { description: 'No such document' } },
    handler: async ({ params }) => {
      const integrity = await checkIntegrity(store, params.digest);
      if (!integrity) throw notFound('no such document');
      return { body: integrity };
    },
  });
}
