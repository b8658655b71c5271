/**
 * The text rule (common/text-rule.ts), property by property, over every route that takes text, on
 * the real stack (Temporal dev server, PostgreSQL, worker, app). Each property sends an awkward
 * string (lone surrogates, NUL and the other C0/C1 controls and DEL, noncharacters, the BOM, bidi
 * controls, combining sequences, astral characters, strings at and past the field's maximum, plain
 * text, each amid ordinary text) in one field and holds that:
 *
 * - the answer is never 5xx;
 * - if `textFault` refuses the string, the answer is a 400 problem whose `errors[0]` names the field
 *   with that fault, and nothing was created or changed (no case listed for the applicant, no
 *   workflow started, the entry or case as it was);
 * - otherwise it is accepted (2xx), or refused by the field's own schema (a maximum, a blank text: a
 *   400 naming the field, not the text rule), and reading it back through the API (the answer, the
 *   live case, the PostgreSQL projection behind the lists) shows the same code units — trimmed,
 *   where the field is a `Text` of templates/schema.ts, which stores text trimmed.
 *
 * A lone surrogate can be sent as itself only as a JSON escape (`\ud800`); in a URL or a CSV file it
 * can only be the bytes its code point would have, which are not UTF-8 (`wtf8`). Those bytes, and
 * stray ones, must be refused as the surrogate is, naming where, not decoded into U+FFFD and kept.
 *
 * Then the cases used still take a decision (none is stuck), no incident names them, and Temporal
 * holds no workflow for a refused opening. Tokens whose claims break the rule are refused with 400
 * naming the claim, and counted against the caller's address by the rate limiter.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { pino } from 'pino';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createApp } from '../../api/app.js';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import { textFault } from '../../common/text-rule.js';
import type { Actor } from '../../common/types.js';
import { createPool, type Pool } from '../../db/pool.js';
import { loadConfig } from '../../infra/config.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { applicant, opener } from '../support/fixtures.js';
import { OpenApiConformance } from '../support/openapi-conformance.js';
import { api, startStack, TEST_SECRET, tokenFor, UNLIMITED, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

/**
 * Runs per property (numRuns): the fixed examples of `coverage` for each field of the route (8 per
 * field: one per class of awkward text, the field's maximum and one past it, so that every class
 * reaches every field on every run) plus RANDOM_RUNS generated strings over random fields: 48 to 80
 * runs per property, about 940 in all, each one to five requests on the real stack (most of them a
 * workflow start or update). Measured: 38-46 s for the file alone on the 2-core machine, 82 s with
 * two CPU-bound processes beside it (stack start included), well inside the 3 minutes allowed; 40 is
 * what leaves that margin for a machine busier still. A failing property stops at its first
 * counterexample (`endOnFailure`): shrinking would replay requests against cases the failure has
 * already changed, and each assertion says the request and the answer in full.
 */
const RANDOM_RUNS = 40;

let stack: Stack;
let call: ReturnType<typeof api>;

const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const admin: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };
const supervisorOf = (dept: string): Actor => ({ sub: `${dept}-chief`, name: `Chief of ${dept}`, roles: ['supervisor'], dept });
const officerOf = (dept: string): Actor => ({ sub: `${dept}-officer`, name: `Officer of ${dept}`, roles: ['caseworker'], dept });

type Answer = { status: number; body: any; headers: Headers };

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

const TEXT_RULE_MESSAGE = /^(the key )?holds (a lone UTF-16 surrogate|the NUL character|the control character)/;

/** What a field should do with `s`: refused by the text rule, refused by its own schema, or stored as `value`. */
type Verdict = { kind: 'refused'; message: string } | { kind: 'schema' } | { kind: 'stored'; value: string };

/**
 * Characters as JSON Schema's `maxLength` and zod count them: code points (a pair is one character,
 * as it is to PostgreSQL), not UTF-16 units.
 */
const chars = (s: string) => [...s].length;

/** A `Text(max)` field (templates/schema.ts): at most `max` characters as sent, not blank, stored trimmed. */
function textVerdict(s: string, max: number): Verdict {
  const message = textFault(s);
  if (message) return { kind: 'refused', message };
  if (chars(s) > max || s.trim() === '') return { kind: 'schema' };
  return { kind: 'stored', value: s.trim() };
}

/** A free-form value (case details): stored as sent, if the whole fits. */
function freeVerdict(s: string, fits: boolean): Verdict {
  const message = textFault(s);
  if (message) return { kind: 'refused', message };
  return fits ? { kind: 'stored', value: s } : { kind: 'schema' };
}

/** The code points of `s`, for messages (lone surrogates shown as such). */
const units = (s: string): string =>
  s.length > 80 ? `${s.length} units, starting ${units(s.slice(0, 40))}` : [...s].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`).join(' ');

/**
 * The answer for a field that got `verdict`: never 5xx; the text rule's 400 naming `path`; a schema
 * 400 naming `schemaPath` (by default `path`), not about the text rule; or 2xx. True when stored.
 */
function expectVerdict(r: Answer, verdict: Verdict, path: string, what: string, schemaPath = path): verdict is Verdict & { kind: 'stored' } {
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
async function holds(max: number, property: (s: string, field: number) => Promise<void>, fields = 1, fieldsMax?: (field: number) => number) {
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
const illFormedMisses: string[] = [];

// ---- percent-encoding, as a URL carries text -------------------------------------------------

/**
 * The bytes of `s` in UTF-8; a lone surrogate as the three bytes its code point would have (ED A0 80
 * for U+D800: "WTF-8"), the only way a URL, a CSV file or any UTF-8 text can carry one, and which no
 * UTF-8 decoder accepts. (JSON carries one as `\ud800`; encodeURIComponent throws on one, and
 * fetch, TextEncoder and URLSearchParams turn it into U+FFFD before it leaves.)
 */
function wtf8(s: string): number[] {
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
const percent = (s: string) =>
  wtf8(s)
    .map((b) => (/[A-Za-z0-9_~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');

/** A request whose body is `bytes` as they are (`call` sends a string, which fetch makes UTF-8), checked against the OpenAPI document. */
async function callBytes(method: string, path: string, as: Actor, bytes: Uint8Array, contentType: string): Promise<Answer> {
  const res = await fetch(stack.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(as)}`, 'content-type': contentType },
    body: Buffer.from(bytes),
  });
  const text = await res.text();
  const body: unknown = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  (await OpenApiConformance.load(stack.baseUrl)).check(method, path, { status: res.status, contentType: res.headers.get('content-type'), body });
  return { status: res.status, body, headers: res.headers };
}

/**
 * What a URL component holding `s` should get: as `textVerdict`, except that a lone surrogate
 * (sent as bytes that are not UTF-8, see `percent`) is refused naming the field whatever the message.
 */
function urlVerdict(s: string, max: number): Verdict | { kind: 'ill-formed' } {
  return wellFormed(s) ? textVerdict(s, max) : { kind: 'ill-formed' };
}

/** A key as a problem may show it: its refused characters written as code points (`<U+0000>`). */
// eslint-disable-next-line no-control-regex -- the refused control characters, as the rule names them
const REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const keyShown = (key: string) => key.replace(REFUSED, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);

/** No lone surrogate (String.prototype.isWellFormed, which ES2022 lacks). */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** As `expectVerdict`; bytes that are not UTF-8 must be refused with 400 naming the field (or, for a path, the path: see below). */
function expectUrlVerdict(r: Answer, verdict: ReturnType<typeof urlVerdict>, path: string, what: string): boolean {
  if (verdict.kind !== 'ill-formed') return expectVerdict(r, verdict, path, what);
  const why = `${what}\nanswer ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`;
  expect(r.status, why).toBeLessThan(500);
  // The router fails to decode a path parameter before the route names it (api/problem.ts answers
  // that with `path`); a query parameter or a body field is named.
  const named = path.startsWith('path.') ? [path, 'path'].includes(r.body?.errors?.[0]?.path) : r.body?.errors?.[0]?.path === path;
  if (r.status !== 400 || !/^application\/problem\+json/.test(r.headers.get('content-type') ?? '') || !named) illFormedMisses.push(why);
  return false;
}

// ---- cases and what the properties used -------------------------------------------------------

interface UsedCase {
  caseId: string;
  code: string;
  kind: 'one-stop' | 'produce-first' | 'claim';
}
/** Every case a property opened or changed: afterwards each must still take a decision. */
const used = new Map<string, UsedCase>();
/** Credit codes of accepted openings (one workflow each), and of refused ones (none). */
const acceptedCodes = new Set<string>();
const refusedCodes = new Set<string>();

let serial = 0;
/** A fresh, valid credit code: each opening is for an enterprise of its own, so lists and Temporal can be asked about it alone. */
function freshCode(): string {
  const first17 = `9135${String(++serial).padStart(6, '0')}${String(Date.now() % 1e7).padStart(7, '0')}`;
  return first17 + creditCodeCheckChar(first17)!;
}

const applicantFor = (code: string) => ({ ...applicant, creditCode: code });
const PLEDGE = { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to obtain every missing qualification in time.' };
const produceFirstDetails = () => ({ pledge: { ...PLEDGE }, products: [{ name: 'medical protective suits', description: 'EN 14126' }] });
const claimDetails = () => ({
  policyNumber: 'PL-2020-000123',
  claimedAmount: { amount: 50_000_000, currency: 'CNY' },
  loss: { description: 'production halted for 21 days by the quarantine order', occurredAt: '2020-02-01T00:00:00Z' },
  evidence: [{ name: 'quarantine order', ref: 'doc://quarantine-order' }],
});
const TEMPLATES = { 'one-stop': 'mask-line-fast-track', 'produce-first': 'produce-first-epidemic-supplies', claim: 'liability-claim-fast-channel' } as const;

async function open(kind: UsedCase['kind'], over: { applicant?: unknown; details?: unknown } = {}): Promise<{ r: Answer; code: string }> {
  const code = freshCode();
  const details = kind === 'one-stop' ? { product: 'masks' } : kind === 'produce-first' ? produceFirstDetails() : claimDetails();
  const body = { templateId: TEMPLATES[kind], applicant: applicantFor(code), details, ...over };
  if (over.applicant) (body.applicant as { creditCode: string }).creditCode = code;
  const r = await call('POST', '/v1/cases', { as: opener, body });
  if (r.status === 201) {
    acceptedCodes.add(code);
    used.set(r.body.caseId, { caseId: r.body.caseId, code, kind });
  } else refusedCodes.add(code);
  return { r, code };
}

async function openOk(kind: UsedCase['kind']): Promise<UsedCase> {
  const { r } = await open(kind);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return used.get(r.body.caseId)!;
}

const getCase = async (caseId: string) => {
  const r = await call('GET', `/v1/cases/${caseId}`, { as: auditor });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};

/** The projected cases of an enterprise, as the list shows them (PostgreSQL, not the workflow). */
async function listed(code: string): Promise<any[]> {
  const r = await call('GET', `/v1/cases?applicant=${code}&limit=200`, { as: auditor });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items.filter((c: any) => c.applicant.creditCode === code);
}

/** Waits until the projection of `c` satisfies `shows` (it is written just after each answer). */
async function projectionShows(c: UsedCase, shows: (view: any) => boolean, what: string): Promise<void> {
  try {
    await waitFor(
      () => listed(c.code),
      (items) => items.length === 1 && shows(items[0]),
    );
  } catch (err) {
    throw new Error(`the projection of ${c.caseId} never showed ${what}: ${(err as Error).message}`, { cause: err });
  }
}

/** The workflow's own publication (seq 1 or later) has replaced the API's first view (seq 0). */
async function workflowPublished(caseId: string): Promise<void> {
  await waitFor(
    async () => (await stack.db.pool.query('SELECT seq FROM cases WHERE case_id = $1', [caseId])).rows[0]?.seq,
    (seq) => Number(seq) >= 1,
  );
}

const task = (c: any, id: string) => c.tasks.find((t: any) => t.taskId === id);
const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown>) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body });

/** What a refused change must leave as it was. */
async function snapshot(caseId: string): Promise<unknown> {
  const c = await getCase(caseId);
  return {
    status: c.status,
    tasks: c.tasks.map((t: any) => [t.taskId, t.status, t.outcome, t.comment, t.requestedDocuments, t.assignee, t.assigneeName]),
    supplements: c.supplements,
    comments: c.comments,
    decision: c.decision,
    obligations: c.obligations?.map((o: any) => [o.qualification, o.status, o.filings.length]),
  };
}

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

// ---- the properties ---------------------------------------------------------------------------

describe('opening a case', () => {
  /** The details' 64 KB of JSON (api/schemas.ts), less what the rest of the details takes. */
  const DETAILS_MAX = 65_536;

  test('one-stop: applicant name, contact name, a details value and a details key; and the list query by name', async () => {
    const fields = [
      { path: 'body.applicant.name', max: 200 },
      { path: 'body.applicant.contact.name', max: 100 },
      { path: 'body.details.note', max: DETAILS_MAX - JSON.stringify({ product: 'masks', note: '' }).length },
      { path: 'body.details.<key>', max: 100 },
    ];
    await holds(
      0,
      async (s, f) => {
        const field = fields[f]!;
        let over: { applicant?: unknown; details?: unknown };
        let verdict: Verdict;
        let path = field.path;
        let schemaPath = field.path;
        if (f === 0) {
          over = { applicant: { ...applicant, name: s } };
          verdict = textVerdict(s, field.max);
        } else if (f === 1) {
          over = { applicant: { ...applicant, contact: { ...applicant.contact, name: s } } };
          verdict = textVerdict(s, field.max);
        } else if (f === 2) {
          const details = { product: 'masks', note: s };
          over = { details };
          verdict = freeVerdict(s, JSON.stringify(details).length <= DETAILS_MAX);
          schemaPath = 'body.details';
        } else {
          over = { details: { product: 'masks', [s]: 'value' } };
          const fault = textFault(s);
          // A key's fault names the key with its refused characters written as code points.
          path = `body.details.${keyShown(s)}`;
          verdict = fault ? { kind: 'refused', message: `the key ${fault}` } : chars(s) > 100 ? { kind: 'schema' } : { kind: 'stored', value: s };
          schemaPath = `body.details.${s}`;
        }
        const { r, code } = await open('one-stop', over);
        const what = `POST /v1/cases with ${field.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, path, what, schemaPath)) {
          expect(await listed(code), what).toEqual([]);
          expect((await stack.db.pool.query('SELECT count(*)::int AS n FROM cases WHERE applicant_code = $1', [code])).rows[0].n, what).toBe(0);
          return;
        }
        const c = used.get(r.body.caseId)!;
        const read = (view: any) =>
          f === 0
            ? view.applicant.name
            : f === 1
              ? view.applicant.contact.name
              : f === 2
                ? view.details.note
                : Object.hasOwn(view.details, s)
                  ? view.details[s]
                  : undefined;
        const want = f === 3 ? 'value' : verdict.value;
        if (f === 3) expect(Object.keys(r.body.details).sort(), what).toEqual(['product', s].sort());
        expect(read(r.body), `${what}: the answer`).toBe(want);
        await workflowPublished(c.caseId);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(want);
        const [item] = await listed(code);
        expect(read(item), `${what}: the list (projection)`).toBe(want);
        if (f === 0) {
          // The list's applicant filter, sent as the name was: it finds the case by its name.
          const q = await call('GET', `/v1/cases?applicant=${percent(s)}&limit=200`, { as: auditor });
          const qv = urlVerdict(s, 200);
          if (expectUrlVerdict(q, qv, 'query.applicant', `GET /v1/cases?applicant= ${units(s)}`))
            expect(
              q.body.items.map((i: any) => i.caseId),
              `GET /v1/cases?applicant= ${units(s)}`,
            ).toContain(c.caseId);
        }
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });

  test('a details key that JavaScript objects treat specially (`__proto__`) is kept, or refused naming it: never dropped', async () => {
    // JSON.parse makes `__proto__` an own key like any other; copying it onto a plain object sets the
    // object's prototype instead, and the key is gone. The raw text, since JSON.stringify of an object
    // literal would not send it.
    for (const key of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const code = freshCode();
      const raw = `{"templateId":"${TEMPLATES['one-stop']}","applicant":${JSON.stringify(applicantFor(code))},"details":{"product":"masks","${key}":"value"}}`;
      const r = await call('POST', '/v1/cases', { as: opener, raw });
      const what = `POST /v1/cases with details {"product":"masks","${key}":"value"}: ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`;
      expect(r.status, what).toBeLessThan(500);
      if (r.status !== 201) {
        refusedCodes.add(code);
        expect(r.status, what).toBe(400);
        expect(r.body.errors?.[0]?.path, what).toBe(`body.details.${key}`);
        continue;
      }
      acceptedCodes.add(code);
      used.set(r.body.caseId, { caseId: r.body.caseId, code, kind: 'one-stop' });
      const shown = (v: any) => (Object.hasOwn(v.details, key) ? v.details[key] : undefined);
      expect(shown(r.body), `${what}: the answer`).toBe('value');
      await workflowPublished(r.body.caseId);
      expect(shown(await getCase(r.body.caseId)), `${what}: the live case`).toBe('value');
    }
  });

  test('produce first: the pledge (text, signer) and a product (name, description)', async () => {
    const fields = [
      { path: 'body.details.pledge.text', max: 20_000, set: (d: any, s: string) => (d.pledge.text = s), read: (d: any) => d.pledge.text },
      { path: 'body.details.pledge.signedBy', max: 200, set: (d: any, s: string) => (d.pledge.signedBy = s), read: (d: any) => d.pledge.signedBy },
      { path: 'body.details.products.0.name', max: 200, set: (d: any, s: string) => (d.products[0].name = s), read: (d: any) => d.products[0].name },
      {
        path: 'body.details.products.0.description',
        max: 2000,
        set: (d: any, s: string) => (d.products[0].description = s),
        read: (d: any) => d.products[0].description,
      },
    ];
    await holds(
      0,
      async (s, f) => {
        const field = fields[f]!;
        const details = produceFirstDetails();
        field.set(details, s);
        const verdict = textVerdict(s, field.max);
        const { r, code } = await open('produce-first', { details });
        const what = `POST /v1/cases (produce first) with ${field.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, field.path, what)) {
          expect(await listed(code), what).toEqual([]);
          return;
        }
        expect(field.read(r.body.details), `${what}: the answer`).toBe(verdict.value);
        if (f < 2) expect(f === 0 ? r.body.pledge.text : r.body.pledge.signedBy, `${what}: the pledge`).toBe(verdict.value);
        await workflowPublished(r.body.caseId);
        expect(field.read((await getCase(r.body.caseId)).details), `${what}: the live case`).toBe(verdict.value);
        const [item] = await listed(code);
        expect(field.read(item.details), `${what}: the list (projection)`).toBe(verdict.value);
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });

  test('claims: policy number, loss description, evidence name and reference', async () => {
    const fields = [
      { path: 'body.details.policyNumber', max: 100, set: (d: any, s: string) => (d.policyNumber = s), read: (d: any) => d.policyNumber },
      { path: 'body.details.loss.description', max: 10_000, set: (d: any, s: string) => (d.loss.description = s), read: (d: any) => d.loss.description },
      { path: 'body.details.evidence.0.name', max: 200, set: (d: any, s: string) => (d.evidence[0].name = s), read: (d: any) => d.evidence[0].name },
      { path: 'body.details.evidence.0.ref', max: 500, set: (d: any, s: string) => (d.evidence[0].ref = s), read: (d: any) => d.evidence[0].ref },
    ];
    await holds(
      0,
      async (s, f) => {
        const field = fields[f]!;
        const details = claimDetails();
        field.set(details, s);
        const verdict = textVerdict(s, field.max);
        const { r, code } = await open('claim', { details });
        const what = `POST /v1/cases (claim) with ${field.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, field.path, what)) {
          expect(await listed(code), what).toEqual([]);
          return;
        }
        expect(field.read(r.body.details), `${what}: the answer`).toBe(verdict.value);
        await workflowPublished(r.body.caseId);
        expect(field.read((await getCase(r.body.caseId)).details), `${what}: the live case`).toBe(verdict.value);
        const [item] = await listed(code);
        expect(field.read(item.details), `${what}: the list (projection)`).toBe(verdict.value);
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });
});

describe('changing a case', () => {
  test("a decision's comment and requested documents (request-info on health, then a supplement reopens it)", async () => {
    const c = await openOk('one-stop');
    const fields = [
      { path: 'body.comment', max: 4000 },
      { path: 'body.requestedDocuments.0', max: 200 },
    ];
    await holds(
      0,
      async (s, f) => {
        const body =
          f === 0 ? { outcome: 'request-info', comment: s, requestedDocuments: ['floor plan'] } : { outcome: 'request-info', requestedDocuments: [s] };
        const verdict = textVerdict(s, fields[f]!.max);
        const before = await snapshot(c.caseId);
        const r = await decide(c.caseId, 'health', officerOf('health'), body);
        const what = `POST /v1/cases/:caseId/tasks/health/decision with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        const read = (view: any) => (f === 0 ? task(view, 'health').comment : task(view, 'health').requestedDocuments[0]);
        expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
        await projectionShows(c, (v) => v.status === 'awaiting-supplement' && read(v) === verdict.value, `${what}: the list (projection)`);
        // The supplement reopens the task for the next run.
        const sup = await call('POST', `/v1/cases/${c.caseId}/supplements`, { as: opener, body: { documents: [{ name: 'floor plan', ref: 'doc://plan' }] } });
        expect(sup.status, JSON.stringify(sup.body)).toBe(200);
        expect(task(sup.body, 'health').status).toBe('open');
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });

  test("a supplement's document name and reference, and its note", async () => {
    const c = await openOk('one-stop');
    const fields = [
      { path: 'body.documents.0.name', max: 200, read: (s: any) => s.documents[0].name },
      { path: 'body.documents.0.ref', max: 500, read: (s: any) => s.documents[0].ref },
      { path: 'body.note', max: 4000, read: (s: any) => s.note },
    ];
    await holds(
      0,
      async (s, f) => {
        const now = await getCase(c.caseId);
        if (now.status !== 'awaiting-supplement') {
          const asked = await decide(c.caseId, 'health', officerOf('health'), { outcome: 'request-info', requestedDocuments: ['floor plan'] });
          expect(asked.status, JSON.stringify(asked.body)).toBe(200);
        }
        const doc = { name: 'floor plan', ref: 'doc://plan' };
        const body = f === 0 ? { documents: [{ ...doc, name: s }] } : f === 1 ? { documents: [{ ...doc, ref: s }] } : { documents: [doc], note: s };
        const verdict = textVerdict(s, fields[f]!.max);
        const before = await snapshot(c.caseId);
        const r = await call('POST', `/v1/cases/${c.caseId}/supplements`, { as: opener, body });
        const what = `POST /v1/cases/:caseId/supplements with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        const n = r.body.supplements.length;
        const read = (view: any) => view.supplements.length === n && fields[f]!.read(view.supplements.at(-1));
        expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
        await projectionShows(c, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });

  test('a produce-first certificate filing: number, issuer, document reference', async () => {
    const QUALIFICATIONS = ['production-licence', 'medical-device-registration', 'product-inspection-report'];
    /** Provisional cases, each with the obligations not yet filed. */
    let current: { c: UsedCase; left: string[] } | undefined;
    const provisional = async () => {
      if (current?.left.length) return current;
      const c = await openOk('produce-first');
      const permit = await decide(c.caseId, 'eligibility', supervisorOf('industry-it'), { outcome: 'approve' });
      expect(permit.status, JSON.stringify(permit.body)).toBe(200);
      return (current = { c, left: [...QUALIFICATIONS] });
    };
    const fields = [
      { path: 'body.number', max: 100, key: 'number' },
      { path: 'body.issuer', max: 200, key: 'issuer' },
      { path: 'body.documentRef', max: 500, key: 'documentRef' },
    ] as const;
    await holds(
      0,
      async (s, f) => {
        const { c, left } = await provisional();
        const qualification = left[0]!;
        const body = {
          qualification,
          number: 'PL-1',
          issuer: 'Fujian Market Regulation',
          issuedAt: '2020-03-01',
          documentRef: 'doc://pl',
          [fields[f]!.key]: s,
        };
        const verdict = textVerdict(s, fields[f]!.max);
        const before = await snapshot(c.caseId);
        const r = await call('POST', `/v1/cases/${c.caseId}/certificates`, { as: opener, body });
        const what = `POST /v1/cases/:caseId/certificates with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        left.shift();
        const read = (view: any) => view.obligations.find((o: any) => o.qualification === qualification).filings.at(-1)?.[fields[f]!.key];
        expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
        await projectionShows(c, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });

  test("a withdrawal's reason", async () => {
    let c: UsedCase | undefined;
    await holds(2000, async (s) => {
      c ??= await openOk('one-stop');
      const verdict = textVerdict(s, 2000);
      const before = await snapshot(c.caseId);
      const r = await call('POST', `/v1/cases/${c.caseId}/withdraw`, { as: opener, body: { reason: s } });
      const what = `POST /v1/cases/:caseId/withdraw with body.reason = ${units(s)}`;
      if (!expectVerdict(r, verdict, 'body.reason', what)) {
        expect(await snapshot(c.caseId), what).toEqual(before);
        return;
      }
      const read = (view: any) => view.status === 'withdrawn' && view.decision.reasons[0].reason;
      expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
      const withdrawn = c;
      c = undefined; // the next run withdraws another case
      await projectionShows(withdrawn, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
      expect(read(await getCase(withdrawn.caseId)), `${what}: the case, closed`).toBe(verdict.value);
    });
  });

  test("a comment's text", async () => {
    const c = await openOk('one-stop');
    await holds(4000, async (s) => {
      const verdict = textVerdict(s, 4000);
      const before = await snapshot(c.caseId);
      const r = await call('POST', `/v1/cases/${c.caseId}/comments`, { as: auditor, body: { text: s, taskId: 'health' } });
      const what = `POST /v1/cases/:caseId/comments with body.text = ${units(s)}`;
      if (!expectVerdict(r, verdict, 'body.text', what)) {
        expect(await snapshot(c.caseId), what).toEqual(before);
        return;
      }
      const n = r.body.comments.length;
      const read = (view: any) => view.comments.length === n && view.comments.at(-1).text;
      expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
      expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
      await projectionShows(c, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
    });
  });

  test("an assignment's assignee and assignee name; the inbox's assignee query", async () => {
    const c = await openOk('one-stop');
    const fields = [
      { path: 'body.assignee', max: 200 },
      { path: 'body.assigneeName', max: 200 },
    ];
    let serialAssignee = 0;
    await holds(
      0,
      async (s, f) => {
        const other = `officer-${++serialAssignee}`;
        const body = f === 0 ? { assignee: s, assigneeName: 'Hu Min' } : { assignee: other, assigneeName: s };
        const verdict = textVerdict(s, 200);
        const before = await snapshot(c.caseId);
        const r = await call('POST', `/v1/cases/${c.caseId}/tasks/health/assign`, { as: supervisorOf('health'), body });
        const what = `POST /v1/cases/:caseId/tasks/health/assign with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        const want = f === 0 ? { assignee: verdict.value, assigneeName: 'Hu Min' } : { assignee: other, assigneeName: verdict.value };
        const read = (view: any) => ({ assignee: task(view, 'health').assignee, assigneeName: task(view, 'health').assigneeName });
        expect(read(r.body), `${what}: the answer`).toEqual(want);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toEqual(want);
        await projectionShows(c, (v) => JSON.stringify(read(v)) === JSON.stringify(want), `${what}: the list (projection)`);
        // The inbox, asked for that assignee as it was sent (`me` and `none` are words of the query).
        if (f === 0 && !['me', 'none'].includes(verdict.value)) {
          const inbox = await waitFor(
            () => call('GET', `/v1/tasks?dept=health&assignee=${percent(s)}&limit=200`, { as: supervisorOf('health') }),
            (q) => q.status !== 200 || q.body.items.some((t: any) => t.caseId === c.caseId),
          );
          expect(inbox.status, `${what}: GET /v1/tasks?assignee= ${JSON.stringify(inbox.body).slice(0, 300)}`).toBe(200);
          expect(
            inbox.body.items.find((t: any) => t.caseId === c.caseId),
            `${what}: the inbox`,
          ).toMatchObject(want);
        }
      },
      fields.length,
    );
  });
});

describe('lists and entries', () => {
  test('the key-SME PUT: name and reason', async () => {
    const code = freshCode();
    const fields = [
      { path: 'body.name', max: 200, key: 'name' },
      { path: 'body.reason', max: 2000, key: 'reason' },
    ] as const;
    await holds(
      0,
      async (s, f) => {
        const body = { name: 'Beijing Masks', reason: 'masks for the province', [fields[f]!.key]: s };
        const verdict = textVerdict(s, fields[f]!.max);
        const [entryBefore, historyBefore] = [
          await call('GET', `/v1/key-smes/${code}`, { as: admin }),
          await call('GET', `/v1/key-smes/${code}/history`, { as: admin }),
        ];
        const r = await call('PUT', `/v1/key-smes/${code}`, { as: admin, body });
        const what = `PUT /v1/key-smes/:creditCode with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect((await call('GET', `/v1/key-smes/${code}`, { as: admin })).body, what).toEqual(entryBefore.body);
          expect((await call('GET', `/v1/key-smes/${code}/history`, { as: admin })).body, what).toEqual(historyBefore.body);
          return;
        }
        expect(r.body[fields[f]!.key], `${what}: the answer`).toBe(verdict.value);
        expect((await call('GET', `/v1/key-smes/${code}`, { as: admin })).body[fields[f]!.key], `${what}: the entry`).toBe(verdict.value);
        const history = (await call('GET', `/v1/key-smes/${code}/history`, { as: admin })).body;
        expect(history.at(-1)[fields[f]!.key], `${what}: its history`).toBe(verdict.value);
        const list = (await call('GET', '/v1/key-smes', { as: admin })).body;
        expect(list.find((e: any) => e.creditCode === code)[fields[f]!.key], `${what}: the list`).toBe(verdict.value);
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });

  test('the key-SME import: a CSV file and a JSON array, name and reason', async () => {
    const code = freshCode();
    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const fields = [
      { key: 'name', max: 200 },
      { key: 'reason', max: 2000 },
    ] as const;
    await holds(
      0,
      async (s, g) => {
        // g: field × format (even: CSV, odd: JSON)
        const field = fields[g >> 1]!;
        const csv = g % 2 === 0;
        const row = { creditCode: code, name: 'Beijing Masks', reason: 'imported', [field.key]: s };
        const file = `creditCode,name,reason\n${quote(row.creditCode)},${quote(row.name)},${quote(row.reason)}\n`;
        // The CSV file is one string of the body: a fault is placed in it. A lone surrogate reaches a file as bytes that are not UTF-8.
        const fieldVerdict = textVerdict(s, field.max);
        const verdict = csv
          ? wellFormed(s) && fieldVerdict.kind === 'refused'
            ? { kind: 'refused' as const, message: textFault(file)! }
            : urlVerdict(s, field.max)
          : fieldVerdict;
        const entryBefore = await call('GET', `/v1/key-smes/${code}`, { as: admin });
        const r = csv
          ? await callBytes('POST', '/v1/key-smes/import', admin, new Uint8Array(wtf8(file)), 'text/csv')
          : await call('POST', '/v1/key-smes/import', { as: admin, body: [row] });
        const what = `POST /v1/key-smes/import (${csv ? 'CSV' : 'JSON'}) with ${field.key} = ${units(s)}`;
        // The CSV file is one string of the body; a JSON row's field is its own; a bad row is named by its line or index.
        const stored =
          verdict.kind === 'ill-formed'
            ? expectUrlVerdict(r, verdict, 'body', what)
            : expectVerdict(r, verdict, csv ? 'body' : `body.0.${field.key}`, what, csv ? 'line 2' : '[0]');
        if (verdict.kind === 'ill-formed') return; // a miss is recorded (see illFormedMisses), whatever was imported
        if (!stored || verdict.kind !== 'stored') {
          expect((await call('GET', `/v1/key-smes/${code}`, { as: admin })).body, what).toEqual(entryBefore.body);
          return;
        }
        expect(r.body.added + r.body.updated, what).toBe(1);
        expect((await call('GET', `/v1/key-smes/${code}`, { as: admin })).body[field.key], `${what}: the entry`).toBe(verdict.value);
      },
      fields.length * 2,
      (g) => fields[g >> 1]!.max,
    );
  });

  test('the directory PUT: an address', async () => {
    const dept = 'text-properties-desk';
    await holds(200, async (s) => {
      // An address is ASCII by its pattern: awkward text is refused by the rule, or by the pattern, or kept as sent.
      const email = `desk${s}@health.gov.example`;
      const message = textFault(email);
      const fitsPattern = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@health\.gov\.example$/.test(email) && email.length <= 200;
      const verdict: Verdict = message ? { kind: 'refused', message } : fitsPattern ? { kind: 'stored', value: email } : { kind: 'schema' };
      const before = await call('GET', `/v1/directory/${dept}`, { as: admin });
      const r = await call('PUT', `/v1/directory/${dept}`, { as: admin, body: { email, supervisorEmail: 'chief@health.gov.example' } });
      const what = `PUT /v1/directory/:dept with body.email = ${units(email)}`;
      if (!expectVerdict(r, verdict, 'body.email', what)) {
        expect((await call('GET', `/v1/directory/${dept}`, { as: admin })).body, what).toEqual(before.body);
        return;
      }
      expect(r.body.email, `${what}: the answer`).toBe(verdict.value);
      expect((await call('GET', `/v1/directory/${dept}`, { as: admin })).body.email, `${what}: the entry`).toBe(verdict.value);
    });
  });

  test("a template's title and a department's title", async () => {
    const id = 'text-properties';
    const template = (title: string, deptTitle: string) => ({
      id,
      title,
      kind: 'one-stop-approval',
      sla: 'PT48H',
      departments: [{ dept: 'health', title: deptTitle }],
    });
    const fields = ['body.title', 'body.departments.0.title'];
    await holds(
      200,
      async (s, f) => {
        const verdict = textVerdict(s, 200);
        const before = await call('GET', `/v1/templates/${id}`, { as: admin });
        const r = await call('POST', '/v1/templates', { as: admin, body: f === 0 ? template(s, 'Hygiene') : template('Text properties', s) });
        const what = `POST /v1/templates with ${fields[f]} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!, what)) {
          expect((await call('GET', `/v1/templates/${id}`, { as: admin })).body, what).toEqual(before.body);
          return;
        }
        const read = (t: any) => (f === 0 ? t.title : t.departments[0].title);
        const stored = await call('GET', `/v1/templates/${id}?version=${r.body.version}`, { as: admin });
        expect(read(stored.body), `${what}: the template`).toBe(verdict.value);
        if (f === 0) {
          const listed = (await call('GET', '/v1/templates', { as: admin })).body.find((t: any) => t.id === id);
          expect(listed, `${what}: the list`).toMatchObject({ version: r.body.version, title: verdict.value });
        }
      },
      fields.length,
    );
  });
});

describe('query and path parameters', () => {
  test('query parameters of the lists: the value, and the name', async () => {
    const params = [
      { url: (v: string) => `/v1/cases?applicant=${v}`, name: 'applicant', text: true, as: auditor },
      { url: (v: string) => `/v1/cases?dept=${v}`, name: 'dept', text: false, as: auditor },
      { url: (v: string) => `/v1/cases?templateId=${v}`, name: 'templateId', text: false, as: auditor },
      { url: (v: string) => `/v1/tasks?dept=health&assignee=${v}`, name: 'assignee', text: true, as: supervisorOf('health') },
    ];
    await holds(
      200,
      async (s, f) => {
        if (f === params.length) {
          // An awkward parameter name: the rule names it (with its refused characters as code points), else the strict query schema refuses it.
          const r = await call('GET', `/v1/cases?${percent(s)}=1`, { as: auditor });
          const what = `GET /v1/cases?<name>=1 with the name ${units(s)}`;
          expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(500);
          const known = ['status', 'templateId', 'dept', 'involves', 'applicant', 'openedAfter', 'openedBefore', 'breached', 'priority', 'limit', 'cursor'];
          if (s === '' || known.includes(s)) return;
          if (!wellFormed(s)) {
            // Refused, and not as some other name: a problem quoting U+FFFD shows the bytes were replaced, then judged.
            const replaced = !s.includes('\uFFFD') && JSON.stringify(r.body).includes('\uFFFD');
            if (r.status !== 400 || !/^query(\.|$)/.test(r.body.errors?.[0]?.path ?? '') || replaced)
              illFormedMisses.push(`${what}\nanswer ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
            return;
          }
          expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(400);
          const fault = textFault(s);
          if (fault) expect(r.body.errors?.[0], what).toEqual({ path: `query.${keyShown(s)}`, message: `the key ${fault}` });
          else for (const e of r.body.errors ?? []) expect(e.message, what).not.toMatch(TEXT_RULE_MESSAGE);
          return;
        }
        const p = params[f]!;
        const r = await call('GET', p.url(percent(s)), { as: p.as });
        const what = `GET ${p.url('…')} with ${units(s)}`;
        const verdict = urlVerdict(s, 200);
        if (verdict.kind === 'ill-formed' || verdict.kind === 'refused') {
          expectUrlVerdict(r, verdict, `query.${p.name}`, what);
          return;
        }
        // Accepted by the rule: 200, or the parameter's own schema (a slug, a maximum, not blank) says no.
        expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 600)}`).toBeLessThan(500);
        if (r.status !== 200) {
          expect(r.status, what).toBe(400);
          expect(r.body.errors?.[0]?.path, what).toBe(`query.${p.name}`);
          for (const e of r.body.errors ?? []) expect(e.message, what).not.toMatch(TEXT_RULE_MESSAGE);
          if (p.text) expect(verdict.kind, `${what}: refused though the rule and the maximum admit it`).toBe('schema');
        }
      },
      params.length + 1,
    );
  });

  test('path parameters: a credit code, a template id, a case id, a department', async () => {
    const params = [
      { url: (v: string) => `/v1/key-smes/${v}`, name: 'creditCode', as: admin },
      { url: (v: string) => `/v1/templates/${v}`, name: 'id', as: admin },
      { url: (v: string) => `/v1/cases/${v}`, name: 'caseId', as: auditor },
      { url: (v: string) => `/v1/directory/${v}`, name: 'dept', as: admin },
    ];
    await holds(
      64,
      async (s, f) => {
        const p = params[f]!;
        // Always behind an ordinary letter: a segment that is empty, `.` or `..` would be another path.
        const value = `x${s}`;
        const r = await call('GET', p.url(percent(value)), { as: p.as });
        const what = `GET ${p.url(':' + p.name)} with ${units(value)}`;
        const verdict = urlVerdict(value, 64);
        if (verdict.kind === 'ill-formed' || verdict.kind === 'refused') {
          expectUrlVerdict(r, verdict, `path.${p.name}`, what);
          return;
        }
        expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 600)}`).toBeLessThan(500);
        if (r.status === 404) {
          // A well-formed id of nothing: the answer names it as it was sent.
          expect(r.body.detail, what).toContain(value);
          return;
        }
        expect(r.status, `${what}: ${JSON.stringify(r.body).slice(0, 600)}`).toBe(400);
        expect(r.body.errors?.[0]?.path, what).toBe(`path.${p.name}`);
        for (const e of r.body.errors ?? []) expect(e.message, what).not.toMatch(TEXT_RULE_MESSAGE);
      },
      params.length,
    );
  });
});

describe('bytes that are not UTF-8', () => {
  // A lone surrogate outside JSON's `\\ud800` travels as the bytes its code point would have (ED A0 BD
  // for U+D83D), and a stray byte (FF) is no text at all: where the rule refuses a lone surrogate, so
  // must the edge refuse these, naming where, rather than decode them into U+FFFD and go on.
  const ILL = [0xed, 0xa0, 0xbd, 0x20, 0xff];
  const bytesOf = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? wtf8(p) : p)));

  test('in a JSON body (a case opening, a key-SME entry): 400, nothing created', async () => {
    const code = freshCode();
    const head = JSON.stringify({ templateId: TEMPLATES['one-stop'], applicant: { ...applicantFor(code), name: 'NAME' }, details: {} }).split('NAME');
    const opened = await callBytes('POST', '/v1/cases', opener, bytesOf(head[0]!, 'Acme ', ILL, head[1]!), 'application/json');
    if (opened.status === 201) {
      acceptedCodes.add(code);
      used.set(opened.body.caseId, { caseId: opened.body.caseId, code, kind: 'one-stop' });
    } else refusedCodes.add(code);
    const what = `POST /v1/cases, applicant.name holding the bytes ED A0 BD 20 FF: ${opened.status} ${JSON.stringify(opened.body)}`;
    expect(opened.status, what).toBe(400);
    expect(opened.body.errors?.[0]?.path, what).toMatch(/^body/);
    expect(await listed(code), what).toEqual([]);

    const sme = freshCode();
    const put = await callBytes('PUT', `/v1/key-smes/${sme}`, admin, bytesOf('{"name":"Beijing ', ILL, '","reason":"masks"}'), 'application/json');
    const what2 = `PUT /v1/key-smes/:creditCode, name holding the bytes ED A0 BD 20 FF: ${put.status} ${JSON.stringify(put.body)}`;
    expect(put.status, what2).toBe(400);
    expect(put.body.errors?.[0]?.path, what2).toMatch(/^body/);
    expect((await call('GET', `/v1/key-smes/${sme}`, { as: admin })).status, what2).toBe(404);
  });

  test('in a CSV import: 400, nothing imported', async () => {
    const sme = freshCode();
    const r = await callBytes('POST', '/v1/key-smes/import', admin, bytesOf(`creditCode,name,reason\n${sme},Beijing `, ILL, ',masks\n'), 'text/csv');
    const what = `POST /v1/key-smes/import (text/csv), a name holding the bytes ED A0 BD 20 FF: ${r.status} ${JSON.stringify(r.body)}`;
    expect(r.status, what).toBe(400);
    expect(r.body.errors?.[0]?.path, what).toMatch(/^body/);
    expect((await call('GET', `/v1/key-smes/${sme}`, { as: admin })).status, what).toBe(404);
  });

  test('in a query or a path parameter: 400', async () => {
    const query = await call('GET', '/v1/cases?applicant=Acme%20%ED%A0%BD%20%FF', { as: auditor });
    expect(query.status, `GET /v1/cases?applicant=Acme%20%ED%A0%BD%20%FF: ${query.status} ${JSON.stringify(query.body)}`).toBe(400);
    expect(query.body.errors?.[0]?.path).toBe('query.applicant');
    const path = await call('GET', '/v1/key-smes/x%ED%A0%BD%FF', { as: admin });
    expect(path.status, `GET /v1/key-smes/x%ED%A0%BD%FF: ${path.status} ${JSON.stringify(path.body)}`).toBe(400);
    expect(['path', 'path.creditCode']).toContain(path.body.errors?.[0]?.path);
  });
});

describe('afterwards', () => {
  test('every case used still takes a decision; none is on the incident list; Temporal started no workflow for a refused opening', async () => {
    expect(used.size).toBeGreaterThan(10);
    const incidents = await call('GET', '/v1/incidents?limit=500', { as: admin });
    expect(incidents.status).toBe(200);
    expect(incidents.body.filter((i: any) => used.has(i.caseId))).toEqual([]);

    const cases = [...used.values()];
    const work = async (c: UsedCase) => {
      let now = await getCase(c.caseId);
      if (now.closedAt) {
        expect(now.status, c.caseId).toBe('withdrawn');
        return;
      }
      if (now.status === 'awaiting-supplement') {
        const sup = await call('POST', `/v1/cases/${c.caseId}/supplements`, { as: opener, body: { documents: [{ name: 'floor plan', ref: 'doc://plan' }] } });
        expect(sup.status, `${c.caseId}: ${JSON.stringify(sup.body)}`).toBe(200);
        now = sup.body;
      }
      let open = now.tasks.find((t: any) => t.status === 'open');
      if (!open && c.kind === 'produce-first') {
        const pending = now.obligations.find((o: any) => o.status !== 'verified' && !o.filings.some((x: any) => x.outcome === 'pending'));
        const filed = await call('POST', `/v1/cases/${c.caseId}/certificates`, {
          as: opener,
          body: { qualification: pending.qualification, number: 'N-1', issuer: 'Issuer', issuedAt: '2020-03-01', documentRef: 'doc://n' },
        });
        expect(filed.status, `${c.caseId}: ${JSON.stringify(filed.body)}`).toBe(200);
        open = filed.body.tasks.find((t: any) => t.status === 'open');
      }
      expect(open, `${c.caseId} has no open task: ${JSON.stringify(now.tasks)}`).toBeDefined();
      const r = await decide(c.caseId, open.taskId, supervisorOf(open.dept), { outcome: 'approve', comment: 'checked after the text properties' });
      expect(r.status, `${c.caseId} ${open.taskId}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(task(r.body, open.taskId)).toMatchObject({ status: 'decided', outcome: 'approve' });
    };
    for (let i = 0; i < cases.length; i += 4) await Promise.all(cases.slice(i, i + 4).map(work));

    // Visibility is eventually consistent: once it lists every accepted opening, a refused one would be listed too.
    const count = async (codes: Set<string>) =>
      Number((await stack.client.workflow.count(`ApplicantCode IN (${[...codes].map((c) => `'${c}'`).join(', ')})`)).count);
    await waitFor(
      () => count(acceptedCodes),
      (n) => n === acceptedCodes.size,
      30_000,
    );
    expect(refusedCodes.size).toBeGreaterThan(10);
    expect(await count(refusedCodes)).toBe(0);
    const after = await call('GET', '/v1/incidents?limit=500', { as: admin });
    expect(after.body.filter((i: any) => used.has(i.caseId))).toEqual([]);
  });
});

describe('token claims', () => {
  const secret = new TextEncoder().encode(TEST_SECRET);
  const sign = (claims: Record<string, unknown>, sub: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(secret);
  const BAD = ['alice\u0000', 'Zhang\uD800', '\uDC00li', '\u0000', '\uDBFF'];
  const good = { name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };

  test('a claim holding NUL or a lone surrogate is answered 400 naming it, never 500, on reads and writes; nothing is opened', async () => {
    for (const claim of ['sub', 'name', 'dept', 'org'] as const) {
      for (const bad of BAD) {
        const { sub, ...claims } = { sub: 'alice', ...good, ...(claim === 'org' ? { org: applicant.creditCode } : {}), [claim]: bad };
        const token = await sign(claims, sub);
        const code = freshCode();
        for (const [method, path, body] of [
          ['GET', '/v1/templates', undefined],
          ['POST', '/v1/cases', { templateId: TEMPLATES['one-stop'], applicant: applicantFor(code), details: {} }],
        ] as const) {
          const r = await call(method, path, { token, body });
          const what = `${method} ${path} with token.${claim} = ${units(bad)}: ${r.status} ${JSON.stringify(r.body)}`;
          expect(r.status, what).toBe(400);
          expect(r.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
          expect(r.body.errors?.[0], what).toEqual({ path: `token.${claim}`, message: textFault(bad) });
        }
        expect(await listed(code)).toEqual([]);
        refusedCodes.add(code);
      }
    }
  });

  describe('and the rate limiter', () => {
    let db: TestDatabase;
    let pool: Pool;
    let server: Server;
    let limited: ReturnType<typeof api>;
    beforeAll(async () => {
      // A database of its own: the main stack's requests count against the same address there.
      db = await freshDatabase(inject('databaseUrl'));
      pool = createPool(db.url, 2);
      const config = loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, ...UNLIMITED, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' });
      const app = createApp({ client: stack.client, pool, logger: pino({ level: 'silent' }), config });
      server = await new Promise((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      limited = api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await pool?.end();
      await db?.drop();
    });

    test('a token with an ill-formed sub is counted against the address: past the limit, 429', async () => {
      const statuses: number[] = [];
      for (const bad of ['alice\u0000', 'alice\uD800', '\uDFFFalice']) {
        const r = await limited('GET', '/v1/templates', { token: await sign(good, bad) });
        expect(r.body.errors?.[0]?.path, JSON.stringify(r.body)).toBe('token.sub');
        statuses.push(r.status);
      }
      expect(statuses).toEqual([400, 400, 400]);
      // The fourth, with a bad sub or a bad name, is one past the address's limit of 3.
      const past = await limited('GET', '/v1/templates', { token: await sign(good, 'alice\u0000') });
      expect(past.status, JSON.stringify(past.body)).toBe(429);
      expect(past.headers.get('ratelimit')).toContain('"address"; r=0');
      expect((await limited('GET', '/v1/templates', { token: await sign({ ...good, name: 'Alice\uD800' }, 'alice') })).status).toBe(429);
      // A well-formed token is counted by its subject, not the address.
      expect((await limited('GET', '/v1/templates', { token: await sign(good, 'alice') })).status).toBe(200);
    });
  });
});
