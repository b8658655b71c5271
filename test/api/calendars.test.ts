/**
 * Calendars through the API, against the real stack: the built-in calendar deployed at start,
 * versions (latest and `?version=`), deploys honouring Idempotency-Key, refusals that deploy
 * nothing; and the functions a case uses when it opens (latestCalendar, pinCalendar).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { WorkingTime } from '../../common/working-time.js';
import { getCalendar, latestCalendar, listCalendars } from '../../db/calendars.js';
import { seedBuiltinCalendars } from '../../templates/builtin-calendars.js';
import { pinCalendar } from '../../templates/calendar-pin.js';
import { applicant } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const otherAdmin: Actor = { sub: 'rosa', name: 'Rosa Admin', roles: ['admin'] };
const applicantActor: Actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: applicant.creditCode };
const caseworker: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };

const shenzhen = (over: Record<string, unknown> = {}) => ({
  id: 'shenzhen-office',
  title: 'Shenzhen service centre',
  timezone: 'Asia/Shanghai',
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '14:00', end: '18:00' },
  ],
  holidays: ['2026-10-01'],
  workdays: ['2026-09-20'],
  covers: { from: '2026-01-01', until: '2026-12-31' },
  source: 'a test',
  ...over,
});

function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, detail?: RegExp) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  if (detail) expect(r.body.detail).toMatch(detail);
}

const versionsOf = async (id: string) =>
  (await stack.db.pool.query<{ version: number }>('SELECT version FROM calendars WHERE id = $1 ORDER BY version', [id])).rows.map((r) => r.version);

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('the built-in calendar', () => {
  test('is deployed at start and listed with its coverage; an applicant may read it', async () => {
    const list = await call('GET', '/v1/calendars', { as: applicantActor });
    expect(list.status).toBe(200);
    expect(list.body).toContainEqual({ id: 'cn-mainland', version: 1, title: expect.any(String), covers: { from: '2026-01-01', until: '2026-12-31' } });

    const cn = await call('GET', '/v1/calendars/cn-mainland', { as: applicantActor });
    expect(cn.status).toBe(200);
    expect(cn.body).toMatchObject({ id: 'cn-mainland', version: 1, timezone: 'Asia/Shanghai', weekend: [6, 7], deployedBy: 'system:seed' });
    expect(cn.body.holidays).toContain('2026-02-17');
    expect(cn.body.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    expect(cn.body.source).toContain('2026年部分节假日安排');
  });

  test('seeding again deploys nothing new while the shipped calendar is unchanged', async () => {
    await seedBuiltinCalendars(stack.db.pool);
    expect(await versionsOf('cn-mainland')).toEqual([1]);
  });
});

describe('deploying versions', () => {
  test('an id gets versions 1, 2, …; the latest is read by default, an older one with ?version=', async () => {
    const v1 = await call('POST', '/v1/calendars', { as: admin, body: shenzhen() });
    expect(v1.status, JSON.stringify(v1.body)).toBe(201);
    expect(v1.body).toEqual({ id: 'shenzhen-office', version: 1 });
    expect(v1.headers.get('location')).toBe('/v1/calendars/shenzhen-office?version=1');

    const v2 = await call('POST', '/v1/calendars', { as: admin, body: shenzhen({ holidays: ['2026-10-01', '2026-10-02'] }) });
    expect(v2.body).toEqual({ id: 'shenzhen-office', version: 2 });

    const latest = await call('GET', '/v1/calendars/shenzhen-office', { as: caseworker });
    expect(latest.body).toMatchObject({ version: 2, holidays: ['2026-10-01', '2026-10-02'], weekend: [6, 7], deployedBy: 'root' });
    const first = await call('GET', '/v1/calendars/shenzhen-office?version=1', { as: caseworker });
    expect(first.body).toMatchObject({ version: 1, holidays: ['2026-10-01'] });

    const listed = (await call('GET', '/v1/calendars', { as: caseworker })).body.find((c: any) => c.id === 'shenzhen-office');
    expect(listed).toEqual({ id: 'shenzhen-office', version: 2, title: 'Shenzhen service centre', covers: { from: '2026-01-01', until: '2026-12-31' } });
  });

  test('unknown calendars and versions are 404; a bad version or id is 400', async () => {
    expectProblem(await call('GET', '/v1/calendars/no-such-calendar', { as: caseworker }), 404, /no calendar no-such-calendar/);
    expectProblem(await call('GET', '/v1/calendars/cn-mainland?version=99', { as: caseworker }), 404, /version 99/);
    expectProblem(await call('GET', '/v1/calendars/cn-mainland?version=0', { as: caseworker }), 400);
    expectProblem(await call('GET', '/v1/calendars/CN_Mainland', { as: caseworker }), 400);
  });

  test('a bad calendar is 400 with every problem named, and deploys nothing', async () => {
    const r = await call('POST', '/v1/calendars', {
      as: admin,
      body: shenzhen({ id: 'bad-calendar', timezone: 'Asia/Atlantis', holidays: ['2026-02-30'], workdays: ['2026-10-01', '2026-10-08'] }),
    });
    expectProblem(r, 400);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.timezone', message: 'Asia/Atlantis is not an IANA time zone (e.g. Asia/Shanghai)' },
        { path: 'body.holidays.0', message: '2026-02-30 is not a real date' },
        { path: 'body.workdays.0', message: expect.stringMatching(/2026-10-01 \(a Thursday\) is not a weekend day/) },
        { path: 'body.workdays.1', message: expect.stringMatching(/2026-10-08 \(a Thursday\) is not a weekend day/) },
      ]),
    );
    expect(await versionsOf('bad-calendar')).toEqual([]);
  });

  test('only an admin deploys; a refused deploy changes nothing', async () => {
    expectProblem(await call('POST', '/v1/calendars', { as: caseworker, body: shenzhen({ id: 'not-allowed' }) }), 403);
    expect(await versionsOf('not-allowed')).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  test('a retry returns the version the first attempt made and deploys no other', async () => {
    const body = shenzhen({ id: 'idempotent-calendar' });
    const headers = { 'idempotency-key': 'deploy-1' };
    const first = await call('POST', '/v1/calendars', { as: admin, body, headers });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await call('POST', '/v1/calendars', { as: admin, body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await versionsOf('idempotent-calendar')).toEqual([1]);

    // Without a key, the same calendar is deployed again, as a new version (like templates).
    expect((await call('POST', '/v1/calendars', { as: admin, body })).body.version).toBe(2);
    // Another admin's key of the same name is another key.
    expect((await call('POST', '/v1/calendars', { as: otherAdmin, body, headers })).body.version).toBe(3);
  });

  test('the same key with another calendar is 409 and deploys nothing', async () => {
    const headers = { 'idempotency-key': 'deploy-2' };
    expect((await call('POST', '/v1/calendars', { as: admin, body: shenzhen({ id: 'key-reuse' }), headers })).status).toBe(201);
    expectProblem(await call('POST', '/v1/calendars', { as: admin, body: shenzhen({ id: 'key-reuse', title: 'Other' }), headers }), 409, /Idempotency-Key/);
    expectProblem(await call('POST', '/v1/calendars', { as: admin, body: shenzhen({ id: 'key-reuse-elsewhere' }), headers }), 409);
    expect(await versionsOf('key-reuse')).toEqual([1]);
    expect(await versionsOf('key-reuse-elsewhere')).toEqual([]);
  });

  test('concurrent retries with one key deploy one version', async () => {
    const body = shenzhen({ id: 'concurrent-calendar' });
    const headers = { 'idempotency-key': 'deploy-3' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/v1/calendars', { as: admin, body, headers })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.version))).toEqual(new Set([1]));
    expect(await versionsOf('concurrent-calendar')).toEqual([1]);
  });

  test('a malformed key is 400', async () => {
    expectProblem(await call('POST', '/v1/calendars', { as: admin, body: shenzhen({ id: 'bad-key' }), headers: { 'idempotency-key': 'x'.repeat(201) } }), 400);
    expect(await versionsOf('bad-key')).toEqual([]);
  });
});

describe('what a case uses when it opens', () => {
  test('latestCalendar, pinned, counts working time on that version; a later version does not change it', async () => {
    const stored = await latestCalendar(stack.db.pool, 'cn-mainland');
    expect(stored).toMatchObject({ id: 'cn-mainland', version: 1 });
    const pinned = pinCalendar(stored!.body, stored!.version, Date.UTC(2026, 1, 1));
    const time = new WorkingTime(pinned);
    const friday = Date.UTC(2026, 1, 12, 16); // Friday 13 February 2026, 00:00 in Shanghai
    expect(time.add(friday, 3 * 24 * 3600_000)).toBe(Date.UTC(2026, 1, 24, 16)); // Fri, make-up Sat, Tue 24th

    const next = { ...stored!.body, holidays: [...stored!.body.holidays, '2026-02-24'], source: 'a test of a later version' };
    expect((await call('POST', '/v1/calendars', { as: admin, body: next })).body.version).toBe(2);
    expect((await latestCalendar(stack.db.pool, 'cn-mainland'))!.version).toBe(2);
    expect(new WorkingTime(pinned).add(friday, 3 * 24 * 3600_000)).toBe(Date.UTC(2026, 1, 24, 16));
    expect((await getCalendar(stack.db.pool, 'cn-mainland', 1))!.body.holidays).not.toContain('2026-02-24');
    expect((await listCalendars(stack.db.pool)).find((c) => c.id === 'cn-mainland')!.version).toBe(2);
    expect(await latestCalendar(stack.db.pool, 'no-such-calendar')).toBeUndefined();
  });
});
