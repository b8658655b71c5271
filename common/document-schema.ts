/**
 * How requests refer to uploaded documents, and how views show them (zod; never in the workflow
 * bundle). A request names a document by its digest only: the API looks the rest up in the store
 * (api/documents/resolve.ts), so a name, size or type the client claims is never what is recorded.
 */
import { z } from 'zod';

export const Digest = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest: 64 lowercase hex digits')
  .meta({ description: "the document's SHA-256, lowercase hex", example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });

/** A document uploaded first (POST /v1/documents), named by the digest that upload answered. */
export const DocumentRef = z
  .strictObject({ digest: Digest })
  .meta({ id: 'DocumentRef', description: 'an uploaded document (POST /v1/documents), by the digest its upload answered' });
export type DocumentRef = z.infer<typeof DocumentRef>;

/** A document as a case's history records it (common/types.ts FiledDocument). */
export const FiledDocumentSchema = z
  .object({
    digest: Digest,
    name: z.string(),
    mediaType: z.string(),
    size: z.number().int().meta({ description: 'bytes' }),
  })
  .meta({ id: 'FiledDocument', description: 'a document filed with the case: download it at /v1/cases/{caseId}/files/{digest}' });
