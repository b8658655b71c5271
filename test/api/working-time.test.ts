/**
 * Working time through the API, against the real stack: a template that counts working days names a
 * deployed calendar; a case pins the calendar's latest version when it opens, so a version deployed
 * later moves the dates of later cases only.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor, CaseView } from '../../common/types.js';
import { applicant } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const caseworker: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const DAY = 86_400_000;

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

/** Shanghai dates. */
const localDate = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
const dayAfter = (date: string) => localDate(Date.parse(`${date}T00:00:00+08:00`) + DAY);

/** The end of the `n`th weekday after `date` that is not in `holidays`. */
function endOfWorkingDays(date: string, n: number, holidays: string[] = []): string {
  let d = date;
  for (let counted = 0; counted < n;) {
    d = dayAfter(d);
    if (!isWeekend(d) && !holidays.includes(d)) counted += 1;
  }
  return new Date(Date.parse(`${dayAfter(d)}T00:00:00+08:00`)).toISOString();
}

const office = (holidays: string[]) => ({
  id: 'test-office',
  title: 'Test office',
  timezone: 'Asia/Shanghai',
  holidays,
  workdays: [],
  covers: { from: '2026-01-01', until: '2030-12-31' },
  source: 'a test',
});

const workingDaysTemplate = {
  id: 'working-days-licence',
  title: 'A licence decided within 5 working days',
  kind: 'one-stop-approval',
  calendar: 'test-office',
  sla: { workingDays: 5 },
  departments: [{ dept: 'health', title: 'Hygiene permit' }],
};

async function openCase(templateId: string): Promise<CaseView> {
  const r = await call('POST', '/v1/cases', { as: caseworker, body: { templateId, applicant, details: {} } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as CaseView;
}

describe('templates that count working time', () => {
  test('must name a deployed calendar; a refused template deploys nothing', async () => {
    const noCalendar = await call('POST', '/v1/templates', { as: admin, body: { ...workingDaysTemplate, calendar: undefined } });
    expect(noCalendar.status).toBe(400);
    expect(JSON.stringify(noCalendar.body.errors)).toContain('working time needs the template to name its `calendar`');

    const unknown = await call('POST', '/v1/templates', { as: admin, body: { ...workingDaysTemplate, calendar: 'no-such-calendar' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: '/calendar', message: 'no calendar no-such-calendar (GET /v1/calendars lists them)' }]);
    expect((await call('GET', `/v1/templates/${workingDaysTemplate.id}`, { as: admin })).status).toBe(404);
  });

  test('a case keeps the calendar version it opened with; a later version moves only later cases', async () => {
    expect((await call('POST', '/v1/calendars', { as: admin, body: office([]) })).status).toBe(201);
    expect((await call('POST', '/v1/templates', { as: admin, body: workingDaysTemplate })).status).toBe(201);

    const today = localDate(Date.now());
    const first = await openCase(workingDaysTemplate.id);
    expect(first.sla.calendar).toEqual({ id: 'test-office', version: 1 });
    // The opening day does not count: the end of the fifth weekday after today.
    expect(first.sla.deadlineAt).toBe(endOfWorkingDays(today, 5));

    // Version 2 declares the next three weekdays holidays.
    const holidays: string[] = [];
    for (let d = dayAfter(today); holidays.length < 3; d = dayAfter(d)) if (!isWeekend(d)) holidays.push(d);
    expect((await call('POST', '/v1/calendars', { as: admin, body: office(holidays) })).status).toBe(201);

    const second = await openCase(workingDaysTemplate.id);
    expect(second.sla.calendar).toEqual({ id: 'test-office', version: 2 });
    expect(second.sla.deadlineAt).toBe(endOfWorkingDays(today, 5, holidays));
    expect(Date.parse(second.sla.deadlineAt)).toBeGreaterThan(Date.parse(first.sla.deadlineAt));

    // The first case still counts on version 1.
    const again = await call('GET', `/v1/cases/${first.caseId}`, { as: caseworker });
    expect(again.status).toBe(200);
    expect(again.body.sla).toMatchObject({ calendar: { id: 'test-office', version: 1 }, deadlineAt: first.sla.deadlineAt });
  });

  test('the built-in templates pin the built-in calendar; the 48-hour one-stop SLA stays wall-clock', async () => {
    const c = await openCase('mask-line-fast-track');
    expect(c.sla.calendar).toEqual({ id: 'cn-mainland', version: 1 });
    expect(Date.parse(c.sla.deadlineAt) - Date.parse(c.openedAt)).toBe(48 * 3600_000);
  });
});
