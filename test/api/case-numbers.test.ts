/**
 * Case numbers (SA-2026-000123), on the real stack: issued at opening from a counter per prefix and
 * year, once per case (a retried opening gets the same one), never shared by concurrent openings,
 * shown in the case, the lists and the inbox, searchable exactly, and named in the opening notice.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { formatCaseNumber, issueCaseNumber, yearIn } from '../../db/case-numbers.js';
import { defaultNumberPrefix } from '../../templates/schema.js';
import { applicant, applicantActor, opener, staff } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const OTHER_ORG = '91110000600037341L';
const YEAR = yearIn(new Date(), 'Asia/Shanghai');

const openBody = (templateId: string) => ({ templateId, applicant, details: { product: 'medical masks', capacityPerDay: 200000 } });

async function open(templateId: string, headers: Record<string, string> = {}, as: Actor = opener) {
  const r = await call('POST', '/v1/cases', { as, body: openBody(templateId), headers });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { caseId: string; number: string; openedAt: string };
}

const seqOf = (number: string) => Number(number.split('-')[2]);

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
  // A template of its own, with a prefix of its own (the builtin ones use the default).
  const builtin = await call('GET', '/v1/templates/mask-line-fast-track', { as: opener });
  const { version: _v, deployedBy: _b, deployedAt: _a, ...body } = builtin.body;
  const deployed = await call('POST', '/v1/templates', { as: admin, body: { ...body, id: 'solar-approval', title: 'Solar approval', numberPrefix: 'SA' } });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('the number', () => {
  test('has the prefix, the year of opening in Shanghai, and a counter of 6 digits per prefix', async () => {
    const first = await open('solar-approval');
    expect(first.number).toBe(`SA-${YEAR}-000001`);
    expect(yearIn(new Date(first.openedAt), 'Asia/Shanghai')).toBe(YEAR);
    expect((await open('solar-approval')).number).toBe(`SA-${YEAR}-000002`);
    // Another prefix counts on its own: the builtin template's, derived from its id.
    expect(defaultNumberPrefix('mask-line-fast-track')).toBe('MLFT');
    expect((await open('mask-line-fast-track')).number).toBe(`MLFT-${YEAR}-000001`);
    // The case shows it however it is read: the live workflow, and the projection.
    const live = await call('GET', `/v1/cases/${first.caseId}`, { as: auditor });
    expect(live.body.number).toBe(first.number);
  });

  test('the year is the time zone’s, and each year counts from 1; a long counter keeps every digit', async () => {
    expect(yearIn(new Date('2026-12-31T16:30:00Z'), 'Asia/Shanghai')).toBe(2027);
    expect(yearIn(new Date('2026-12-31T16:30:00Z'), 'Europe/London')).toBe(2026);
    expect(await issueCaseNumber(stack.db.pool, 'case-year-a', 'SA', 2031)).toBe('SA-2031-000001');
    expect(await issueCaseNumber(stack.db.pool, 'case-year-b', 'SA', 2031)).toBe('SA-2031-000002');
    // Asked again for the same case: the same number, and the counter does not move.
    expect(await issueCaseNumber(stack.db.pool, 'case-year-a', 'SA', 2031)).toBe('SA-2031-000001');
    expect(await issueCaseNumber(stack.db.pool, 'case-year-c', 'SA', 2031)).toBe('SA-2031-000003');
    expect(formatCaseNumber('SA', 2026, 1_234_567)).toBe('SA-2026-1234567');
  });

  test('20 concurrent openings get 20 distinct consecutive numbers', async () => {
    const opened = await Promise.all(Array.from({ length: 20 }, () => open('solar-approval')));
    const seqs = opened.map((c) => seqOf(c.number)).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(20);
    expect(seqs[19]! - seqs[0]!).toBe(19);
    for (const c of opened) expect(c.number).toMatch(new RegExp(`^SA-${YEAR}-\\d{6}$`));
    const { rows } = await stack.db.pool.query<{ n: string }>('SELECT count(DISTINCT number)::text AS n FROM cases WHERE number LIKE $1', [`SA-${YEAR}-%`]);
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(20);
  });

  test('a retried opening with the same Idempotency-Key gets the same case and number, and uses no other', async () => {
    const key = { 'Idempotency-Key': `numbered-${Date.now()}` };
    const first = await open('solar-approval', key);
    const retry = await call('POST', '/v1/cases', { as: opener, body: openBody('solar-approval'), headers: key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect([retry.body.caseId, retry.body.number]).toEqual([first.caseId, first.number]);
    expect(seqOf((await open('solar-approval')).number)).toBe(seqOf(first.number) + 1);
  });
});

describe('searching by number', () => {
  test('finds the case exactly; an unknown number finds none; a malformed one is 400', async () => {
    const c = await open('solar-approval');
    const found = await call('GET', `/v1/cases?number=${c.number}`, { as: auditor });
    expect(found.status).toBe(200);
    expect(found.body.items.map((v: any) => [v.caseId, v.number])).toEqual([[c.caseId, c.number]]);
    const unknown = await call('GET', `/v1/cases?number=SA-${YEAR}-999999`, { as: auditor });
    expect([unknown.status, unknown.body.items]).toEqual([200, []]);
    for (const bad of ['sa-2026-000001', 'SA-2026-12', 'S-2026-000001', 'SA-26-000001']) {
      const r = await call('GET', `/v1/cases?number=${bad}`, { as: auditor });
      expect(r.status, bad).toBe(400);
      expect(r.body.errors.map((e: any) => e.path)).toEqual(['query.number']);
    }
  });

  test("an applicant finds its own case by number and sees the number; another enterprise's finds nothing", async () => {
    const own = await open('solar-approval', {}, applicantActor);
    const read = await call('GET', `/v1/cases/${own.caseId}`, { as: applicantActor });
    expect(read.body.number).toBe(own.number);
    const listed = await call('GET', `/v1/cases?number=${own.number}`, { as: applicantActor });
    expect(listed.body.items.map((v: any) => v.number)).toEqual([own.number]);
    const other = await call('GET', `/v1/cases?number=${own.number}`, { as: { ...applicantActor, sub: 'other', org: OTHER_ORG } });
    expect(other.body.items).toEqual([]);
  });

  test('the inbox names each task’s case by its number', async () => {
    const c = await open('solar-approval');
    const inbox = await waitFor(
      async () => (await call('GET', '/v1/tasks?limit=200', { as: staff('health') })).body.items as any[],
      (items) => items.some((i) => i.caseId === c.caseId),
    );
    expect(inbox.find((i) => i.caseId === c.caseId).caseNumber).toBe(c.number);
  });
});

describe('notices', () => {
  test('the case-opened notice names the number', async () => {
    const c = await open('solar-approval');
    const notices = await waitFor(
      async () => (await call('GET', `/v1/cases/${c.caseId}/notifications`, { as: auditor })).body as any[],
      (ns) => ns.some((n) => n.kind === 'case-opened'),
    );
    const opened = notices.find((n) => n.kind === 'case-opened');
    expect(opened.text).toBe(`Solar approval: your case is open; its number is ${c.number}`);
    expect(opened.text).not.toContain(c.caseId);
  });
});

describe('templates', () => {
  test('a prefix must be 2 to 6 capital letters', async () => {
    const builtin = await call('GET', '/v1/templates/solar-approval', { as: opener });
    const { version: _v, deployedBy: _b, deployedAt: _a, ...body } = builtin.body;
    for (const numberPrefix of ['sa', 'S', 'SOLARPV', 'S4']) {
      const r = await call('POST', '/v1/templates', { as: admin, body: { ...body, numberPrefix } });
      expect(r.status, numberPrefix).toBe(400);
      expect(r.body.errors.map((e: any) => e.path)).toEqual(['body.numberPrefix']);
    }
    expect((await call('GET', '/v1/templates/solar-approval', { as: opener })).body.version).toBe(builtin.body.version);
  });
});
