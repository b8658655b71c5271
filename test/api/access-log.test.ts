/**
 * Auditors' reads are audited: every answered read of a case's timeline, raw history or
 * verification is in the append-only access log, which auditors list and filter and nobody can
 * change, not even with direct SQL. Real stack.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, expect, inject, test, vi } from 'vitest';
import type { Actor } from '../../common/types.js';
import { archiveClosedCases } from '../../workers/archiver.js';
import { applicant, opener, staff } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const otherAuditor: Actor = { sub: 'oscar', name: 'Oscar Auditor', roles: ['auditor'], dept: 'inspection' };
const supervisor: Actor = { sub: 'sam', name: 'Sam Supervisor', roles: ['supervisor'], dept: 'health' };

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

async function openCase(): Promise<{ caseId: string; tasks: { taskId: string; dept: string }[] }> {
  const r = await call('POST', '/v1/cases', { as: opener, body: { templateId: 'mask-line-fast-track', applicant, details: {} } });
  expect(r.status).toBe(201);
  return r.body;
}

const accessLog = async (query = '', as: Actor = auditor) => {
  const r = await call('GET', `/v1/audit/access${query}`, { as });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { items: any[]; nextCursor: string | null };
};

test('every answered read is logged with who, what, which case and the status; refused reads are not', async () => {
  const before = new Date();
  const { caseId, tasks } = await openCase();
  const other = await openCase();

  expect((await call('GET', `/v1/cases/${caseId}/history`, { as: auditor })).status).toBe(200);
  expect((await call('GET', `/v1/cases/${caseId}/history/raw`, { as: auditor })).status).toBe(200);
  expect((await call('GET', `/v1/cases/${caseId}/audit/verify`, { as: auditor })).status).toBe(409); // not archived: answered, and logged
  expect((await call('GET', `/v1/cases/${caseId}/history`, { as: supervisor })).status).toBe(200);
  expect((await call('GET', `/v1/cases/${other.caseId}/history`, { as: otherAuditor })).status).toBe(200);
  // Refused: a role that may not read the history, an unknown case.
  expect((await call('GET', `/v1/cases/${caseId}/history/raw`, { as: supervisor })).status).toBe(403);
  expect((await call('GET', `/v1/cases/${caseId}/history`, { as: staff('health') })).status).toBe(403);
  expect((await call('GET', '/v1/cases/case-00000000-0000-4000-8000-000000000000/history', { as: auditor })).status).toBe(404);

  const forCase = await accessLog(`?caseId=${caseId}`);
  expect(forCase.items.map((e) => [e.actor.sub, e.action, e.status])).toEqual([
    ['sam', 'timeline', 200],
    ['audrey', 'verify', 409],
    ['audrey', 'raw-history', 200],
    ['audrey', 'timeline', 200],
  ]);
  expect(forCase.items[0]).toMatchObject({
    caseId,
    actor: { sub: 'sam', name: 'Sam Supervisor', roles: ['supervisor'], dept: 'health' },
    requestId: expect.any(String),
  });
  expect(forCase.items[3].actor).toEqual({ sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] });
  for (const e of forCase.items) {
    expect(new Date(e.at).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(new Date(e.at).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  }
  expect(forCase.nextCursor).toBeNull();

  // Once archived, verification is answered 200 and logged as such.
  for (const t of tasks)
    expect((await call('POST', `/v1/cases/${caseId}/tasks/${t.taskId}/decision`, { as: staff(t.dept), body: { outcome: 'approve' } })).status).toBe(200);
  await stack.client.workflow.getHandle(caseId).result();
  await vi.waitFor(
    async () => {
      await archiveClosedCases(stack.db.pool, stack.client, pino({ level: 'silent' }));
      expect((await call('GET', `/v1/cases/${caseId}/audit/verify`, { as: otherAuditor })).status).toBe(200);
    },
    { timeout: 15_000, interval: 200 },
  );
  expect((await accessLog(`?caseId=${caseId}&sub=oscar`)).items.map((e) => [e.action, e.status])).toEqual([['verify', 200]]);
});

test('filters (case, reader, action, time window), pagination newest first; auditors only; bad queries are 400', async () => {
  const { caseId } = await openCase();
  for (let i = 0; i < 3; i++) expect((await call('GET', `/v1/cases/${caseId}/history`, { as: otherAuditor })).status).toBe(200);
  expect((await call('GET', `/v1/cases/${caseId}/history/raw`, { as: otherAuditor })).status).toBe(200);

  const bySub = await accessLog(`?sub=oscar&caseId=${caseId}`);
  expect(bySub.items).toHaveLength(4);
  expect(bySub.items.every((e) => e.actor.sub === 'oscar' && e.caseId === caseId)).toBe(true);
  expect((await accessLog(`?sub=oscar&caseId=${caseId}&action=raw-history`)).items).toHaveLength(1);
  expect((await accessLog(`?sub=nobody`)).items).toEqual([]);

  const ids = bySub.items.map((e) => e.id);
  expect([...ids].sort((a, b) => b - a)).toEqual(ids);
  const first = await accessLog(`?sub=oscar&caseId=${caseId}&limit=3`);
  expect(first.items.map((e) => e.id)).toEqual(ids.slice(0, 3));
  expect(first.nextCursor).toEqual(expect.any(String));
  const second = await accessLog(`?sub=oscar&caseId=${caseId}&limit=3&cursor=${first.nextCursor}`);
  expect(second.items.map((e) => e.id)).toEqual(ids.slice(3));
  expect(second.nextCursor).toBeNull();

  const at = new Date(bySub.items[0].at).getTime();
  const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
  expect((await accessLog(`?caseId=${caseId}&from=${iso(at + 60_000)}`)).items).toEqual([]);
  expect((await accessLog(`?caseId=${caseId}&to=${iso(at - 60_000)}`)).items).toEqual([]);
  expect((await accessLog(`?caseId=${caseId}&from=${iso(at - 60_000)}&to=${iso(at + 60_000)}`)).items).toHaveLength(4);

  for (const who of [supervisor, staff('health'), opener]) expect((await call('GET', '/v1/audit/access', { as: who })).status).toBe(403);
  expect((await call('GET', '/v1/audit/access')).status).toBe(401);
  for (const q of [
    '?from=yesterday',
    '?caseId=nope',
    '?limit=0',
    '?action=delete',
    '?cursor=%%%',
    '?cursor=bm9wZQ',
    '?surprise=1',
    `?from=${iso(at)}&to=${iso(at - 1000)}`,
  ]) {
    const r = await call('GET', `/v1/audit/access${q}`, { as: auditor });
    expect(r.status, q).toBe(400);
  }
  expect((await call('GET', '/openapi.json')).body.paths['/v1/audit/access'].get.parameters.map((p: any) => p.name)).toEqual(
    expect.arrayContaining(['caseId', 'sub', 'from', 'to', 'limit', 'cursor']),
  );
});

test('the log is append-only in the database: UPDATE, DELETE and TRUNCATE fail', async () => {
  const { caseId } = await openCase();
  expect((await call('GET', `/v1/cases/${caseId}/history`, { as: auditor })).status).toBe(200);
  const pool = stack.db.pool;
  await expect(pool.query(`UPDATE case_access_log SET actor_sub = 'someone-else' WHERE case_id = $1`, [caseId])).rejects.toThrow(/append-only: UPDATE refused/);
  await expect(pool.query('DELETE FROM case_access_log WHERE case_id = $1', [caseId])).rejects.toThrow(/append-only: DELETE refused/);
  await expect(pool.query('TRUNCATE case_access_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
  const { rows } = await pool.query('SELECT actor_sub FROM case_access_log WHERE case_id = $1', [caseId]);
  expect(rows).toEqual([{ actor_sub: 'audrey' }]);
});
