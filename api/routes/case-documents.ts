/**
 * A case's decision documents as PDF, for whoever may read the case (the access table's row is the
 * case read's): 404 when the case has no such document (yet), as for a case the caller may not see.
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { Config } from '../../infra/config.js';
import type { CaseService } from '../case-service.js';
import { documentOf, documentsOf, DOCUMENT_KINDS, DOCUMENT_STATES } from '../pdf/decision-documents.js';
import { renderDocumentPdf } from '../pdf/render.js';
import { notFound } from '../problem.js';
import type { Routes } from '../route.js';
import { CaseIdParam } from '../schemas.js';
import { verifyPath } from '../verify-code.js';

const DocumentParam = CaseIdParam.extend({ kind: z.enum(DOCUMENT_KINDS).describe('Which of the case’s documents') });

/** Where the document's QR code points: PUBLIC_BASE_URL, else the origin the request came to. */
export function publicOrigin(config: Config, req: Request): string {
  return (config.PUBLIC_BASE_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/$/, '');
}

const IssuedDocuments = z
  .array(
    z.object({
      kind: z.enum(DOCUMENT_KINDS),
      number: z.string(),
      issuedAt: z.string().meta({ format: 'date-time' }),
      state: z.enum(DOCUMENT_STATES).meta({ description: 'its state now, as the verification page shows it' }),
    }),
  )
  .meta({ id: 'IssuedDocuments' });

export function caseDocumentRoutes(routes: Routes, cases: CaseService, config: Config): void {
  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/documents',
    summary: 'The decision documents the case has issued, each with its state now (download each as PDF)',
    tag: 'cases',
    params: CaseIdParam,
    responses: { 200: { description: 'In the order issued; empty until the case issues one', schema: IssuedDocuments }, 404: { description: 'Unknown case' } },
    handler: async ({ actor, params }) => ({
      body: documentsOf(await cases.get(actor, params.caseId)).map((d) => ({ kind: d.kind, number: d.number, issuedAt: d.issuedAt, state: d.state })),
    }),
  });

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/documents/:kind.pdf',
    summary: 'A decision document of the case as a bilingual PDF with a QR code of its verification link',
    tag: 'cases',
    params: DocumentParam,
    responses: {
      200: { description: 'The document (PDF)', also: { 'application/pdf': z.string().meta({ format: 'binary' }) } },
      404: { description: 'Unknown case, or the case has no such document yet' },
    },
    handler: async ({ actor, params, req }) => {
      const doc = documentOf(await cases.get(actor, params.caseId), params.kind);
      if (!doc) throw notFound(`case ${params.caseId} has no ${params.kind} (yet)`);
      const verifyUrl = publicOrigin(config, req) + verifyPath(config.VERIFY_SECRET, doc.kind, doc.number);
      const pdf = await renderDocumentPdf(doc, { fontPath: config.PDF_CJK_FONT, verifyUrl });
      return {
        body: pdf,
        contentType: 'application/pdf',
        headers: { 'Content-Disposition': `attachment; filename="${doc.kind}-${doc.number}.pdf"` },
      };
    },
  });
}
