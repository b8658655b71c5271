/**
 * The one rule for text that enters OneStop, from a request body, a query, a path or a token claim.
 * Text that breaks it is refused with 400 where it enters, before anything starts: a string that
 * PostgreSQL refuses later cannot be projected, so a case holding one would retry for ever.
 *
 * Refused, and why:
 * - a lone UTF-16 surrogate (U+D800–U+DFFF not in a pair): valid JSON (`"\udfff"`), but not a
 *   Unicode character; it has no UTF-8 form, so PostgreSQL refuses it (22P02) and so does every
 *   UTF-8 file, mail or log line it would reach;
 * - NUL (U+0000): PostgreSQL text cannot hold it (22021);
 * - every other control character but tab, line feed and carriage return (U+0001–U+001F, DEL
 *   U+007F, the C1 controls U+0080–U+009F): no name, comment or document title needs them, they
 *   are invisible on screen, and they carry terminal escapes into logs and CSV exports.
 *
 * An object key named `__proto__` is refused too: a JavaScript object cannot keep it as a key.
 *
 * Kept exactly as sent: everything else, among it noncharacters (U+FFFE, U+FFFF…, which Unicode
 * allows in text that is interchanged), the byte-order mark (U+FEFF) inside text, bidirectional
 * controls (U+202A–U+202E, U+2066–U+2069: names written right to left, Uyghur among them, need
 * them), combining sequences, and any length a field's schema allows.
 */

/** A control character the rule refuses (NUL included). Tab (U+0009), LF (U+000A) and CR (U+000D) are kept. */
// eslint-disable-next-line no-control-regex -- matching control characters is this rule's purpose
const REFUSED_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The rule's control characters as a `pattern` for the OpenAPI document (the whole string free of
 * them), so that clients and fuzzers can see it. Lone surrogates are left to the document's
 * description: regex engines that work on UTF-8 (Rust's, Go's: validators and fuzzers use them)
 * cannot name a surrogate at all, and a client sending UTF-8 cannot send one; only a JSON `\u`
 * escape can, and that is refused all the same.
 */
export const TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` breaks the rule (naming the character and where it is, never quoting the text), or undefined. */
export function textFault(text: string): string | undefined {
  const control = REFUSED_CONTROL.exec(text);
  const surrogate = LONE_SURROGATE.exec(text);
  const first = [control, surrogate].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index)[0];
  if (!first) return undefined;
  const code = first[0].charCodeAt(0);
  const at = `at position ${first.index}`;
  if (first === surrogate) return `holds a lone UTF-16 surrogate (${hex(code)}) ${at}, which is not a Unicode character`;
  if (code === 0) return `holds the NUL character (U+0000) ${at}, which PostgreSQL text cannot hold`;
  return `holds the control character ${hex(code)} ${at}; of the control characters only tab, line feed and carriage return are allowed`;
}

export interface TextFault {
  /** Dotted path of the field (`body.applicant.name`, `query.dept`, `token.sub`); a key's own fault ends in its name. */
  path: string;
  message: string;
}

/**
 * The first string in `value` (object keys included) that breaks the rule, with its path under
 * `where`. JSON bodies are at most 32 levels deep (api/body-guard.ts), so recursion is bounded.
 */
export function findTextFault(value: unknown, where: string): TextFault | undefined {
  if (typeof value === 'string') {
    const message = textFault(value);
    return message ? { path: where, message } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const fault = findTextFault(v, `${where}.${i}`);
      if (fault) return fault;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // JSON.parse makes `__proto__` an own key; copied onto a plain object (zod does) it sets the
      // prototype instead and the key is silently gone, so it is refused rather than lost.
      if (k === '__proto__') return { path: `${where}.__proto__`, message: 'the key __proto__ is not allowed (a JavaScript object cannot keep it)' };
      const keyFault = textFault(k);
      // The key itself cannot be shown; its index among the object's keys can.
      if (keyFault) return { path: `${where}.${safeKey(k)}`, message: `the key ${keyFault}` };
      const fault = findTextFault(v, `${where}.${k}`);
      if (fault) return fault;
    }
  }
  return undefined;
}

/** A key as it may be shown back: with refused characters replaced by their code points. */
function safeKey(key: string): string {
  return key.replace(new RegExp(`${REFUSED_CONTROL.source}|${LONE_SURROGATE.source}`, 'g'), (c) => `<${hex(c.charCodeAt(0))}>`);
}

/**
 * `value` with every refused character replaced by U+FFFD, deep (keys too). For what the API shows of
 * data that got past the edge (a case stopped on an incident because PostgreSQL refused its text):
 * the API never answers with text it would itself refuse.
 */
export function withRefusedReplaced<T>(value: T): T {
  const refused = new RegExp(`${REFUSED_CONTROL.source}|${LONE_SURROGATE.source}`, 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(refused, '\uFFFD');
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
