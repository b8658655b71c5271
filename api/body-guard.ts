/**
 * Checks on request bodies and URLs made on the raw bytes, before anything parses or walks them:
 * JSON nested deeper than MAX_JSON_DEPTH (a value a few thousand levels deep overflows the stack of
 * whatever recurses over it: zod, JSON.stringify, the Temporal payload converter) and the NUL
 * character, which PostgreSQL text cannot store. Both are refused as 400 for every route at once.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { badRequest } from './problem.js';

export const MAX_JSON_DEPTH = 32;

/** What body-parser expects a `verify` hook to throw: its status and type reach the problem handler. */
export class BodyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly type: 'json.too.deep' | 'body.nul' | 'charset.unsupported',
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const U = 0x75;

/** `\u0000` starting at `i` (the backslash)? */
function isNulEscape(buf: Uint8Array, i: number): boolean {
  return buf[i + 1] === U && buf[i + 2] === ZERO && buf[i + 3] === ZERO && buf[i + 4] === ZERO && buf[i + 5] === ZERO;
}

/**
 * One pass over UTF-8 JSON text: the deepest nesting of `[` and `{` outside strings, and whether
 * any string holds U+0000 (escaped, or raw, which JSON forbids anyway). Only ASCII bytes are
 * structural in UTF-8, so scanning bytes is exact; the text need not be valid JSON (the parser
 * that runs next says so).
 */
export function scanJson(buf: Uint8Array, maxDepth = MAX_JSON_DEPTH): 'too-deep' | 'nul' | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      if (b === BACKSLASH) {
        if (isNulEscape(buf, i)) return 'nul';
        i++; // whatever is escaped (a quote, a backslash) does not end the string
      } else if (b === QUOTE) {
        inString = false;
      } else if (b === 0) {
        return 'nul';
      }
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === 0x7b || b === 0x5b) {
      if (++depth > maxDepth) return 'too-deep';
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
    }
  }
  return undefined;
}

const NUL_MESSAGE = 'text may not contain the NUL character (U+0000)';

function requireUtf8(encoding: string | null): void {
  const e = (encoding ?? 'utf-8').toLowerCase();
  if (e !== 'utf-8' && e !== 'utf8') throw new BodyRefusal(415, 'charset.unsupported', `send the body as UTF-8, not ${e}`);
}

/** express.json's `verify` hook: runs on the raw body before JSON.parse. */
export function verifyJson(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string | null): void {
  requireUtf8(encoding);
  const found = scanJson(buf);
  if (found === 'too-deep') throw new BodyRefusal(400, 'json.too.deep', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (found === 'nul') throw new BodyRefusal(400, 'body.nul', `the JSON body's ${NUL_MESSAGE}`);
}

/** express.text's `verify` hook (CSV imports). */
export function verifyText(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string | null): void {
  requireUtf8(encoding);
  if (buf.includes(0)) throw new BodyRefusal(400, 'body.nul', `the body's ${NUL_MESSAGE}`);
}

/** Refuses `%00` anywhere in the URL (path or query): decoded, it would reach PostgreSQL as NUL. */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  next(/%00/i.test(req.originalUrl) ? badRequest(`the URL's ${NUL_MESSAGE}`) : undefined);
};
