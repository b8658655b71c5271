/**
 * The published document says what the server enforces: regressions for what `npm run fuzz`
 * (schemathesis, every check) found. Each answer is also checked against /openapi.json by `call`.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { applicant, opener, staff } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;
let doc: any;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
  doc = (await call('GET', '/openapi.json')).body;
});
afterAll(async () => {
  await stack?.teardown();
});

const param = (path: string, method: string, name: string) => doc.paths[path][method].parameters.find((p: { name: string }) => p.name === name).schema;

async function openCase(): Promise<string> {
  const r = await call('POST', '/v1/cases', { as: opener, body: { templateId: 'epidemic-supplies-project', applicant, details: {} } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.caseId;
}

describe('405 and OPTIONS on /v1/key-smes/import, which /v1/key-smes/{creditCode} also matches', () => {
  test('a method the import does not have is 405 with Allow: POST, not 400 for a bad credit code', async () => {
    for (const method of ['PUT', 'GET', 'DELETE']) {
      const r = await call(method, '/v1/key-smes/import', { as: admin, ...(method === 'PUT' ? { body: { name: 'a', reason: 'b' } } : {}) });
      expect(r.status, JSON.stringify(r.body)).toBe(405);
      expect(r.headers.get('allow')).toBe('POST');
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    // Without a token too: the method is wrong whoever asks.
    expect((await call('PUT', '/v1/key-smes/import')).status).toBe(405);
  });

  test('OPTIONS lists the methods of the import only', async () => {
    const r = await call('OPTIONS', '/v1/key-smes/import');
    expect(r.status).toBe(200);
    expect(r.headers.get('allow')).toBe('POST');
    expect((await call('OPTIONS', '/v1/key-smes/91350100M000100Y43')).headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
  });
});

describe('free text: the published maxLength and pattern are what is checked', () => {
  test('blank text is refused and the document says so (a pattern needing a non-blank character)', async () => {
    const name = doc.components.schemas.KeySmeEntry.properties.name;
    expect(name).toMatchObject({ minLength: 1, maxLength: 200, pattern: expect.any(String) });
    const pattern = new RegExp(name.pattern);
    for (const blank of ['\t', ' ', '\u00a0\u3000', '\ufeff']) {
      expect(pattern.test(blank)).toBe(false);
      const r = await call('PUT', '/v1/key-smes/91350100M000100Y43', { as: admin, body: { name: blank, reason: 'masks' } });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
    }
    const ok = await call('PUT', '/v1/key-smes/91350100M000100Y43', { as: admin, body: { name: '  Acme  ', reason: 'masks' } });
    expect(ok.status).toBe(201);
    expect(ok.body.name).toBe('Acme'); // stored trimmed
    // The length is that of the text as sent (as maxLength says), not of the trimmed text.
    const long = await call('PUT', '/v1/key-smes/91350100M000100Y43', { as: admin, body: { name: ` ${'a'.repeat(199)} `, reason: 'masks' } });
    expect(long.status).toBe(400);
  });

  test('currencies are an enumeration; durations have a pattern', () => {
    const money = doc.components.schemas.Decision.oneOf[0].properties.amount;
    expect(money.properties.currency.enum).toContain('CNY');
    expect(money.properties.currency.enum).not.toContain('ABC');
    expect(JSON.stringify(doc.paths['/v1/templates'].post.requestBody)).toContain('"pattern":"^P(?:');
  });
});

describe('decisions: one shape per outcome', () => {
  test('reject needs a comment, request-info its documents, and only approve carries an amount', async () => {
    const caseId = await openCase();
    const decide = (body: unknown) => call('POST', `/v1/cases/${caseId}/tasks/health/decision`, { as: staff('health'), body });
    const noComment = await decide({ outcome: 'reject' });
    expect(noComment.status).toBe(400);
    expect(noComment.body.errors).toEqual([{ path: 'body.comment', message: 'a rejection needs a comment giving the reason' }]);
    expect((await decide({ outcome: 'request-info' })).status).toBe(400);
    expect((await decide({ outcome: 'approve', requestedDocuments: ['x'] })).status).toBe(400);
    expect((await decide({ outcome: 'reject', comment: 'no', amount: { amount: 1, currency: 'CNY' } })).status).toBe(400);
    expect((await decide({ outcome: 'approve', amount: { amount: 1, currency: 'XYZ' } })).status).toBe(400);
    const info = await decide({ outcome: 'request-info', requestedDocuments: ['floor plan'] });
    expect(info.status, JSON.stringify(info.body)).toBe(200);
  });
});

describe('cursors have a published format, and every value of it is accepted', () => {
  test('the case list: <priority>.<deadline ms>.<case id>', async () => {
    await openCase();
    await openCase();
    const cursor = param('/v1/cases', 'get', 'cursor');
    const pattern = new RegExp(cursor.pattern);
    let page: any;
    for (let i = 0; i < 50; i++) {
      page = await call('GET', '/v1/cases?limit=1', { as: auditor });
      if (page.body.nextCursor) break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // the projection lands a moment after the 201
    }
    expect(page.body.nextCursor).toMatch(pattern);
    const next = await call('GET', `/v1/cases?limit=1&cursor=${page.body.nextCursor}`, { as: auditor });
    expect(next.status).toBe(200);
    expect(next.body.items[0].caseId).not.toBe(page.body.items[0].caseId);
    // Made up, but of the published form: a page (possibly empty), not 400.
    for (const made of ['0.0.case-00000000-0000-0000-0000-000000000000', '1.9999999999999.case-ffffffff-ffff-ffff-ffff-ffffffffffff']) {
      expect(pattern.test(made)).toBe(true);
      expect((await call('GET', `/v1/cases?cursor=${made}`, { as: auditor })).status).toBe(200);
    }
    expect((await call('GET', '/v1/cases?cursor=eyJwcmlvcml0eSI6dHJ1ZX0', { as: auditor })).status).toBe(400);
  });

  test('the access log: the id of the last entry', async () => {
    const pattern = new RegExp(param('/v1/audit/access', 'get', 'cursor').pattern);
    for (const made of ['1', '999999999999999']) {
      expect(pattern.test(made)).toBe(true);
      expect((await call('GET', `/v1/audit/access?cursor=${made}`, { as: auditor })).status).toBe(200);
    }
    for (const bad of ['0', '01', '1000000000000000', 'MTI']) expect((await call('GET', `/v1/audit/access?cursor=${bad}`, { as: auditor })).status).toBe(400);
  });
});

test('instants with any RFC 3339 offset (up to ±23:59) filter the case list, though PostgreSQL takes ±15:59 at most', async () => {
  for (const instant of ['1303-03-09T00:22:47.8-22:36', '2026-03-09T00:00:00+16:00', '2026-03-09T00:00:00-15:59']) {
    const q = encodeURIComponent(instant);
    expect((await call('GET', `/v1/cases?openedBefore=${q}&openedAfter=${q}`, { as: auditor })).status, instant).toBe(200);
  }
});

test('the codec endpoint documents base64 with a pattern, and refuses what does not match it', async () => {
  const data = doc.components.schemas.CodecPayloads.properties.payloads.items.properties.data;
  expect(data.pattern).toBeDefined();
  const r = await call('POST', '/codec/encode', { as: admin, body: { payloads: [{ data: 'abc' }] } });
  expect(r.status).toBe(400);
  expect(new RegExp(data.pattern).test('abc')).toBe(false);
});
