/**
 * The HTTP API against the real stack: a Temporal dev server, PostgreSQL, a worker and the app.
 * Every status the contract names is provoked and checked, and each refusal is shown to change nothing.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createApp } from '../../api/app.js';
import { createPool } from '../../db/pool.js';
import type { Actor } from '../../common/types.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, applicantActor, staff } from '../support/fixtures.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const supervisor: Actor = { sub: 'sam', name: 'Sam Supervisor', roles: ['supervisor'], dept: 'health' };
const MASK_DEPTS = ['market-regulation', 'health', 'ecology'];

const openBody = (overrides: Record<string, unknown> = {}) => ({
  templateId: 'mask-line-fast-track',
  applicant,
  details: { product: 'medical masks', capacityPerDay: 200000 },
  ...overrides,
});

async function openCase(overrides: Record<string, unknown> = {}, as: Actor = opener, headers: Record<string, string> = {}) {
  const r = await call('POST', '/v1/cases', { as, body: openBody(overrides), headers });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body, headers });

function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, detail?: RegExp) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  if (detail) expect(r.body.detail).toMatch(detail);
}

async function countCases(): Promise<number> {
  const { rows } = await stack.db.pool.query('SELECT count(*)::int AS n FROM cases');
  return rows[0].n;
}

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('a case from opening to approval through the API alone', () => {
  test('open, every department approves, the auditor reads the timeline', async () => {
    const opened = await openCase();
    expect(opened).toMatchObject({ status: 'in-review', templateId: 'mask-line-fast-track', templateVersion: 1, openedBy: 'alice', priority: false });
    expect(opened.tasks.map((t: any) => t.taskId)).toEqual(MASK_DEPTS);
    expect(Date.parse(opened.sla.deadlineAt) - Date.parse(opened.openedAt)).toBe(48 * 3600_000);

    for (const dept of MASK_DEPTS) {
      const r = await decide(opened.caseId, dept, staff(dept), { outcome: 'approve', comment: `${dept} ok` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const last = await call('GET', `/v1/cases/${opened.caseId}`, { as: auditor });
    expect(last.body.status).toBe('approved');
    expect(last.body.decision.number).toMatch(/^OSA-\d{4}-\d{6}$/);
    expect(last.body.tasks.every((t: any) => t.outcome === 'approve' && t.decidedBy === `${t.dept}-officer`)).toBe(true);

    const history = await call('GET', `/v1/cases/${opened.caseId}/history`, { as: auditor });
    expect(history.status).toBe(200);
    const types = history.body.map((e: any) => e.type);
    expect(types[0]).toBe('case-opened');
    expect(history.body[0].actor.sub).toBe('alice');
    const decisions = history.body.filter((e: any) => e.type === 'decision');
    expect(decisions.map((e: any) => [e.taskId, e.actor.sub, e.details.outcome, e.details.comment])).toEqual(
      MASK_DEPTS.map((d) => [d, `${d}-officer`, 'approve', `${d} ok`]),
    );
    expect(types[types.length - 1]).toBe('case-closed');
    expect(history.body[types.length - 1].details.decision.number).toBe(last.body.decision.number);
  });

  test('request-info stops the clock until the applicant files the supplement', async () => {
    const c = await openCase();
    const asked = await decide(c.caseId, 'health', staff('health'), { outcome: 'request-info', requestedDocuments: ['floor plan'], comment: 'need the plan' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ status: 'awaiting-supplement', sla: { paused: true } });
    // The mask-line template names the built-in calendar: 10 working days to supply the plan.
    expect(Date.parse(asked.body.sla.supplementDueAt)).toBeGreaterThanOrEqual(Date.now() + 10 * 86_400_000);

    const otherEnterprise: Actor = { ...applicantActor, org: '91110000600037341L' };
    const early = await call('POST', `/v1/cases/${c.caseId}/supplements`, {
      as: otherEnterprise,
      body: { documents: [await uploadDocument(stack.baseUrl, otherEnterprise, 'other-plan')] },
    });
    expectProblem(early, 404); // another enterprise cannot tell the case exists

    const plan = await uploadDocument(stack.baseUrl, applicantActor, 'floor-plan-v2');
    const filed = await call('POST', `/v1/cases/${c.caseId}/supplements`, {
      as: applicantActor,
      body: { documents: [plan], note: 'attached' },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    const [supplement] = filed.body.supplements;
    expect(supplement).toMatchObject({ by: applicantActor.sub, note: 'attached' });
    expect(supplement.documents).toEqual([{ digest: plan.digest, name: 'floor-plan-v2.pdf', mediaType: 'application/pdf', size: expect.any(Number) }]);
    expect(supplement.documents[0].size).toBeGreaterThan(0);
    expect(filed.body.status).toBe('in-review');
    expect(filed.body.sla.paused).toBe(false);
    expect(filed.body.sla.pausedMs).toBeGreaterThan(0);
    expect(Date.parse(filed.body.sla.deadlineAt)).toBe(Date.parse(c.sla.deadlineAt) + filed.body.sla.pausedMs);
    expect(filed.body.tasks.find((t: any) => t.taskId === 'health').status).toBe('open');

    const late = await uploadDocument(stack.baseUrl, applicantActor, 'late-plan');
    const again = await call('POST', `/v1/cases/${c.caseId}/supplements`, { as: applicantActor, body: { documents: [late] } });
    expectProblem(again, 409, /not waiting/);

    const entries = (await call('GET', `/v1/cases/${c.caseId}/history`, { as: supervisor })).body as any[];
    expect(entries.filter((e) => e.type !== 'applicant-notified').map((e) => e.type)).toEqual([
      'case-opened',
      'decision',
      'clock-stopped',
      'supplement-filed',
      'clock-resumed',
    ]);
    // What the applicant was told: that the case opened, and what to supply by when.
    const told = entries.filter((e) => e.type === 'applicant-notified').map((e) => e.details);
    expect(told.map((d) => d.kind)).toEqual(['case-opened', 'info-requested']);
    expect(told[1].message).toContain(asked.body.sla.supplementDueAt);
  });

  test('a rejection closes the case, cancels the other tasks, and later decisions get 409', async () => {
    const c = await openCase();
    const r = await decide(c.caseId, 'ecology', staff('ecology'), { outcome: 'reject', comment: 'discharge permit missing' });
    expect(r.body.status).toBe('rejected');
    expect(r.body.decision.reasons).toEqual([{ taskId: 'ecology', reason: 'discharge permit missing' }]);
    expect(r.body.tasks.filter((t: any) => t.status === 'cancelled').map((t: any) => t.taskId)).toEqual(['market-regulation', 'health']);
    expectProblem(await decide(c.caseId, 'health', staff('health'), { outcome: 'approve' }), 409, /closed/);
    expectProblem(await call('POST', `/v1/cases/${c.caseId}/withdraw`, { as: applicantActor, body: { reason: 'late' } }), 409, /closed/);
  });

  test('the applicant withdraws its open case', async () => {
    const c = await openCase({}, applicantActor);
    expect(c.openedBy).toBe(applicantActor.sub);
    const w = await call('POST', `/v1/cases/${c.caseId}/withdraw`, { as: applicantActor, body: { reason: 'line moved to another site' } });
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ status: 'withdrawn', decision: { status: 'withdrawn', reasons: [{ taskId: null, reason: 'line moved to another site' }] } });
  });
});

describe('refusals: a clear problem, and nothing changes', () => {
  test('400: invalid body, unknown field, bad credit code, malformed JSON, bad query', async () => {
    // Every opening here carries a marker, so what was created can be counted exactly.
    const marker = `refusals-${Date.now()}`;
    const marked = (overrides: Record<string, unknown> = {}) => openBody({ details: { marker }, ...overrides });
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: marked({ extra: true }) }), 400, /Unrecognized key/);
    const bad = await call('POST', '/v1/cases', { as: opener, body: marked({ applicant: { ...applicant, creditCode: '91350100M000100Y44' } }) });
    expectProblem(bad, 400, /check character/);
    expect(bad.body.errors).toContainEqual({ path: 'body.applicant.creditCode', message: expect.stringMatching(/check character/) });
    expectProblem(await call('POST', '/v1/cases', { as: opener, raw: '{"templateId": ' }), 400, /not valid JSON/);
    expectProblem(await call('GET', '/v1/cases?limit=0', { as: auditor }), 400);
    expectProblem(await call('GET', '/v1/cases?colour=red', { as: auditor }), 400);
    expectProblem(await call('GET', '/v1/cases?cursor=nonsense', { as: auditor }), 400, /cursor/);
    const c = await openCase({ details: { marker } });
    expectProblem(await decide(c.caseId, 'health', staff('health'), { outcome: 'reject' }), 400, /comment/);
    expectProblem(await decide(c.caseId, 'health', staff('health'), { outcome: 'maybe' }), 400);
    const markedCases = async () =>
      (await stack.db.pool.query(`SELECT count(*)::int AS n FROM cases WHERE view->'details'->>'marker' = $1`, [marker])).rows[0].n as number;
    await waitFor(async () => (await markedCases()) > 0); // the projection is written just after the answer
    expect(await markedCases()).toBe(1);
    expect((await call('GET', `/v1/cases/${c.caseId}`, { as: auditor })).body.tasks.every((t: any) => t.status === 'open')).toBe(true);
  });

  test('401: no token, a malformed header, a token signed with another secret, an expired token', async () => {
    expectProblem(await call('GET', '/v1/templates'), 401);
    expectProblem(await call('GET', '/v1/templates', { headers: { authorization: 'Basic abc' } }), 401);
    expectProblem(await call('GET', '/v1/templates', { token: await tokenFor(opener, 'another-secret-of-sufficient-length') }), 401);
    const r = await call('GET', '/v1/templates', { token: 'not.a.jwt' });
    expectProblem(r, 401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
  });

  test('403: wrong role, another department, four eyes, another enterprise', async () => {
    const c = await openCase();
    expectProblem(await call('POST', '/v1/cases', { as: auditor, body: openBody() }), 403, /roles/);
    expectProblem(await decide(c.caseId, 'health', staff('ecology'), { outcome: 'approve' }), 403, /belongs to department health/);
    // The opener moves to the health department: still may not decide the case they opened.
    expectProblem(await decide(c.caseId, 'health', { ...opener, dept: 'health' }, { outcome: 'approve' }), 403, /four eyes/);
    expectProblem(await call('POST', '/v1/cases', { as: { ...applicantActor, org: '91110000600037341L' }, body: openBody() }), 403, /own enterprise/);
    expectProblem(await call('POST', '/v1/templates', { as: opener, body: {} }), 403);
    const after = await call('GET', `/v1/cases/${c.caseId}`, { as: auditor });
    expect(after.body.tasks.every((t: any) => t.status === 'open')).toBe(true);
  });

  test('404: unknown case, task, template, version, route', async () => {
    const c = await openCase();
    expectProblem(await call('GET', '/v1/cases/case-00000000-0000-4000-8000-000000000000', { as: auditor }), 404);
    expectProblem(await decide(c.caseId, 'no-such-dept', staff('health'), { outcome: 'approve' }), 404, /no task/);
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody({ templateId: 'no-such-template' }) }), 404);
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody({ templateVersion: 99 }) }), 404, /version 99/);
    expectProblem(await call('GET', '/v1/templates/no-such-template', { as: auditor }), 404);
    // A version beyond PostgreSQL's integer range is invalid input, not a server error (found by schemathesis).
    expectProblem(await call('GET', '/v1/templates/mask-line-fast-track?version=55002764403793', { as: auditor }), 400);
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody({ templateVersion: 2 ** 40 }) }), 400);
    expectProblem(await call('GET', '/v1/nothing-here', { as: auditor }), 404);
    // Another enterprise's applicant cannot tell the case exists.
    expectProblem(await call('GET', `/v1/cases/${c.caseId}`, { as: { ...applicantActor, org: '91110000600037341L' } }), 404);
  });

  test('409: a task decided twice', async () => {
    const c = await openCase();
    expect((await decide(c.caseId, 'health', staff('health'), { outcome: 'approve' })).status).toBe(200);
    expectProblem(await decide(c.caseId, 'health', supervisor, { outcome: 'reject', comment: 'changed my mind' }), 409, /already decided/);
    const now = await call('GET', `/v1/cases/${c.caseId}`, { as: auditor });
    expect(now.body.tasks.find((t: any) => t.taskId === 'health')).toMatchObject({ outcome: 'approve', decidedBy: 'health-officer' });
  });

  test('413: a body over 1 MB', async () => {
    const before = await countCases();
    const r = await call('POST', '/v1/cases', { as: opener, body: openBody({ details: { blob: 'x'.repeat(1_100_000) } }) });
    expectProblem(r, 413);
    const big = await call('POST', '/v1/cases', { as: opener, body: openBody({ details: { notes: 'x'.repeat(70_000) } }) });
    expectProblem(big, 400, /64 KB/);
    expect(await countCases()).toBe(before);
  });
});

describe('idempotency and versions', () => {
  test('the same Idempotency-Key returns the same case, never a second one', async () => {
    const before = await countCases();
    const key = { 'Idempotency-Key': `open-${Date.now()}` };
    const [a, b] = await Promise.all([openCase({}, opener, key), openCase({}, opener, key)]);
    const c = await openCase({}, opener, key);
    expect(new Set([a.caseId, b.caseId, c.caseId]).size).toBe(1);
    expect(await countCases()).toBe(before + 1);
    const reused = await call('POST', '/v1/cases', { as: opener, body: openBody({ details: { other: true } }), headers: key });
    expectProblem(reused, 409, /Idempotency-Key/);
  });

  test('a retried decision with the same Idempotency-Key is applied once', async () => {
    const c = await openCase();
    const key = { 'Idempotency-Key': `decide-${c.caseId}` };
    const first = await decide(c.caseId, 'health', staff('health'), { outcome: 'approve' }, key);
    const second = await decide(c.caseId, 'health', staff('health'), { outcome: 'approve' }, key);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const history = await call('GET', `/v1/cases/${c.caseId}/history`, { as: auditor });
    expect(history.body.filter((e: any) => e.type === 'decision')).toHaveLength(1);
  });

  test('a case keeps the template version it started with', async () => {
    const v1 = await call('GET', '/v1/templates/mask-line-fast-track', { as: opener });
    const old = await openCase();
    const { version: _v, deployedBy: _b, deployedAt: _a, ...body } = v1.body;
    const next = { ...body, title: 'New mask production line (revised)', departments: [...body.departments, { dept: 'fire-safety', title: 'Fire safety' }] };
    const deployed = await call('POST', '/v1/templates', { as: admin, body: next });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    expect(deployed.body).toEqual({ id: 'mask-line-fast-track', version: v1.body.version + 1 });

    const fresh = await openCase();
    expect(fresh.templateVersion).toBe(v1.body.version + 1);
    expect(fresh.tasks.map((t: any) => t.taskId)).toContain('fire-safety');
    const kept = await call('GET', `/v1/cases/${old.caseId}`, { as: auditor });
    expect(kept.body.templateVersion).toBe(v1.body.version);
    expect(kept.body.tasks.map((t: any) => t.taskId)).toEqual(MASK_DEPTS);
    const pinned = await openCase({ templateVersion: v1.body.version });
    expect(pinned.tasks.map((t: any) => t.taskId)).toEqual(MASK_DEPTS);
    const listed = await call('GET', '/v1/templates/mask-line-fast-track?version=1', { as: opener });
    expect(listed.body.title).toBe('New mask production line');

    const invalid = await call('POST', '/v1/templates', { as: admin, body: { ...next, sla: 'two days', departments: [] } });
    expectProblem(invalid, 400);
    expect(invalid.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['body.sla', 'body.departments']));
    expect((await call('GET', '/v1/templates/mask-line-fast-track', { as: opener })).body.version).toBe(v1.body.version + 1);
  });
});

describe('lists, health, OpenAPI, restarts', () => {
  test('lists serve priority cases first, then the soonest due, with filters and cursors', async () => {
    const priorityCode = '91110000600037341L';
    await stack.db.pool.query("INSERT INTO key_smes (credit_code, name, reason, added_by) VALUES ($1, 'Key SME', 'masks', 'test')", [priorityCode]);
    const normal = await openCase();
    await openCase();
    await openCase();
    const urgent = await openCase({ applicant: { ...applicant, creditCode: priorityCode } });
    expect(urgent.priority).toBe(true);
    await waitFor(async () => (await call('GET', '/v1/cases?priority=true', { as: auditor })).body.items.length > 0);
    const page = await call('GET', '/v1/cases?status=in-review&limit=2', { as: auditor });
    expect(page.body.items[0].caseId).toBe(urgent.caseId);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const rest = await call('GET', `/v1/cases?status=in-review&limit=200&cursor=${page.body.nextCursor}`, { as: auditor });
    const ids = [...page.body.items, ...rest.body.items].map((c: any) => c.caseId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(normal.caseId);
    const all = [...page.body.items, ...rest.body.items].slice(1);
    const dues = all.map((c: any) => Date.parse(c.sla.deadlineAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const onlyPriority = await call('GET', '/v1/cases?priority=true', { as: auditor });
    expect(onlyPriority.body.items.map((c: any) => c.caseId)).toEqual([urgent.caseId]);
    const byDept = await call('GET', '/v1/cases?dept=fire-safety', { as: auditor });
    expect(byDept.body.items.every((c: any) => c.tasks.some((t: any) => t.dept === 'fire-safety'))).toBe(true);
    // An applicant's list holds its own enterprise's cases only (test/api/applicant-cases.test.ts has the rest).
    const own = await call('GET', '/v1/cases?limit=200', { as: applicantActor });
    expect(own.status).toBe(200);
    expect(own.body.items.map((c: any) => c.caseId)).toContain(normal.caseId);
    expect(own.body.items.every((c: any) => c.applicant.creditCode === applicantActor.org)).toBe(true);
  });

  test('healthz reports both dependencies; openapi.json describes the routes', async () => {
    const h = await call('GET', '/healthz');
    expect(h).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'up', database: 'up' } });
    const doc = await call('GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/cases', '/v1/cases/{caseId}', '/v1/cases/{caseId}/tasks/{taskId}/decision', '/v1/templates', '/healthz']),
    );
    expect(doc.body.components.schemas.Case.properties.sla).toBeDefined();
  });

  test('a worker restart mid-case loses nothing', async () => {
    const c = await openCase({ templateVersion: 1 });
    await decide(c.caseId, 'health', staff('health'), { outcome: 'approve' });
    await stack.stopWorker();
    // With no worker running the decision waits in Temporal; the restarted worker replays the case and applies it.
    const pending = decide(c.caseId, 'ecology', staff('ecology'), { outcome: 'approve' });
    await new Promise((r) => setTimeout(r, 500));
    await stack.startWorker();
    expect((await pending).status).toBe(200);
    const done = await decide(c.caseId, 'market-regulation', staff('market-regulation'), { outcome: 'approve' });
    expect(done.body.status).toBe('approved');
    expect(done.body.tasks.map((t: any) => t.decidedBy)).toEqual(['market-regulation-officer', 'health-officer', 'ecology-officer']);
  });
});

describe('operations', () => {
  test('every response carries a request id; a sane given one is kept', async () => {
    const given = await call('GET', '/healthz', { headers: { 'X-Request-Id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const made = await call('GET', '/healthz', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  // 429s are in limits.test.ts: rate limits are counted in the database, which this file's tests share.
  test('503 when PostgreSQL is down', async () => {
    const deadPool = createPool('postgres://postgres:postgres@127.0.0.1:1/none', 1);
    const degraded = createApp({ client: stack.client, pool: deadPool, logger: pino({ level: 'silent' }), config: stack.config });
    await withServer(degraded, async (url) => {
      const hit = api(url);
      const health = await hit('GET', '/healthz');
      expect(health).toMatchObject({ status: 503, body: { status: 'degraded', temporal: 'up', database: 'down' } });
      expectProblem(await hit('GET', '/v1/templates', { as: auditor }), 503, /database/);
    });
    await deadPool.end();
  });
});

async function withServer(app: Express, fn: (url: string) => Promise<void>): Promise<void> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
