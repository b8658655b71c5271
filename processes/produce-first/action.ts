/**
 * Produce first's own action as the API offers it: filing a certificate (POST
 * /v1/cases/:caseId/certificates), with its body. Kept apart from messages.ts, which the workflow
 * imports: the body is a zod schema, and the workflow bundle stays free of zod (each case would
 * evaluate it anew in its own module cache).
 */
import { z } from 'zod';
import { Slug, Text } from '../../templates/schema.js';
import { DocumentRef } from '../../common/document-schema.js';
import type { ProcessAction } from '../process.js';
import { fileCertificateUpdate } from './messages.js';

/** What the enterprise files (POST /v1/cases/:caseId/certificates). */
export const CertificateBody = z
  .strictObject({
    qualification: Slug,
    number: Text(100),
    issuer: Text(200),
    issuedAt: z.union([z.iso.datetime({ offset: true }), z.iso.date()]).meta({ description: 'date or date-time of issue' }),
    document: DocumentRef.meta({ description: 'the certificate, uploaded first (POST /v1/documents)' }),
  })
  .meta({ id: 'Certificate' });

/** Filing a certificate, as the API offers it: the enterprise, or the opening department for it. */
export const fileCertificateAction: ProcessAction = {
  path: '/v1/cases/:caseId/certificates',
  summary: 'Produce first: file a certificate for an obligation; opens its verification task',
  body: CertificateBody,
  update: fileCertificateUpdate.name,
  access: { applicant: ['own-enterprise'], caseworker: ['opening-dept'] },
  forTheEnterprise: true,
  notFound: 'Unknown case, or no such obligation on it',
  conflict: 'Already verified or awaiting verification, no provisional permit, or closed',
};
