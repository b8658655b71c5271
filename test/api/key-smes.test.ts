/**
 * The key-SME list through the API, against the real stack: admin CRUD with its statuses, imports
 * (JSON and CSV, all or nothing, every bad row named), the change log, and the effect on cases:
 * a listed applicant's new case is priority and served first; once removed, new cases are not.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import type { Actor } from '../../common/types.js';
import { applicant } from '../support/fixtures.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const otherAdmin: Actor = { sub: 'rosa', name: 'Rosa Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const supervisor: Actor = { sub: 'sam', name: 'Sam Supervisor', roles: ['supervisor'], dept: 'health' };
const caseworker: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };

/** A valid credit code (GB 32100-2015) for a small number. */
const code = (n: number) => {
  const first17 = `91110108MA${String(n).padStart(7, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};

const csv = (...lines: string[]) => ({ raw: lines.join('\r\n'), headers: { 'content-type': 'text/csv' } });

function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, detail?: RegExp) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body).toMatchObject({ status, detail: expect.any(String) });
  if (detail) expect(r.body.detail).toMatch(detail);
}

async function listed(): Promise<any[]> {
  const r = await call('GET', '/v1/key-smes', { as: admin });
  expect(r.status).toBe(200);
  return r.body;
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('one entry at a time', () => {
  const c = '91110000600037341L';

  test('PUT lists (201) then updates (200); GET reads; DELETE removes (204) then 404', async () => {
    const before = Date.now();
    const created = await call('PUT', `/v1/key-smes/${c}`, { as: admin, body: { name: 'Beijing Masks', reason: 'key mask maker' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/key-smes/${c}`);
    expect(created.body).toMatchObject({ creditCode: c, name: 'Beijing Masks', reason: 'key mask maker', addedBy: 'root', updatedBy: null, updatedAt: null });
    expect(Date.parse(created.body.addedAt)).toBeGreaterThanOrEqual(before - 1000);

    const updated = await call('PUT', `/v1/key-smes/${c}`, { as: otherAdmin, body: { name: 'Beijing Masks Co.', reason: 'key mask and gown maker' } });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ creditCode: c, name: 'Beijing Masks Co.', addedBy: 'root', addedAt: created.body.addedAt, updatedBy: 'rosa' });
    expect(Date.parse(updated.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.addedAt));

    for (const who of [admin, supervisor, auditor]) {
      const all = await call('GET', '/v1/key-smes', { as: who });
      expect(all.status).toBe(200);
      expect(all.body).toContainEqual(updated.body);
    }
    expect((await call('GET', `/v1/key-smes/${c}`, { as: auditor })).body).toEqual(updated.body);

    const removed = await call('DELETE', `/v1/key-smes/${c}`, { as: admin });
    expect(removed.status).toBe(204);
    expect(removed.body).toBeUndefined();
    expect(removed.headers.get('content-type')).toBeNull();
    expectProblem(await call('DELETE', `/v1/key-smes/${c}`, { as: admin }), 404, /not on the key-SME list/);
    expectProblem(await call('GET', `/v1/key-smes/${c}`, { as: admin }), 404);
    expect((await listed()).map((e) => e.creditCode)).not.toContain(c);
  });

  test('the change log records who and when, and outlives the entry', async () => {
    const h = await call('GET', `/v1/key-smes/${c}/history`, { as: auditor });
    expect(h.status).toBe(200);
    expect(h.body.map((e: any) => [e.action, e.changedBy, e.name])).toEqual([
      ['added', 'root', 'Beijing Masks'],
      ['updated', 'rosa', 'Beijing Masks Co.'],
      ['removed', 'root', 'Beijing Masks Co.'],
    ]);
    const times = h.body.map((e: any) => Date.parse(e.changedAt));
    expect(times.every((t: number) => Number.isFinite(t) && Math.abs(Date.now() - t) < 120_000)).toBe(true);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await call('GET', `/v1/key-smes/${code(999)}/history`, { as: admin })).body).toEqual([]);
  });

  test('401 without a token, 403 for other roles, 400 for a bad code or an unknown field', async () => {
    expectProblem(await call('GET', '/v1/key-smes'), 401);
    expectProblem(await call('PUT', `/v1/key-smes/${c}`, { body: { name: 'x', reason: 'y' } }), 401);
    expectProblem(await call('GET', '/v1/key-smes', { as: caseworker }), 403);
    expectProblem(await call('PUT', `/v1/key-smes/${c}`, { as: caseworker, body: { name: 'x', reason: 'y' } }), 403);
    expectProblem(await call('PUT', `/v1/key-smes/${c}`, { as: supervisor, body: { name: 'x', reason: 'y' } }), 403);
    expectProblem(await call('DELETE', `/v1/key-smes/${c}`, { as: auditor }), 403);
    expectProblem(await call('POST', '/v1/key-smes/import', { as: supervisor, body: [] }), 403);

    const badCheck = await call('PUT', '/v1/key-smes/91110000600037341X', { as: admin, body: { name: 'x', reason: 'y' } });
    expectProblem(badCheck, 400);
    expect(badCheck.body.errors).toEqual([{ path: 'path.creditCode', message: expect.stringMatching(/check character/) }]);
    expectProblem(await call('PUT', '/v1/key-smes/not-a-code', { as: admin, body: { name: 'x', reason: 'y' } }), 400);
    expectProblem(await call('DELETE', '/v1/key-smes/not-a-code', { as: admin }), 400);
    const unknown = await call('PUT', `/v1/key-smes/${c}`, { as: admin, body: { name: 'x', reason: 'y', priority: 'high' } });
    expectProblem(unknown, 400);
    expect(unknown.body.errors[0].message).toMatch(/priority/);
    expectProblem(await call('PUT', `/v1/key-smes/${c}`, { as: admin, body: { name: ' ', reason: 'y' } }), 400);
    expectProblem(await call('PUT', `/v1/key-smes/${c}`, { as: admin, body: { name: 'x' } }), 400);
    expect((await listed()).map((e) => e.creditCode)).not.toContain(c);
  });
});

describe('imports', () => {
  test('a JSON array adds and updates, all at once', async () => {
    const first = await call('POST', '/v1/key-smes/import', {
      as: admin,
      body: [
        { creditCode: code(1), name: 'One', reason: 'masks' },
        { creditCode: code(2), name: 'Two', reason: 'gowns' },
      ],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ added: 2, updated: 0, total: (await listed()).length });

    const second = await call('POST', '/v1/key-smes/import', {
      as: otherAdmin,
      body: [
        { creditCode: code(2), name: 'Two Ltd', reason: 'gowns and gloves' },
        { creditCode: code(3), name: 'Three', reason: 'test kits' },
      ],
    });
    expect(second.body).toMatchObject({ added: 1, updated: 1 });
    const byCode = new Map((await listed()).map((e) => [e.creditCode, e]));
    expect(byCode.get(code(1))).toMatchObject({ name: 'One', addedBy: 'root', updatedBy: null });
    expect(byCode.get(code(2))).toMatchObject({ name: 'Two Ltd', reason: 'gowns and gloves', addedBy: 'root', updatedBy: 'rosa' });
    expect(byCode.get(code(3))).toMatchObject({ name: 'Three', addedBy: 'rosa' });
    const h = await call('GET', `/v1/key-smes/${code(2)}/history`, { as: admin });
    expect(h.body.map((e: any) => [e.action, e.changedBy])).toEqual([
      ['imported', 'root'],
      ['imported', 'rosa'],
    ]);
  });

  test('a CSV file: BOM, CRLF, a quoted comma, a blank trailing line', async () => {
    const r = await call('POST', '/v1/key-smes/import', {
      as: admin,
      ...csv(
        '\uFEFFcreditCode,name,reason',
        `${code(3)},"Three, Inc.",test kits`,
        `${code(4)},"Four ""Quality"" Ltd",thermometers`,
        `${code(5)},Five,"masks, gowns"`,
        '',
      ),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ added: 2, updated: 1 });
    const byCode = new Map((await listed()).map((e) => [e.creditCode, e]));
    expect(r.body.total).toBe(byCode.size);
    expect(byCode.get(code(3))).toMatchObject({ name: 'Three, Inc.', reason: 'test kits', updatedBy: 'root' });
    expect(byCode.get(code(4))).toMatchObject({ name: 'Four "Quality" Ltd', reason: 'thermometers', addedBy: 'root' });
    expect(byCode.get(code(5))).toMatchObject({ name: 'Five', reason: 'masks, gowns' });
    // the list is ordered by credit code
    const codes = [...byCode.keys()];
    expect(codes).toEqual([...codes].sort());
  });

  test('a bad CSV names every bad line and changes nothing', async () => {
    const before = await listed();
    const r = await call('POST', '/v1/key-smes/import', {
      as: admin,
      ...csv(
        'creditCode,name,reason',
        `${code(6)},Six,masks`, // line 2: fine
        '91110108MA0000007X,Seven,masks', // line 3: bad check character
        `${code(8)},,gloves`, // line 4: no name
        '', // line 5: blank, skipped
        `${code(6)},Six again,masks`, // line 6: repeated code
        `${code(9)},Nine`, // line 7: two fields
        `${code(10)},"Ten, Ltd",goggles`, // line 8: fine
      ),
    });
    expectProblem(r, 400, /4 of 6 rows are invalid; nothing was imported/);
    expect(r.body.errors.map((e: any) => e.path)).toEqual(['line 3', 'line 4', 'line 6', 'line 7']);
    expect(r.body.errors[0].message).toMatch(/creditCode: .*check character/);
    expect(r.body.errors[1].message).toMatch(/name: is required/);
    expect(r.body.errors[2].message).toMatch(/repeated \(first at line 2\)/);
    expect(r.body.errors[3].message).toMatch(/expected 3 fields/);
    expect(await listed()).toEqual(before);
    expect((await call('GET', `/v1/key-smes/${code(6)}/history`, { as: admin })).body).toEqual([]);
  });

  test('a bad CSV with three bad rows answers all three line numbers', async () => {
    const before = await listed();
    const r = await call('POST', '/v1/key-smes/import', {
      as: admin,
      ...csv('creditCode,name,reason', 'ABC,Short,masks', `${code(11)},Eleven,masks`, `${code(12)},Twelve`, `${code(13)},,gloves`),
    });
    expectProblem(r, 400);
    expect(r.body.errors.map((e: any) => e.path)).toEqual(['line 2', 'line 4', 'line 5']);
    expect(await listed()).toEqual(before);
  });

  test('a bad JSON array names every bad index and changes nothing', async () => {
    const before = await listed();
    const r = await call('POST', '/v1/key-smes/import', {
      as: admin,
      body: [
        { creditCode: code(14), name: 'Fourteen', reason: 'masks' },
        { creditCode: code(15), name: 'Fifteen', reason: 'masks', extra: 1 },
        { creditCode: code(14), name: 'Again', reason: 'masks' },
        'not a row',
      ],
    });
    expectProblem(r, 400);
    expect(r.body.errors.map((e: any) => e.path)).toEqual(['[1]', '[2]', '[3]']);
    expect(r.body.errors[0].message).toMatch(/extra/);
    expect(await listed()).toEqual(before);
  });

  test('a bad header, a multi-line record, too many rows, an empty body, another media type', async () => {
    const header = await call('POST', '/v1/key-smes/import', { as: admin, ...csv('code,title,why', `${code(16)},Sixteen,masks`) });
    expectProblem(header, 400);
    expect(header.body.errors).toEqual([{ path: 'line 1', message: expect.stringMatching(/creditCode,name,reason/) }]);

    const reordered = await call('POST', '/v1/key-smes/import', { as: admin, ...csv('name,reason,creditCode', `Seventeen,masks,${code(17)}`) });
    expect(reordered.body).toMatchObject({ added: 1, updated: 0 });
    expect((await call('GET', `/v1/key-smes/${code(17)}`, { as: admin })).body).toMatchObject({ name: 'Seventeen', reason: 'masks' });

    // a quoted line break: the bad record is reported on the line where it starts
    const multi = await call('POST', '/v1/key-smes/import', { as: admin, ...csv('creditCode,name,reason', `${code(16)},"Six\nteen",masks`, 'BAD,Bad,masks') });
    expect(multi.body.errors.map((e: any) => e.path)).toEqual(['line 4']);

    const unclosed = await call('POST', '/v1/key-smes/import', { as: admin, ...csv('creditCode,name,reason', `${code(16)},"Sixteen,masks`) });
    expectProblem(unclosed, 400, /cannot be read/);

    const many = Array.from({ length: 10_001 }, (_, i) => `${code(i)},N${i},r`);
    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, ...csv('creditCode,name,reason', ...many) }), 400, /at most 10000 rows/);
    const manyJson = Array.from({ length: 10_001 }, (_, i) => ({ creditCode: code(i), name: `N${i}`, reason: 'r' }));
    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, body: manyJson }), 400, /at most 10000 rows/);

    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, body: [] }), 400, /no rows/);
    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, ...csv('creditCode,name,reason') }), 400, /no rows/);
    expectProblem(await call('POST', '/v1/key-smes/import', { as: admin, body: { creditCode: code(16), name: 'x', reason: 'y' } }), 400);
    expectProblem(
      await call('POST', '/v1/key-smes/import', { as: admin, raw: `creditCode,name,reason\n${code(16)},x,y`, headers: { 'content-type': 'text/plain' } }),
      415,
    );
    expect((await listed()).map((e) => e.creditCode)).not.toContain(code(16));
  });

  test('the OpenAPI document describes the routes and the CSV body', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/key-smes', '/v1/key-smes/{creditCode}', '/v1/key-smes/{creditCode}/history', '/v1/key-smes/import']),
    );
    expect(Object.keys(doc.paths['/v1/key-smes/import'].post.requestBody.content)).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(doc.paths['/v1/key-smes/{creditCode}'])).toEqual(expect.arrayContaining(['get', 'put', 'delete']));
  });
});

describe('the effect on cases', () => {
  const priorityApplicant = { ...applicant, creditCode: '9144030071526726XG', name: 'Shenzhen Key SME' };
  const openCase = async (app: typeof applicant) => {
    const r = await call('POST', '/v1/cases', {
      token: await tokenFor(caseworker),
      body: { templateId: 'mask-line-fast-track', applicant: app, details: { product: 'medical masks', capacityPerDay: 200000 } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  test('a listed applicant opens priority cases, served first; once removed, new cases are not', async () => {
    const normal = await openCase(applicant);
    expect(normal.priority).toBe(false);

    expect(
      (await call('PUT', `/v1/key-smes/${priorityApplicant.creditCode}`, { as: admin, body: { name: 'Shenzhen Key SME', reason: 'mask exports' } })).status,
    ).toBe(201);
    const urgent = await openCase(priorityApplicant);
    expect(urgent.priority).toBe(true);

    await waitFor(async () => (await call('GET', '/v1/cases?priority=true', { as: supervisor })).body.items.length > 0);
    const onlyPriority = await call('GET', '/v1/cases?priority=true', { as: supervisor });
    expect(onlyPriority.body.items.map((c: any) => c.caseId)).toEqual([urgent.caseId]);
    await waitFor(async () => (await call('GET', '/v1/cases', { as: auditor })).body.items.length >= 2);
    const queue = await call('GET', '/v1/cases', { as: auditor });
    expect(queue.body.items[0].caseId).toBe(urgent.caseId);
    expect(queue.body.items.map((c: any) => c.caseId)).toContain(normal.caseId);

    expect((await call('DELETE', `/v1/key-smes/${priorityApplicant.creditCode}`, { as: admin })).status).toBe(204);
    const later = await openCase(priorityApplicant);
    expect(later.priority).toBe(false);
    // the case opened while listed keeps its priority
    expect((await call('GET', `/v1/cases/${urgent.caseId}`, { as: auditor })).body.priority).toBe(true);
  });
});
