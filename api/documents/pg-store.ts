/**
 * The document store in PostgreSQL: chunks of CHUNK_BYTES in `document_chunks` (bytea), one
 * `documents` row per content (db/migrations/1764412000000_document-store.sql). An upload is one
 * transaction: chunks are written as they arrive, the `documents` row last; whatever fails or is
 * aborted on the way is rolled back.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { databaseErrorCode } from '../../common/database-errors.js';
import type { Pool } from '../../db/pool.js';
import { withTransaction } from '../../db/transaction.js';
import type { DocumentMeta, DocumentStore, StoredDocument } from './store.js';
import type { DocumentMediaType } from './sniff.js';

/** 256 KiB: few rows per document, and little held in memory per upload or download. */
export const CHUNK_BYTES = 256 * 1024;

interface Row {
  digest: string;
  content_id: string;
  size: string;
  media_type: DocumentMediaType;
  name: string;
  uploaded_at: Date;
}

const toDocument = (r: Row): StoredDocument => ({
  digest: r.digest,
  size: Number(r.size),
  mediaType: r.media_type,
  name: r.name,
  uploadedAt: r.uploaded_at.toISOString(),
});

/** `content` cut into pieces of exactly CHUNK_BYTES (the last one shorter). */
async function* rechunk(content: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of content as AsyncIterable<Buffer>) {
    pending.push(piece);
    pendingBytes += piece.length;
    while (pendingBytes >= CHUNK_BYTES) {
      const all = Buffer.concat(pending);
      yield all.subarray(0, CHUNK_BYTES);
      pending = [all.subarray(CHUNK_BYTES)];
      pendingBytes = all.length - CHUNK_BYTES;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

export class PgDocumentStore implements DocumentStore {
  constructor(private readonly pool: Pool) {}

  put(content: Readable, meta: DocumentMeta): Promise<{ document: StoredDocument; created: boolean }> {
    return withTransaction(this.pool, async (client) => {
      const contentId = randomUUID();
      const hash = createHash('sha256');
      let size = 0;
      let seq = 0;
      for await (const chunk of rechunk(content)) {
        hash.update(chunk);
        size += chunk.length;
        await client.query('INSERT INTO document_chunks (content_id, seq, data) VALUES ($1, $2, $3)', [contentId, seq++, chunk]);
      }
      const digest = hash.digest('hex');
      // Same bytes stored already (or being stored by a concurrent upload, which this waits for):
      // its row wins, it counts as uploaded again now, and this upload's chunks go.
      const { rows } = await client.query<Row>(
        `INSERT INTO documents (digest, content_id, size, media_type, name) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (digest) DO UPDATE SET last_uploaded_at = now()
         RETURNING digest, content_id, size, media_type, name, uploaded_at`,
        [digest, contentId, size, meta.mediaType, meta.name],
      );
      const row = rows[0] as Row;
      const created = row.content_id === contentId;
      if (!created) await client.query('DELETE FROM document_chunks WHERE content_id = $1', [contentId]);
      await client.query(
        `INSERT INTO document_uploaders (digest, uploaded_by) VALUES ($1, $2)
         ON CONFLICT (digest, uploaded_by) DO UPDATE SET uploaded_at = now()`,
        [digest, meta.uploadedBy],
      );
      return { document: toDocument(row), created };
    });
  }

  async describe(digest: string): Promise<StoredDocument | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM documents WHERE digest = $1', [digest]);
    return rows[0] ? toDocument(rows[0]) : undefined;
  }

  async has(digest: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM documents WHERE digest = $1', [digest]);
    return rowCount === 1;
  }

  /**
   * Chunk by chunk, one query each, so a slow reader holds no connection between chunks. A chunk
   * missing on the way (the document removed meanwhile) ends the stream with an error, never with
   * a short file passed off as whole.
   */
  async get(digest: string): Promise<Readable | undefined> {
    const { rows } = await this.pool.query<{ content_id: string; chunks: number }>(
      'SELECT content_id, ceil(size::numeric / $2)::int AS chunks FROM documents WHERE digest = $1',
      [digest, CHUNK_BYTES],
    );
    const found = rows[0];
    if (!found) return undefined;
    const pool = this.pool;
    return Readable.from(
      (async function* () {
        for (let seq = 0; seq < found.chunks; seq++) {
          const r = await pool.query<{ data: Buffer }>('SELECT data FROM document_chunks WHERE content_id = $1 AND seq = $2', [found.content_id, seq]);
          if (!r.rows[0]) throw new Error(`document ${digest}: chunk ${seq} is missing`);
          yield r.rows[0].data;
        }
      })(),
      { objectMode: false },
    );
  }

  async remove(digest: string, uploadedBefore?: Date): Promise<boolean> {
    try {
      const { rowCount } = await this.pool.query(
        `DELETE FROM documents d WHERE digest = $1 AND ($2::timestamptz IS NULL OR last_uploaded_at < $2)
           AND NOT EXISTS (SELECT 1 FROM document_refs r WHERE r.digest = d.digest)`,
        [digest, uploadedBefore ?? null],
      );
      return rowCount === 1;
    } catch (err) {
      // Attached between the check and the delete: the foreign key refuses (RESTRICT), and it stays.
      if (databaseErrorCode(err) === '23503') return false;
      throw err;
    }
  }
}
