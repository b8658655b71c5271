/**
 * The file name a client sent, made safe to store and to hand back in Content-Disposition: never a
 * reason to refuse an upload (browsers and scanners send odd names), always cleaned. One exception
 * comes before the name reaches here: a part header holding a raw C0 control character or DEL is not
 * a header (RFC 7578 has them percent-encoded, as browsers do), and the parser refuses the body as
 * malformed (400). Encoded (`filename*`) or C1 characters arrive and are cleaned.
 */
import type { Readable } from 'node:stream';

export const MAX_NAME_LENGTH = 200;
const FALLBACK = 'document';

// Control characters (C0, DEL, C1) and the bidirectional overrides that can make `exe.pdf` read as
// `fdp.exe`: invisible in a name, and dangerous in logs and headers.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The base name (whatever follows the last `/` or `\`, so `../../etc/passwd` and `C:\x\y.pdf` keep
 * only `passwd` and `y.pdf`), without control characters, trimmed, at most MAX_NAME_LENGTH code
 * points (the extension kept when it is short), and `document` when nothing is left.
 */
export function cleanName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const text = base.replace(UNSAFE, '').replace(LONE_SURROGATE, '').trim();
  if (text === '' || text === '.' || text === '..') return FALLBACK;
  const chars = [...text];
  if (chars.length <= MAX_NAME_LENGTH) return text;
  const dot = text.lastIndexOf('.');
  const ext = dot > 0 ? [...text.slice(dot)] : [];
  const keep = ext.length > 0 && ext.length <= 10 ? ext : [];
  return [...chars.slice(0, MAX_NAME_LENGTH - keep.length), ...keep].join('');
}

/** `attachment; filename*=UTF-8''…` (RFC 6266 / 5987), with an ASCII fallback for old clients. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * A download's answer: the bytes as an attachment under the stored name, with the stored type and
 * size, never to be sniffed as another type (so no browser shows an upload inline).
 */
export function attachment(doc: { name: string; mediaType: string; size: number }, content: Readable) {
  return {
    body: content,
    contentType: doc.mediaType,
    headers: { 'Content-Disposition': contentDisposition(doc.name), 'Content-Length': String(doc.size), 'X-Content-Type-Options': 'nosniff' },
  };
}
