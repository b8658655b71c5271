/** Whether a stored document still is the one uploaded: its bytes read back and hashed again. */
import { createHash } from 'node:crypto';
import type { DocumentStore } from './store.js';

export interface Integrity {
  digest: string;
  /** Bytes read back from the store. */
  size: number;
  /** The bytes hash to the digest and have the size stored with them. */
  intact: boolean;
}

/** The check, or undefined when no document has this digest. */
export async function checkIntegrity(store: DocumentStore, digest: string): Promise<Integrity | undefined> {
  const [stored, content] = await Promise.all([store.describe(digest), store.get(digest)]);
  if (!stored || !content) return undefined;
  const hash = createHash('sha256');
  let size = 0;
  let readable = true;
  try {
    for await (const chunk of content as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
  } catch {
    readable = false; // a chunk is missing: not intact
  }
  return { digest, size, intact: readable && size === stored.size && hash.digest('hex') === digest };
}
