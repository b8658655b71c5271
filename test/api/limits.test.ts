/**
 * Limits and hygiene against the real stack: nesting depth and NUL refused before anything reads
 * the body, rate limits shared by API processes through PostgreSQL, security headers, 405 with
 * Allow, and Idempotency-Keys scoped to the caller and the route, with a TTL.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createApp } from '../../api/app.js';
import type { Actor } from '../../common/types.js';
import { loadConfig, type Config } from '../../infra/config.js';
import { createPool, type Pool } from '../../db/pool.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, opener, staff } from '../support/fixtures.js';
import { api, startStack, TEST_SECRET, UNLIMITED, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const CODE = '91350100M000100Y43';

const openBody = (details: unknown = { product: 'medical masks' }) => ({ templateId: 'mask-line-fast-track', applicant, details });
const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body, headers });

type Answer = { status: number; body: any; headers: Headers };

function expectProblem(r: Answer, status: number, detail?: RegExp) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  if (detail) expect(r.body.detail).toMatch(detail);
}

/** Every case this file has opened: the projection is written by an activity, a moment after the 201. */
const opened = new Set<string>();

/** The number of projected cases, once every case opened so far has reached the projection. */
async function countCases(): Promise<number> {
  for (;;) {
    const { rows } = await stack.db.pool.query('SELECT count(*)::int AS n, count(*) FILTER (WHERE case_id = ANY($1))::int AS mine FROM cases', [[...opened]]);
    if (rows[0].mine === opened.size) return rows[0].n;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function openCase(headers: Record<string, string> = {}): Promise<any> {
  const r = await call('POST', '/v1/cases', { as: opener, body: openBody(), headers });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  opened.add(r.body.caseId);
  return r.body;
}

async function decisions(caseId: string): Promise<any[]> {
  const history = await call('GET', `/v1/cases/${caseId}/history`, { as: auditor });
  expect(history.status).toBe(200);
  return history.body.filter((e: any) => e.type === 'decision');
}

/** `{"a":{"a":…{}}}`: `levels` objects inside one another. */
const nested = (levels: number): string => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('JSON nesting depth', () => {
  test('33 levels is a 400 and opens nothing; 32 levels passes the check', async () => {
    const before = await countCases();
    // The body is level 1 and `details` level 2, so details nested 31 deep make 32 levels in all.
    const at32 = `{"templateId":"mask-line-fast-track","applicant":${JSON.stringify(applicant)},"details":${nested(31)}}`;
    const at33 = `{"templateId":"mask-line-fast-track","applicant":${JSON.stringify(applicant)},"details":${nested(32)}}`;
    expectProblem(await call('POST', '/v1/cases', { as: opener, raw: at33 }), 400, /nested deeper than 32 levels/);
    expect(await countCases()).toBe(before);
    const ok = await call('POST', '/v1/cases', { as: opener, raw: at32 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    opened.add(ok.body.caseId);
    expect(await countCases()).toBe(before + 1);
  });

  test('5000 levels (objects or arrays) is a 400, not a 500, on every route', async () => {
    const before = await countCases();
    const deepDetails = `{"templateId":"mask-line-fast-track","applicant":${JSON.stringify(applicant)},"details":${nested(5000)}}`;
    expectProblem(await call('POST', '/v1/cases', { as: opener, raw: deepDetails }), 400, /nested deeper/);
    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, raw: '['.repeat(5000) + ']'.repeat(5000) }), 400, /nested deeper/);
    expectProblem(await call('PUT', `/v1/key-smes/${CODE}`, { as: admin, raw: nested(5000) }), 400, /nested deeper/);
    // Brackets inside strings are text, not nesting.
    const bracketsInText = await call('PUT', `/v1/key-smes/${CODE}`, { as: admin, body: { name: 'Acme', reason: '{['.repeat(100) + '\\"[' } });
    expect(bracketsInText.status, JSON.stringify(bracketsInText.body)).toBe(201);
    expect(await countCases()).toBe(before);
  });
});

describe('the NUL character', () => {
  test('in a key-SME reason: 400, nothing listed', async () => {
    const code = '91110000600037341L';
    const r = await call('PUT', `/v1/key-smes/${code}`, { as: admin, body: { name: 'Beijing Masks', reason: 'masks\u0000gowns' } });
    expectProblem(r, 400, /NUL character/);
    expect(r.body.errors).toEqual([{ path: 'body.reason', message: expect.stringMatching(/NUL character \(U\+0000\) at position 5/) }]);
    expectProblem(await call('GET', `/v1/key-smes/${code}`, { as: admin }), 404);
    expectProblem(await call('PUT', `/v1/key-smes/${code}`, { as: admin, body: { 'name\u0000': 'x', reason: 'y' } }), 400, /NUL character/);
    const csv = `creditCode,name,reason\n${code},Beijing Masks,mask\u0000s\n`;
    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, raw: csv, headers: { 'content-type': 'text/csv' } }), 400, /NUL character/);
    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, body: [{ creditCode: code, name: 'B', reason: '\u0000' }] }), 400, /NUL/);
    expect((await stack.db.pool.query('SELECT count(*)::int AS n FROM key_sme_changes WHERE credit_code = $1', [code])).rows[0].n).toBe(0);
  });

  test('in case details, a decision comment, or a query string: 400, nothing changes', async () => {
    const before = await countCases();
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody({ product: 'masks\u0000' }) }), 400, /NUL character/);
    expect(await countCases()).toBe(before);
    const c = await openCase();
    expectProblem(await decide(c.caseId, 'health', staff('health'), { outcome: 'approve', comment: 'fine\u0000' }), 400, /NUL character/);
    const after = await call('GET', `/v1/cases/${c.caseId}`, { as: auditor });
    expect(after.body.tasks.every((t: any) => t.status === 'open')).toBe(true);
    // An escaped backslash followed by "u0000" is text, not NUL.
    const literal = await decide(c.caseId, 'health', staff('health'), { outcome: 'approve', comment: 'see \\u0000 in the log' });
    expect(literal.status, JSON.stringify(literal.body)).toBe(200);
    expectProblem(await call('GET', '/v1/cases?dept=%00', { as: auditor }), 400, /NUL character/);
    expectProblem(await call('GET', '/v1/key-smes/%00', { as: auditor }), 400, /NUL character/);
  });
});

describe('headers and methods', () => {
  const securityHeaders = (r: Answer) => {
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toEqual(expect.any(String));
    expect(r.headers.get('strict-transport-security')).toEqual(expect.any(String));
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  };

  test('security headers and Cache-Control: no-store on 200, 4xx and 404 answers', async () => {
    const answers = [
      await call('GET', '/healthz'),
      await call('GET', '/v1/templates', { as: auditor }),
      await call('POST', '/v1/cases', { as: opener, raw: '{' }),
      await call('GET', '/v1/templates'),
      await call('GET', '/v1/nothing-here', { as: auditor }),
      await call('DELETE', '/v1/cases', { as: auditor }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 401, 404, 405]);
    for (const a of answers) securityHeaders(a);
  });

  test('an undeclared method on a known path is 405 with Allow; an unknown path stays 404', async () => {
    const r = await call('DELETE', '/v1/cases', { as: auditor });
    expectProblem(r, 405, /DELETE is not allowed/);
    expect(r.headers.get('allow')).toBe('GET, POST');
    const sme = await call('PATCH', `/v1/key-smes/${CODE}`, { as: admin, body: {} });
    expectProblem(sme, 405);
    expect(sme.headers.get('allow')).toBe('DELETE, GET, PUT');
    const health = await call('POST', '/healthz');
    expectProblem(health, 405);
    expect(health.headers.get('allow')).toBe('GET');
    // OPTIONS is answered by Express's router itself, from the same declarations.
    const options = await call('OPTIONS', '/v1/cases');
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')?.split(', ')).toEqual(expect.arrayContaining(['GET', 'POST']));
    expectProblem(await call('DELETE', '/v1/nothing-here', { as: auditor }), 404);
    expectProblem(await call('GET', '/v1/cases/case-00000000-0000-4000-8000-000000000000/nothing', { as: auditor }), 404);
  });
});

describe('Idempotency-Key on updates: scoped to the caller and the route', () => {
  test('the same key and body twice: one decision, the same answer', async () => {
    const c = await openCase();
    const key = { 'Idempotency-Key': 'retry-me' };
    const [a, b] = await Promise.all([
      decide(c.caseId, 'health', staff('health'), { outcome: 'approve', comment: 'ok' }, key),
      decide(c.caseId, 'health', staff('health'), { outcome: 'approve', comment: 'ok' }, key),
    ]);
    const again = await decide(c.caseId, 'health', staff('health'), { outcome: 'approve', comment: 'ok' }, key);
    for (const r of [a, b, again]) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(a.body.tasks.find((t: any) => t.taskId === 'health')).toMatchObject({ outcome: 'approve', decidedBy: 'health-officer' });
    // The same answer, but for the time left on open tasks, which the API reads off the clock.
    expect(withoutClock(b.body)).toEqual(withoutClock(a.body));
    expect(withoutClock(again.body)).toEqual(withoutClock(a.body));
    expect(await decisions(c.caseId)).toHaveLength(1);
  });

  test('the same key with another body, or on another case: 409, and nothing changes', async () => {
    const [c, d] = [await openCase(), await openCase()];
    const key = { 'Idempotency-Key': 'one-use' };
    expect((await decide(c.caseId, 'health', staff('health'), { outcome: 'approve' }, key)).status).toBe(200);
    expectProblem(await decide(c.caseId, 'health', staff('health'), { outcome: 'reject', comment: 'no' }, key), 409, /Idempotency-Key/);
    expectProblem(await decide(d.caseId, 'health', staff('health'), { outcome: 'approve' }, key), 409, /Idempotency-Key/);
    const now = await call('GET', `/v1/cases/${c.caseId}`, { as: auditor });
    expect(now.body.status).toBe('in-review');
    expect(now.body.tasks.find((t: any) => t.taskId === 'health')).toMatchObject({ outcome: 'approve', decidedBy: 'health-officer' });
    expect(await decisions(c.caseId)).toHaveLength(1);
    const untouched = await call('GET', `/v1/cases/${d.caseId}`, { as: auditor });
    expect(untouched.body.tasks.every((t: any) => t.status === 'open')).toBe(true);
  });

  test('another caller with the same key is independent', async () => {
    const c = await openCase();
    const key = { 'Idempotency-Key': 'shared-key' };
    expect((await decide(c.caseId, 'health', staff('health'), { outcome: 'approve' }, key)).status).toBe(200);
    const ecology = await decide(c.caseId, 'ecology', staff('ecology'), { outcome: 'approve' }, key);
    expect(ecology.status, JSON.stringify(ecology.body)).toBe(200);
    expect(ecology.body.tasks.find((t: any) => t.taskId === 'ecology')).toMatchObject({ outcome: 'approve', decidedBy: 'ecology-officer' });
    expect(await decisions(c.caseId)).toHaveLength(2);
  });

  test('the same caller with the same key on another route is independent', async () => {
    const c = await openCase();
    await decide(c.caseId, 'health', staff('health'), { outcome: 'request-info', requestedDocuments: ['floor plan'] });
    const key = { 'Idempotency-Key': 'alice-1' };
    const plan = await uploadDocument(stack.baseUrl, opener, 'floor-plan');
    const supplement = await call('POST', `/v1/cases/${c.caseId}/supplements`, {
      as: opener,
      body: { documents: [plan] },
      headers: key,
    });
    expect(supplement.status, JSON.stringify(supplement.body)).toBe(200);
    expect(supplement.body.status).toBe('in-review');
    const withdrawn = await call('POST', `/v1/cases/${c.caseId}/withdraw`, { as: opener, body: { reason: 'line moved' }, headers: key });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
  });
});

describe('Idempotency-Key on openings: expiry', () => {
  test('an expired key opens a new case; expired keys are purged', async () => {
    const key = { 'Idempotency-Key': 'expiring' };
    const first = await openCase(key);
    expect((await openCase(key)).caseId).toBe(first.caseId);
    await stack.db.pool.query(
      "INSERT INTO idempotency_keys (scope, route, key, request_hash, case_id, created_at) VALUES ('someone', 'POST /v1/cases', 'stale', 'h', 'case-x', now() - interval '3 days')",
    );
    await stack.db.pool.query("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE scope = 'alice' AND key = 'expiring'");
    const before = await countCases();
    const second = await call('POST', '/v1/cases', { as: opener, body: openBody(), headers: key });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.caseId).not.toBe(first.caseId);
    opened.add(second.body.caseId);
    expect(await countCases()).toBe(before + 1);
    const replay = await call('POST', '/v1/cases', { as: opener, body: openBody(), headers: key });
    expect(replay.body.caseId).toBe(second.body.caseId);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const stale = await stack.db.pool.query("SELECT 1 FROM idempotency_keys WHERE key = 'stale'");
    expect(stale.rowCount).toBe(0);
  });
});

describe('rate limits, shared by API processes through PostgreSQL', () => {
  let db: TestDatabase;
  const pools: Pool[] = [];
  const servers: Server[] = [];

  /** An API process of its own (its own pool) over the rate-limit test database. */
  async function instance(env: Record<string, string>): Promise<ReturnType<typeof api>> {
    const pool = createPool(db.url, 2);
    pools.push(pool);
    const config: Config = loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, ...UNLIMITED, ...env });
    const server = await listen(createApp({ client: stack.client, pool, logger: pino({ level: 'silent' }), config }));
    servers.push(server);
    return api(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  beforeAll(async () => {
    db = await freshDatabase(inject('databaseUrl'));
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
    for (const p of pools) await p.end();
    await db?.drop();
  });

  const expect429 = (r: Answer, name: string) => {
    expectProblem(r, 429);
    expect(r.headers.get('ratelimit')).toContain(`"${name}"; r=0`);
    expect(r.headers.get('ratelimit-policy')).toContain(`"${name}"`);
    const retryAfter = Number(r.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  test('per subject: requests spread over two processes share one bucket; another subject is not limited', async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '5' };
    const [a, b] = [await instance(env), await instance(env)];
    const carol: Actor = { sub: 'carol', name: 'Carol', roles: ['auditor'] };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await (i % 2 ? b : a)('GET', '/v1/templates', { as: carol })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect429(await a('GET', '/v1/templates', { as: carol }), 'subject');
    expect429(await b('GET', '/v1/templates', { as: carol }), 'subject');
    const dave = await b('GET', '/v1/templates', { as: { ...carol, sub: 'dave' } });
    expect(dave.status).toBe(200);
    expect(dave.headers.get('ratelimit')).toContain('"subject"; r=4');
  });

  test('per address for requests without a valid token, which cannot escape it through X-Forwarded-For', async () => {
    const env = { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '3' };
    const [a, b] = [await instance(env), await instance(env)];
    // /openapi.json: a public route the address limit counts (health and readiness it does not).
    expect((await a('GET', '/openapi.json')).status).toBe(200);
    expect((await b('GET', '/v1/templates')).status).toBe(401);
    expect((await a('GET', '/v1/templates', { token: 'forged.token.here' })).status).toBe(401);
    expect429(await b('GET', '/openapi.json', { headers: { 'X-Forwarded-For': '203.0.113.9' } }), 'address');
    expect((await a('GET', '/healthz')).status).toBe(200);
    expect429(await a('GET', '/v1/templates', { token: 'forged.token.here' }), 'address');
    // A verified subject is counted on its own, not by address.
    expect((await a('GET', '/v1/templates', { as: { sub: 'erin', name: 'Erin', roles: ['auditor'] } })).status).toBe(200);
  });

  test('behind a trusted proxy (TRUST_PROXY=1), the forwarded address is the key', async () => {
    const proxied = await instance({ RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1', TRUST_PROXY: '1' });
    const from = (ip: string) => proxied('GET', '/openapi.json', { headers: { 'X-Forwarded-For': ip } });
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(429);
    expect((await from('198.51.100.2')).status).toBe(200);
  });

  test('opening a case has a tighter limit of its own', async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '10', RATE_LIMIT_OPEN_PER_MINUTE: '2' };
    const [a, b] = [await instance(env), await instance(env)];
    const frank: Actor = { ...opener, sub: 'frank' };
    // Refused openings count too: the limit guards the route, before the body is judged.
    expect((await a('POST', '/v1/cases', { as: frank, body: {} })).status).toBe(400);
    expect((await b('POST', '/v1/cases', { as: frank, body: {} })).status).toBe(400);
    expect429(await a('POST', '/v1/cases', { as: frank, body: {} }), 'open');
    expect((await b('GET', '/v1/templates', { as: frank })).status).toBe(200);
  });
});

async function listen(app: Express): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

/** A case answer without `remainingMs`, which moves with the clock between two answers. */
function withoutClock(view: any): unknown {
  return { ...view, tasks: view.tasks.map(({ remainingMs: _moving, ...t }: any) => t) };
}
