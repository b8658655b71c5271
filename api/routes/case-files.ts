/**
 * The documents filed with a case (docs/documents.md): downloaded by whoever may read the case, each
 * download in the access log; and the auditor's check of every one against the digest its history
 * records.
 */
import { z } from 'zod';
import { Digest, FiledDocumentSchema } from '../../common/document-schema.js';
import { recordDownload } from '../../db/documents.js';
import type { Pool } from '../../db/pool.js';
import type { CaseService } from '../case-service.js';
import { filedDocuments } from '../documents/filed.js';
import { checkIntegrity } from '../documents/integrity.js';
import { attachment } from '../documents/name.js';
import { DOCUMENT_MEDIA_TYPES } from '../documents/sniff.js';
import type { DocumentStore } from '../documents/store.js';
import { notFound } from '../problem.js';
import type { Routes } from '../route.js';
import { CaseIdParam } from '../schemas.js';

const FileParam = CaseIdParam.extend({ digest: Digest });
const Binary = z.string().meta({ format: 'binary' });

const CaseDocumentCheck = z
  .object({
    caseId: z.string(),
    intact: z.boolean().meta({ description: 'every document the case names is stored and intact' }),
    documents: z.array(
      FiledDocumentSchema.extend({
        filedIn: z.string().meta({ description: 'where the case records it, e.g. supplements.0.documents.1' }),
        stored: z.boolean().meta({ description: 'the store holds bytes under this digest' }),
        intact: z.boolean().meta({ description: 'the stored bytes hash to the digest and have the size the case recorded' }),
      }),
    ),
  })
  .meta({ id: 'CaseDocumentCheck' });

export function caseFileRoutes(routes: Routes, cases: CaseService, store: DocumentStore, pool: Pool): void {
  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/files/:digest',
    summary: 'Download a document filed with the case (whoever may read the case)',
    tag: 'cases',
    params: FileParam,
    responses: {
      200: { description: 'The bytes, as an attachment', also: Object.fromEntries(DOCUMENT_MEDIA_TYPES.map((t) => [t, Binary])) },
      404: { description: 'Unknown case, or the case names no such document' },
    },
    handler: async ({ actor, params, req }) => {
      const view = await cases.get(actor, params.caseId);
      const filed = filedDocuments(view).find((d) => d.digest === params.digest);
      const content = filed && (await store.get(filed.digest));
      if (!filed || !content) throw notFound(`case ${params.caseId} names no document ${params.digest}`);
      await recordDownload(pool, {
        digest: filed.digest,
        caseId: view.caseId,
        actor,
        status: 200,
        requestId: req.id === undefined ? undefined : String(req.id),
      });
      return attachment(filed, content);
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/audit/documents',
    summary: 'Check every document the case names against its stored bytes (SHA-256 and size)',
    tag: 'audit',
    params: CaseIdParam,
    responses: { 200: { description: 'The check, document by document', schema: CaseDocumentCheck }, 404: { description: 'Unknown case' } },
    handler: async ({ actor, params }) => {
      const view = await cases.get(actor, params.caseId);
      const documents = [];
      for (const d of filedDocuments(view)) {
        const check = await checkIntegrity(store, d.digest);
        documents.push({ ...d, stored: check !== undefined, intact: check !== undefined && check.intact && check.size === d.size });
      }
      return { body: { caseId: view.caseId, intact: documents.every((d) => d.intact), documents } };
    },
  });
}
