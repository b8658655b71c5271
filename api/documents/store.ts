/**
 * Where documents' bytes are kept, by content: the same bytes are stored once, named by their
 * SHA-256. PostgreSQL by default (api/documents/pg-store.ts); a production store (S3, an object
 * store) implements the same interface.
 */
import type { Readable } from 'node:stream';
import type { DocumentMediaType } from './sniff.js';

export interface StoredDocument {
  /** SHA-256 of the bytes, lowercase hex. */
  digest: string;
  size: number;
  mediaType: DocumentMediaType;
  name: string;
  uploadedAt: string;
}

export interface DocumentMeta {
  name: string;
  mediaType: DocumentMediaType;
  /** The uploader's `sub`: each uploader of the same bytes may download them. */
  uploadedBy: string;
}

export interface DocumentStore {
  /**
   * Stores `content` (hashing it as it streams), or finds the same bytes stored already: `created`
   * says which. If `content` errors, nothing is stored and the error is rethrown.
   */
  put(content: Readable, meta: DocumentMeta): Promise<{ document: StoredDocument; created: boolean }>;
  describe(digest: string): Promise<StoredDocument | undefined>;
  /** The stored bytes, streamed; undefined for an unknown digest. */
  get(digest: string): Promise<Readable | undefined>;
  has(digest: string): Promise<boolean>;
  /**
   * Removes a document no case refers to, last uploaded before `uploadedBefore` when given; false
   * when it is attached, newer, or gone. An attached document is never removed.
   */
  remove(digest: string, uploadedBefore?: Date): Promise<boolean>;
}
