/**
 * The text rule (common/text-rule.ts), property by property, on the routes that open a case, on the
 * real stack (Temporal dev server, PostgreSQL, worker, app): the one-stop opening (applicant name,
 * contact name, a details value and key; the list's query by name), a details key JavaScript treats
 * specially (`__proto__`), the produce-first pledge and products, the claim's fields; the opening's
 * documents, named by digest (not text: a digest the opener may not name is a 400 at it); and bytes that
 * are not UTF-8 in a JSON body, a CSV import, a query and a path (they are here because one of them is
 * an opening, whose refused credit code the checks afterwards must see). What each property sends and
 * holds is test/support/text-strings.ts.
 *
 * Then the cases opened still take a decision (none is stuck), no incident names them, and Temporal
 * holds no workflow for a refused opening (`expectAfterwards`, the last test).
 *
 * numRuns: RANDOM_RUNS (test/support/text-strings.ts, where its measurement is) over the 8 fixed
 * examples per field: 4 fields a route here (2 for claims), 56 to 72 runs per property, about 200
 * openings in all.
 * Measured: 22 s for this file alone on the 2-core machine, 31 s beside the other two and two
 * CPU-bound processes (stack start included).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { textFault } from '../../common/text-rule.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, opener } from '../support/fixtures.js';
import { startStack } from '../support/stack.js';
import {
  acceptedCodes,
  admin,
  applicantFor,
  auditor,
  call,
  callBytes,
  claimDetails,
  expectAfterwards,
  freshCode,
  getCase,
  listed,
  open,
  produceFirstDetails,
  refusedCodes,
  stack,
  TEMPLATES,
  used,
  useStack,
  workflowPublished,
} from '../support/text-stack.js';
import {
  chars,
  expectUrlVerdict,
  expectVerdict,
  freeVerdict,
  holds,
  keyShown,
  percent,
  textVerdict,
  units,
  urlVerdict,
  wtf8,
  type Verdict,
} from '../support/text-strings.js';

beforeAll(async () => {
  useStack(await startStack(inject('databaseUrl')));
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

  test('claims: policy number, loss description', async () => {
    const fields = [
      { path: 'body.details.policyNumber', max: 100, set: (d: any, s: string) => (d.policyNumber = s), read: (d: any) => d.policyNumber },
      { path: 'body.details.loss.description', max: 10_000, set: (d: any, s: string) => (d.loss.description = s), read: (d: any) => d.loss.description },
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

describe("an opening's documents", () => {
  test('a digest not of 64 lowercase hex digits, or one the opener may not name (never uploaded, uploaded by someone else): 400 at it, nothing opened', async () => {
    const others = (await uploadDocument(stack.baseUrl, { ...opener, sub: 'bob', name: 'Bob' }, 'uploaded-by-bob')).digest;
    for (const kind of ['one-stop', 'claim'] as const) {
      for (const digest of ['doc://quarantine-order', others.toUpperCase(), others.slice(1), '0'.repeat(64), others]) {
        const { r, code } = await open(kind, { documents: [{ digest }] });
        const what = `POST /v1/cases (${kind}) with body.documents.0.digest = ${JSON.stringify(digest)}: ${r.status} ${JSON.stringify(r.body)}`;
        expect(r.status, what).toBe(400);
        expect(r.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
        expect(
          r.body.errors.map((e: any) => e.path),
          what,
        ).toEqual(['body.documents.0.digest']);
        expect(await listed(code), what).toEqual([]);
      }
    }
    // Nor was the other's document attached to any case.
    expect((await stack.db.pool.query('SELECT count(*)::int AS n FROM document_refs WHERE digest = $1', [others])).rows[0].n).toBe(0);
    // The opener's own upload opens the case with it (and the checks afterwards see that no refused one was started).
    const mine = await uploadDocument(stack.baseUrl, opener, 'quarantine-order');
    const { r } = await open('claim', { documents: [mine] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.documents).toEqual([{ digest: mine.digest, name: 'quarantine-order.pdf', mediaType: 'application/pdf', size: expect.any(Number) }]);
    expect(r.body.documents[0].size).toBeGreaterThan(0);
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
    await expectAfterwards({ used: 10, refused: 10 });
  });
});
