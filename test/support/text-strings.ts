/**
 * The awkward strings of the text-property tests (test/api/text-openings.test.ts,
 * text-case-changes.test.ts, text-entries-and-queries.test.ts) and what a field must make of them;
 * nothing here touches the stack (that is text-stack.ts). Each property of those files sends an
 * awkward string (lone surrogates, NUL and the other C0/C1 controls and DEL, noncharacters, the BOM,
 * bidi controls, combining sequences, astral characters, strings at and past the field's maximum,
 * plain text, each amid ordinary text) in one field and holds that:
 *
 * - the answer is never 5xx;
 * - if `textFault` (common/text-rule.ts) refuses the string, the answer is a 400 problem whose
 *   `errors[0]` names the field with that fault, and nothing was created or changed (no case listed
 *   for the applicant, no workflow started, the entry or case as it was);
 * - otherwise it is accepted (2xx), or refused by the field's own schema (a maximum, a blank text: a
 *   400 naming the field, not the text rule), and reading it back through the API (the answer, the
 *   live case, the PostgreSQL projection behind the lists) shows the same code units — trimmed,
 *   where the field is a `Text` of templates/schema.ts, which stores text trimmed.
 *
 * A lone surrogate can be sent as itself only as a JSON escape (`\ud800`); in a URL or a CSV file it
 * can only be the bytes its code point would have, which are not UTF-8 (`wtf8`). Those bytes, and
 * stray ones, must be refused as the surrogate is, naming where, not decoded into U+FFFD and kept.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { textFault } from '../../common/text-rule.js';

/**
 * Runs per property (numRuns): the fixed examples of `coverage` for each field of the route (8 per
 * field: one per class of awkward text, the field's maximum and one past it, so that every class
 * reaches every field on every run) plus RANDOM_RUNS generated strings over random fields: 48 to 80
 * runs per property, about 940 in all (the three test files together), each one to five requests
 * on the real stack (most of them a workflow start or update). Measured on the 2-core machine, each
 * file with its own stack, stack start included: 22 s (openings), 20 s (case changes) and 8 s
 * (entries and queries) alone; 44 s for the three together, 94 s with two CPU-bound processes beside
 * them (38-46 s and 82 s when they were one file), well inside the 3 minutes allowed; 40 is what
 * leaves that margin for a machine busier still. A failing property stops at its first
 * counterexample (`endOnFailure`): shrinking would replay requests against cases the failure has
 * already changed, and each assertion says the request and the answer in full.
 */
export const RANDOM_RUNS = 40;

export type Answer = { status: number; body: any; headers: Headers };

// ---- awkward text ---------------------------------------------------------------------------

const unit = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** Ordinary text, including what matters to CSV, LIKE patterns, JSON and HTML. */
const ORDINARY = [
  'Acme',
  '中国口罩厂',
  'ئۇيغۇرچە',
  'שלום',
  'Ünïcødé',
  "O'Brien",
  '"quoted"',
  'a,b',
  '100%_done',
  'back\\slash',
  '<b>&amp;</b>',
  '%00',
  '\\u0000',
  'x',
];
const ordinary = fc.constantFrom(...ORDINARY);

/** Each class of awkward text; `refusable` classes hold characters the rule refuses (some or all). */
const CLASSES = {
  loneHigh: unit(0xd800, 0xdbff),
  loneLow: unit(0xdc00, 0xdfff),
  nul: fc.constant('\u0000'),
  c0: unit(0x01, 0x1f), // tab, LF and CR among them, which are kept
  delOrC1: unit(0x7f, 0x9f),
  anyUnits: fc.string({ unit: unit(0, 0xffff), maxLength: 4 }), // any UTF-16 code units
  anyCodePoints: fc.string({ unit: 'binary', maxLength: 4 }), // any code points, controls among them
  noncharacter: fc.constantFrom('\uFFFE', '\uFFFF', '\uFDD0', '\uFDEF', '\u{1FFFE}', '\u{10FFFF}'),
  bom: fc.constant('\uFEFF'),
  bidi: fc.constantFrom('\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'),
  combining: fc.oneof(
    fc.tuple(fc.constantFrom('e', 'A', 'Z', 'ك', 'ㄱ'), fc.array(unit(0x300, 0x36f), { minLength: 1, maxLength: 4 })).map(([b, m]) => b + m.join('')),
    fc.constantFrom('क्\u200Dष', 'नमस्ते', '\u1100\u1161\u11A8', 'e\u0301', '\u00E9', 'ﷺ'),
  ),
  astral: fc.oneof(
    fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    fc.constantFrom('😀', '\u{1F469}\u{1F3FD}\u200D\u{1F680}', '🇨🇳', '𠀋', '𝔘𝔫𝔦', '🏳️‍🌈'),
  ),
  space: fc.constantFrom(' ', '\t', '\n', '\r', '\r\n', '\u00A0', '\u2028', '\u2029', '\u3000', '\u200B'),
  ordinary,
};
const REFUSABLE: (keyof typeof CLASSES)[] = ['loneHigh', 'loneLow', 'nul', 'c0', 'delOrC1', 'anyUnits', 'anyCodePoints'];
/** About half the strings hold a refused character: refusable classes weigh 1, the others 2. */
const piece = fc.oneof(...Object.entries(CLASSES).map(([name, arbitrary]) => ({ arbitrary, weight: REFUSABLE.includes(name as never) ? 1 : 2 })));

const short = fc
  .tuple(fc.constantFrom('', 'Acme ', '张伟', 'note: '), fc.array(piece, { maxLength: 5 }), fc.constantFrom('', ' Ltd.', '。', ' end'))
  .map(([prefix, pieces, suffix]) => prefix + pieces.join('') + suffix);

/** `max + delta` characters (code points) of filler with one piece at its start, middle or end (a pair is never cut). */
const nearMax = (max: number) =>
  fc
    .record({ delta: fc.integer({ min: -2, max: 2 }), fill: fc.constantFrom('x', '中', '😀', 'e\u0301'), piece, at: fc.constantFrom('start', 'middle', 'end') })
    .map(({ delta, fill, piece: p, at }) => {
      const room = Math.max(max + delta - chars(p), 0);
      const n = Math.floor(room / chars(fill));
      const body = fill.repeat(n) + 'x'.repeat(room - n * chars(fill));
      const middle = Math.floor(n / 2) * fill.length;
      if (at === 'start') return p + body;
      if (at === 'end') return body + p;
      return body.slice(0, middle) + p + body.slice(middle);
    });

/** Awkward text for a field of at most `max` characters. */
const awkward = (max: number) => fc.oneof({ arbitrary: short, weight: 4 }, { arbitrary: nearMax(max), weight: 1 });

/** One string of each class, and the field's maximum and one past it: run first by every property. */
const coverage = (max: number): string[] => [
  'Acme \uD83D trading', // a lone high surrogate: an emoji cut in half
  'Zhang Wei\uDE00', // a lone low surrogate at the end
  'masks\u0000gowns', // NUL
  'red \u001B[31malert\u001B[0m', // C0: a terminal escape
  'next\u0085line\u007F', // C1 (NEL) and DEL
  // everything kept: a leading BOM (trimmed from a Text field) and one inside, bidi controls, an
  // Uyghur name, combining marks, noncharacters, astral characters and a ZWJ sequence, tab, CR LF
  '\uFEFFبسم \u202Eevil\u202C \u2066ئۇيغۇر\u2069 e\u0301 Z\u0335\u0336 \uFFFE\uFFFF\u{10FFFF} \u{1F469}\u{1F3FD}\u200D\u{1F680} 𠀋 a\uFEFFb\tend\r\n',
  'a'.repeat(Math.max(max - 1, 0)) + '😀', // exactly the maximum in characters (one unit more: a pair)
  '中'.repeat(max) + '\u0301', // one character past it
];

export const TEXT_RULE_MESSAGE = /^(the key )?holds (a lone UTF-16 surrogate|the NUL character|the control character)/;

/** What a field should do with `s`: refused by the text rule, refused by its own schema, or stored as `value`. */
export type Verdict = { kind: 'refused'; message: string } | { kind: 'schema' } | { kind: 'stored'; value: string };

/**
 * Characters as JSON Schema's `maxLength` and zod count them: code points (a pair is one character,
 * as it is to PostgreSQL), not UTF-16 units.
 */
export const chars = (s: string) => [...s].length;

/** A `Text(max)` field (templates/schema.ts): at most `max` characters as sent, not blank, stored trimmed. */
export function textVerdict(s: string, max: number): Verdict {
  const message = textFault(s);
  if (message) return { kind: 'refused', message };
  if (chars(s) > max || s.trim() === '') return { kind: 'schema' };
  return { kind: 'stored', value: s.trim() };
}

/** A free-form value (case details): stored as sent, if the whole fits. */
export function freeVerdict(s: string, fits: boolean): Verdict {
  const message = textFault(s);
  if (message) return { kind: 'refused', message };
  return fits ? { kind: 'stored', value: s } : { kind: 'schema' };
}

/** The code points of `s`, for messages (lone surrogates shown as such). */
export const units = (s: string): string =>
  s.length > 80 ? `${s.length} units, starting ${units(s.slice(0, 40))}` : [...s].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`).join(' ');

/**
 * The answer for a field that got `verdict`: never 5xx; the text rule's 400 naming `path`; a schema
 * 400 naming `schemaPath` (by default `path`), not about the text rule; or 2xx. True when stored.
 */
export function expectVerdict(r: Answer, verdict: Verdict, path: string, what: string, schemaPath = path): verdict is Verdict & { kind: 'stored' } {
  const why = `${what}\nanswer ${r.status} ${JSON.stringify(r.body)?.slice(0, 600)}`;
  expect(r.status, why).toBeLessThan(500);
  if (verdict.kind === 'refused') {
    expect(r.status, why).toBe(400);
    expect(r.headers.get('content-type'), why).toMatch(/^application\/problem\+json/);
    expect(r.body.errors?.[0], why).toEqual({ path, message: verdict.message });
    return false;
  }
  if (verdict.kind === 'schema') {
    expect(r.status, why).toBe(400);
    expect(r.headers.get('content-type'), why).toMatch(/^application\/problem\+json/);
    expect(
      r.body.errors?.map((e: any) => e.path),
      why,
    ).toContain(schemaPath);
    for (const e of r.body.errors ?? []) expect(e.message, why).not.toMatch(TEXT_RULE_MESSAGE);
    return false;
  }
  expect(r.status, why).toBeGreaterThanOrEqual(200);
  expect(r.status, why).toBeLessThan(300);
  return true;
}

/**
 * Runs `property(s, field)` on the coverage examples of each field (its maximum from `fieldsMax`, else
 * `max`), then on RANDOM_RUNS generated strings and fields; then fails if bytes that are not UTF-8 got through.
 */
export async function holds(max: number, property: (s: string, field: number) => Promise<void>, fields = 1, fieldsMax?: (field: number) => number) {
  const examples: [string, number][] = [];
  for (let f = 0; f < fields; f++) for (const s of coverage(fieldsMax ? fieldsMax(f) : max)) examples.push([s, f]);
  // Every field of the route gets every class (fields × 8 examples); then random strings and fields.
  illFormedMisses.splice(0);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: fields - 1 }).chain((f) => fc.tuple(awkward(fieldsMax ? fieldsMax(f) : max), fc.constant(f))),
      ([s, f]) => property(s, f),
    ),
    { numRuns: examples.length + RANDOM_RUNS, examples: examples.map((e) => [e]), endOnFailure: true },
  );
  const missed = illFormedMisses.splice(0);
  expect(missed, `bytes that are not UTF-8 were not refused:\n${missed.join('\n')}`).toEqual([]);
}

/**
 * Requests whose bytes were not UTF-8 (a lone surrogate's, see `wtf8`) and that were not refused as
 * they must be: collected rather than failed at once, so that the property still checks every other
 * class on its route, then fails naming each of them.
 */
export const illFormedMisses: string[] = [];

// ---- percent-encoding, as a URL carries text -------------------------------------------------

/**
 * The bytes of `s` in UTF-8; a lone surrogate as the three bytes its code point would have (ED A0 80
 * for U+D800: "WTF-8"), the only way a URL, a CSV file or any UTF-8 text can carry one, and which no
 * UTF-8 decoder accepts. (JSON carries one as `\ud800`; encodeURIComponent throws on one, and
 * fetch, TextEncoder and URLSearchParams turn it into U+FFFD before it leaves.)
 */
export function wtf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** `s` percent-encoded as a URL component (its `wtf8` bytes; letters, digits, `-_~` as they are). */
export const percent = (s: string) =>
  wtf8(s)
    .map((b) => (/[A-Za-z0-9_~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');

/**
 * What a URL component holding `s` should get: as `textVerdict`, except that a lone surrogate
 * (sent as bytes that are not UTF-8, see `percent`) is refused naming the field whatever the message.
 */
export function urlVerdict(s: string, max: number): Verdict | { kind: 'ill-formed' } {
  return wellFormed(s) ? textVerdict(s, max) : { kind: 'ill-formed' };
}

/** A key as a problem may show it: its refused characters written as code points (`<U+0000>`). */
// eslint-disable-next-line no-control-regex -- the refused control characters, as the rule names them
const REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const keyShown = (key: string) => key.replace(REFUSED, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);

/** No lone surrogate (String.prototype.isWellFormed, which ES2022 lacks). */
export const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** As `expectVerdict`; bytes that are not UTF-8 must be refused with 400 naming the field (or, for a path, the path: see below). */
export function expectUrlVerdict(r: Answer, verdict: ReturnType<typeof urlVerdict>, path: string, what: string): boolean {
  if (verdict.kind !== 'ill-formed') return expectVerdict(r, verdict, path, what);
  const why = `${what}\nanswer ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`;
  expect(r.status, why).toBeLessThan(500);
  // The router fails to decode a path parameter before the route names it (api/problem.ts answers
  // that with `path`); a query parameter or a body field is named.
  const named = path.startsWith('path.') ? [path, 'path'].includes(r.body?.errors?.[0]?.path) : r.body?.errors?.[0]?.path === path;
  if (r.status !== 400 || !/^application\/problem\+json/.test(r.headers.get('content-type') ?? '') || !named) illFormedMisses.push(why);
  return false;
}
