/**
 * Checks on requests made before any route reads them. On the raw bytes, before JSON.parse: JSON
 * nested deeper than MAX_JSON_DEPTH (a value a few thousand levels deep overflows the stack of
 * whatever recurses over it: zod, JSON.stringify, the Temporal payload converter) and a charset
 * other than UTF-8. Then `textProblem`, the text rule (common/text-rule.ts) over every string of the
 * path, the query and the body, which each route applies once its caller is known (api/route.ts);
 * token claims follow the same rule (api/auth.ts). Each is refused as 400 for every route at once.
 */
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { findTextFault, textFault } from '../common/text-rule.js';
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

function requireUtf8Charset(encoding: string | null): void {
  const e = (encoding ?? 'utf-8').toLowerCase();
  if (e !== 'utf-8' && e !== 'utf8') throw new BodyRefusal(415, 'charset.unsupported', `send the body as UTF-8, not ${e}`);
}

/** Set on a request whose body bytes are not UTF-8 (see markNotUtf8). */
const NOT_UTF8 = Symbol('body is not UTF-8');

/**
 * Bytes that are not UTF-8 (a stray byte, or the three bytes a lone surrogate would have): the
 * decoder puts U+FFFD in their place and the text rule would never see them. Marked here, refused by
 * the route once the caller is authenticated (`textProblem`), like every other text.
 */
function markNotUtf8(req: IncomingMessage, buf: Buffer): void {
  if (!isUtf8(buf)) (req as IncomingMessage & { [NOT_UTF8]?: true })[NOT_UTF8] = true;
}

/** A 400 for a body whose bytes are not UTF-8 (marked by the body parsers' hooks). */
export function undecodableBody(req: IncomingMessage): Problem | undefined {
  if (!(req as IncomingMessage & { [NOT_UTF8]?: true })[NOT_UTF8]) return undefined;
  const message = 'is not valid UTF-8 (it holds a byte sequence no character has, such as a lone surrogate)';
  return badRequest(`the body ${message}`, [{ path: 'body', message }]);
}

const decodes = (component: string): string | undefined => {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};

/**
 * A query parameter whose percent-escapes are not UTF-8 (`%FF`, or `%ED%A0%80`, a lone surrogate's
 * bytes): Express's parser would decode it into U+FFFD and go on. Refused like the body's, naming
 * the parameter when its name can be shown.
 */
export function undecodableQuery(url: string): Problem | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const key = decodes(eq < 0 ? pair : pair.slice(0, eq));
    if (key !== undefined && (eq < 0 || decodes(pair.slice(eq + 1)) !== undefined)) continue;
    const path = key === undefined || textFault(key) ? 'query' : `query.${key}`;
    const message = 'is not percent-encoded UTF-8';
    return badRequest(`${path} ${message}`, [{ path, message }]);
  }
  return undefined;
}

/** express.json's `verify` hook: runs on the raw body before JSON.parse. */
export function verifyJson(req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string | null): void {
  requireUtf8Charset(encoding);
  markNotUtf8(req, buf);
  if (scanJson(buf) === 'too-deep') throw new BodyRefusal(400, 'json.too.deep', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/** express.text's `verify` hook (CSV imports). */
export function verifyText(req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string | null): void {
  requireUtf8Charset(encoding);
  markNotUtf8(req, buf);
}

/** The text rule over `values`, each under its name (`body`, `query`, `path`): a 400 naming the first bad field. */
export function textProblem(values: Record<string, unknown>): Problem | undefined {
  for (const [where, value] of Object.entries(values)) {
    const fault = findTextFault(value, where);
    if (fault) return badRequest(`${fault.path} ${fault.message}`, [fault]);
  }
  return undefined;
}
