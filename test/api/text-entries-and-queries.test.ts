/**
 * The text rule (common/text-rule.ts), property by property, on the routes that keep entries and
 * answer queries, on the real stack (Temporal dev server, PostgreSQL, worker, app): the key-SME PUT
 * and import (a CSV file and a JSON array), the directory, templates, the lists' query parameters
 * (values and names) and path parameters; and tokens whose claims break the rule, refused with 400
 * naming the claim and counted against the caller's address by the rate limiter. What each property
 * sends and holds is test/support/text-strings.ts. A refused write leaves the entry as it was.
 *
 * Then, after the last test (in afterAll, so that the file has the tests it had before the split),
 * Temporal holds no workflow for the openings the token tests tried (`expectAfterwards`); this file
 * opens no case.
 *
 * numRuns: RANDOM_RUNS (test/support/text-strings.ts, where its measurement is) over the 8 fixed
 * examples per field: 48 to 80 runs per property, most of them a read or a write of PostgreSQL.
 * Measured: 8 s for this file alone on the 2-core machine, 15 s beside the other two and two
 * CPU-bound processes (stack start included).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createApp } from '../../api/app.js';
import { textFault } from '../../common/text-rule.js';
import { createPool, type Pool } from '../../db/pool.js';
import { loadConfig } from '../../infra/config.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { applicant } from '../support/fixtures.js';
import { api, startStack, TEST_SECRET, UNLIMITED } from '../support/stack.js';
import {
  admin,
  applicantFor,
  auditor,
  call,
  callBytes,
  expectAfterwards,
  freshCode,
  listed,
  refusedCodes,
  stack,
  supervisorOf,
  TEMPLATES,
  useStack,
} from '../support/text-stack.js';
import {
  expectUrlVerdict,
  expectVerdict,
  holds,
  illFormedMisses,
  keyShown,
  percent,
  TEXT_RULE_MESSAGE,
  textVerdict,
  units,
  urlVerdict,
  wellFormed,
  wtf8,
  type Verdict,
} from '../support/text-strings.js';

beforeAll(async () => {
  useStack(await startStack(inject('databaseUrl')));
});
afterAll(async () => {
  try {
    if (stack) await expectAfterwards({ refused: 10 });
  } finally {
    await stack?.teardown();
  }
});

// ---- the properties ---------------------------------------------------------------------------

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
