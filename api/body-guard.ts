/**
 * Checks on requests made before any route reads them. On the raw bytes, before JSON.parse: JSON
 * nested deeper than MAX_JSON_DEPTH (a value a few thousand levels deep overflows the stack of
 * whatever recurses over it: zod, JSON.stringify, the Temporal payload converter) and a charset
 * other than UTF-8. Then `textProblem`, the text rule (common/text-rule.ts) over every string of the
 * path, the query and the body, which each route applies once its caller is known (api/route.ts);
 * token claims follow the same rule (api/auth.ts). Each is refused as 400 for every route at once.
 */
import type { IncomingMessage } from 'node:http';
import { findTextFault } from '../common/text-rule.js';
import { badRequest, type Problem } from './problem.js';

export const MAX_JSON_DEPTH = 32;

/** What body-parser expects a `verify` hook to throw: its status and type reach the problem handler. */
export class BodyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly type: 'json.too.deep' | 'charset.unsupported',
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One pass over UTF-8 JSON text: whether `[` and `{` outside strings nest deeper than `maxDepth`.
 * Only ASCII bytes are structural in UTF-8, so scanning bytes is exact; the text need not be valid
 * JSON (the parser that runs next says so).
 */
export function scanJson(buf: Uint8Array, maxDepth = MAX_JSON_DEPTH): 'too-deep' | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      if (b === BACKSLASH)
        i++; // whatever is escaped (a quote, a backslash) does not end the string
      else if (b === QUOTE) inString = false;
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

function requireUtf8(encoding: string | null): void {
  const e = (encoding ?? 'utf-8').toLowerCase();
  if (e !== 'utf-8' && e !== 'utf8') throw new BodyRefusal(415, 'charset.unsupported', `send the body as UTF-8, not ${e}`);
}

/** express.json's `verify` hook: runs on the raw body before JSON.parse. */
export function verifyJson(_req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string | null): void {
  requireUtf8(encoding);
  if (scanJson(buf) === 'too-deep') throw new BodyRefusal(400, 'json.too.deep', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** express.text's `verify` hook (CSV imports). */
export function verifyText(_req: IncomingMessage, _res: unknown, _buf: Buffer, encoding: string | null): void {
  requireUtf8(encoding);
}

/** The text rule over `values`, each under its name (`body`, `query`, `path`): a 400 naming the first bad field. */
export function textProblem(values: Record<string, unknown>): Problem | undefined {
  for (const [where, value] of Object.entries(values)) {
    const fault = findTextFault(value, where);
    if (fault) return badRequest(`${fault.path} ${fault.message}`, [fault]);
  }
  return undefined;
}
