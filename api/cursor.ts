/**
 * Opaque page cursors: a position in a list's order, as base64url JSON. A cursor the API did not
 * write (or that was tampered with) is a 400, never a 500 or a wrong page.
 */
import type { z } from 'zod';
import { badRequest } from './problem.js';

export interface CursorCodec<T> {
  encode(position: T): string;
  decode(text: string): T;
}

export function cursorCodec<T>(schema: z.ZodType<T>): CursorCodec<T> {
  return {
    encode: (position) => Buffer.from(JSON.stringify(position)).toString('base64url'),
    decode(text) {
      try {
        return schema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
      } catch {
        throw badRequest('the cursor is not one this API returned', [{ path: 'query.cursor', message: 'invalid cursor' }]);
      }
    },
  };
}
