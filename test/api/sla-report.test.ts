/**
 * The SLA report against the real stack on the time-skipping server: five cases built through the
 * API and the workflows over 50 hours of workflow time, with decisions on time and late, clock
 * stops (one ended by a supplement, one by a withdrawal, decisions made while stopped), the
 * escalation ladder, a deemed approval and a case left open past its deadline. Every figure is
 * asserted exactly: counts from the plan, times from what the cases recorded (their views, read
 * through the API), checked against the plan within the slack of a time-skipping test.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor, CaseView } from '../../common/types.js';
import { getCaseProjection, upsertCaseProjection } from '../../db/cases.js';
import { applicant, oneStopTemplate, staff } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { uploadDocument } from '../support/documents.js';
import { H, MIN } from '../support/time-assertions.js';
import { waitFor } from '../support/wait.js';

/** Workflow time runs on in real time between the test's steps: how far a recorded time may stray from the plan. */
const SLACK = MIN;

let stack: Stack;
let call: ReturnType<typeof api>;

const ACME = applicant;
const OTHER = { ...applicant, creditCode: '91110000600037341L', name: 'Other Masks Ltd.' };
const acmeUser: Actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: ACME.creditCode };
const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const auditor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };
const admin: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };
const supervisor = (dept?: string): Actor => ({ sub: `sup-${dept}`, name: `Supervisor of ${dept}`, roles: ['supervisor'], ...(dept ? { dept } : {}) });

const ESCALATE = 'sla-report-escalate';
const DEEMED = 'sla-report-deemed';
const WORKING = 'sla-report-working';
/** Market regulation (PT24H), health and ecology in 48 hours, the default ladder; and a 12-hour silence-is-consent template. */
const TEMPLATES = [
  oneStopTemplate({ id: ESCALATE, title: 'SLA report: breached cases stay open', onDeadline: 'escalate' }),
  oneStopTemplate({
    id: DEEMED,
    title: 'SLA report: silence is consent',
    sla: 'PT12H',
    onDeadline: 'deem-approved',
    escalation: [{ at: 0.5, action: 'reminder' }],
    departments: [
      { dept: 'health', title: 'Hygiene permit' },
      { dept: 'ecology', title: 'Environmental filing', sla: 'PT6H' },
    ],
  }),
];

/** Asia/Shanghai, UTC+8 all year: the working-time calendar's zone. */
const SHANGHAI = 8 * H;
const localDay = (ms: number) => new Date(ms + SHANGHAI).toISOString().slice(0, 10);
const startOfLocalDay = (ms: number, plusDays = 0) => Date.parse(`${localDay(ms)}T00:00:00+08:00`) + plusDays * 24 * H;

/**
 * Working time: a calendar whose every day is a working day all day, but for a holiday the day after
 * the opening (D1); fire safety's task gets the rest of the opening day plus 2 working hours, so it is
 * due at 02:00 on D2, and is decided at 01:00 on D2: on time, though more than its budget of
 * wall-clock time has passed (the holiday does not count).
 */
async function deployWorkingTime(): Promise<void> {
  const d0 = localDay(T0);
  await ok(
    call('POST', '/v1/calendars', {
      as: admin,
      body: {
        id: 'sla-report-calendar',
        title: 'SLA report test calendar',
        timezone: 'Asia/Shanghai',
        weekend: [],
        holidays: [localDay(startOfLocalDay(T0, 1))],
        covers: { from: localDay(startOfLocalDay(T0, -1)), until: localDay(startOfLocalDay(T0, 60)) },
        source: `made by the test around ${d0}`,
      },
    }),
    201,
  );
  const restOfDay = startOfLocalDay(T0, 1) - T0;
  await ok(
    call('POST', '/v1/templates', {
      as: admin,
      body: oneStopTemplate({
        id: WORKING,
        title: 'SLA report: working hours',
        calendar: 'sla-report-calendar',
        sla: { workingHours: (restOfDay + 2 * H) / H },
        escalation: [{ at: 1, action: 'command-center' }],
        departments: [{ dept: 'fire-safety', title: 'Fire safety' }],
      }),
    }),
    201,
  );
}

/** The instant the story starts (the test server's clock), and the cases by their part in it. */
let T0 = 0;
const c = { c1: '', c2: '', c3: '', c4: '', c5: '', c6: '' };
type CaseKey = keyof typeof c;
/** Every case as it stands at the end (through the API, as an auditor), and c1 while its clock was stopped. */
const views = {} as Record<CaseKey, CaseView>;
let c1WhileStopped: CaseView;
let fullWindow: string;

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}
const open = async (templateId: string, who: typeof ACME) =>
  (await ok(call('POST', '/v1/cases', { as: opener, body: { templateId, applicant: who, details: { product: 'masks' } } }), 201)).caseId as string;
const decide = (caseId: string, dept: string, body: Record<string, unknown>) =>
  ok(call('POST', `/v1/cases/${caseId}/tasks/${dept}/decision`, { as: staff(dept), body }));
const read = async (caseId: string) => (await ok(call('GET', `/v1/cases/${caseId}`, { as: auditor }))) as CaseView;
/** Moves workflow time to `hours` after T0. */
const advance = (hours: number) => stack.time!.advanceTo(T0 + hours * H);
/** Waits until the projection (what the report reads) shows `until`. */
const projected = (caseId: string, until: (v: CaseView) => boolean) =>
  waitFor(
    () => getCaseProjection(stack.db.pool, caseId),
    (v) => v !== undefined && until(v),
    30_000,
  );

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'), {}, { timeSkipping: true });
  call = api(stack.baseUrl);
  for (const t of TEMPLATES) await ok(call('POST', '/v1/templates', { as: admin, body: t }), 201);

  T0 = await stack.time!.now();
  await deployWorkingTime();
  c.c1 = await open(ESCALATE, ACME); // stop 1 h → 5 h (supplement); ecology decides while stopped; market regulation late
  c.c2 = await open(ESCALATE, OTHER); // health rejects at 2 h
  c.c3 = await open(DEEMED, ACME); // ecology approves at 2 h; health never decides: deemed approved at 12 h
  c.c4 = await open(ESCALATE, OTHER); // nobody decides: every ladder step, breached, still open
  c.c5 = await open(ESCALATE, ACME); // stop from 1 h; health approves while stopped; withdrawn at 4 h
  c.c6 = await open(WORKING, OTHER); // fire safety approves at 01:00 on D2, after the holiday D1: on time

  const events: [number, () => Promise<unknown>][] = [
    [1 * H, () => decide(c.c1, 'health', { outcome: 'request-info', requestedDocuments: ['floor plan'] })],
    [1 * H, () => decide(c.c5, 'ecology', { outcome: 'request-info', requestedDocuments: ['discharge permit'] })],
    [2 * H, () => decide(c.c2, 'health', { outcome: 'reject', comment: 'no clean room' })],
    [2 * H, () => decide(c.c3, 'ecology', { outcome: 'approve' })],
    [2 * H, () => decide(c.c5, 'health', { outcome: 'approve' })],
    [3 * H, () => decide(c.c1, 'ecology', { outcome: 'approve' })],
    [3 * H, async () => (c1WhileStopped = await read(c.c1))],
    [4 * H, () => ok(call('POST', `/v1/cases/${c.c5}/withdraw`, { as: acmeUser, body: { reason: 'moved the line elsewhere' } }))],
    [
      5 * H,
      async () => {
        const plan = await uploadDocument(stack.baseUrl, acmeUser, 'floor-plan');
        return ok(call('POST', `/v1/cases/${c.c1}/supplements`, { as: acmeUser, body: { documents: [plan] } }));
      },
    ],
    [8 * H, () => decide(c.c1, 'health', { outcome: 'approve' })],
    [startOfLocalDay(T0, 2) + H - T0, () => decide(c.c6, 'fire-safety', { outcome: 'approve' })], // 25 to 49 hours in
    [30 * H, () => decide(c.c1, 'market-regulation', { outcome: 'approve' })],
  ];
  for (const [offset, act] of events.sort((a, b) => a[0] - b[0])) {
    await stack.time!.advanceTo(T0 + offset);
    await act();
  }
  await advance(50);

  await projected(c.c1, (v) => v.status === 'approved');
  await projected(c.c2, (v) => v.status === 'rejected');
  await projected(c.c3, (v) => v.status === 'approved');
  await projected(c.c4, (v) => v.sla.breached && v.escalations.length === 9);
  await projected(c.c5, (v) => v.status === 'withdrawn');
  await projected(c.c6, (v) => v.status === 'approved');
  for (const k of Object.keys(c) as CaseKey[]) views[k] = await read(c[k]);
  fullWindow = `from=${new Date(T0 - MIN).toISOString()}&to=${new Date(T0 + 60 * H).toISOString()}`;
}, 240_000);

afterAll(async () => {
  await stack?.teardown();
});

// ---- what the cases recorded ---------------------------------------------------------------

const task = (k: CaseKey, taskId: string) => {
  const t = views[k].tasks.find((x) => x.taskId === taskId);
  if (!t) throw new Error(`no task ${taskId} on ${k}`);
  return t;
};
const net = (k: CaseKey, taskId: string) => task(k, taskId).decidedNetMs as number;
const duration = (k: CaseKey) => Date.parse(views[k].closedAt as string) - Date.parse(views[k].openedAt);
/** percentile_cont: linear interpolation between the closest ranks, rounded to the millisecond as the report does. */
function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return Math.round((s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo));
}
const near = (actual: number, hours: number) => {
  expect(actual).toBeGreaterThanOrEqual(hours * H - SLACK);
  expect(actual).toBeLessThanOrEqual(hours * H + SLACK);
};

const noEscalations = { total: 0, byLevel: [] };
const noBreaches = { total: 0, decidedLate: 0, deemedApproved: 0, pastDueUndecided: 0 };
const ladder = (reminder: number, supervisorStep: number, commandCenter: number) => ({
  total: reminder + supervisorStep + commandCenter,
  byLevel: [
    { level: 1, action: 'reminder', count: reminder },
    { level: 2, action: 'supervisor', count: supervisorStep },
    { level: 3, action: 'command-center', count: commandCenter },
  ].filter((e) => e.count > 0),
});
const closed = (counts: Partial<Record<'approved' | 'rejected' | 'withdrawn', number>>) => {
  const byStatus = { approved: 0, rejected: 0, withdrawn: 0, certified: 0, revoked: 0, settled: 0, abandoned: 0, ...counts };
  return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), ...byStatus };
};

/** The figures of the whole story (every decision, escalation and breach falls in the window). */
function expectedFull() {
  const ecology = [net('c1', 'ecology'), net('c3', 'ecology')];
  const health = [net('c1', 'health'), net('c2', 'health'), net('c5', 'health')];
  const mr = [net('c1', 'market-regulation')];
  return {
    departments: [
      {
        dept: 'ecology',
        ...{ decided: 2, approved: 2, rejected: 0, deemedApproved: 0, onTime: 2, onTimeRate: 1 },
        decisionNetMs: { p50: pct(ecology, 0.5), p90: pct(ecology, 0.9) },
        escalations: ladder(1, 1, 1), // c4's
        breaches: { total: 1, decidedLate: 0, deemedApproved: 0, pastDueUndecided: 1 }, // c4's, open past due
      },
      {
        // On time by its working-time due date, though its net time exceeds its budget in wall-clock time.
        dept: 'fire-safety',
        ...{ decided: 1, approved: 1, rejected: 0, deemedApproved: 0, onTime: 1, onTimeRate: 1 },
        decisionNetMs: { p50: net('c6', 'fire-safety'), p90: net('c6', 'fire-safety') },
        escalations: noEscalations,
        breaches: noBreaches,
      },
      {
        dept: 'health',
        ...{ decided: 3, approved: 2, rejected: 1, deemedApproved: 1, onTime: 3, onTimeRate: 1 },
        decisionNetMs: { p50: pct(health, 0.5), p90: pct(health, 0.9) },
        escalations: ladder(2, 1, 1), // c3's reminder, c4's three
        breaches: { total: 2, decidedLate: 0, deemedApproved: 1, pastDueUndecided: 1 }, // c3 deemed, c4 open
      },
      {
        dept: 'market-regulation',
        ...{ decided: 1, approved: 1, rejected: 0, deemedApproved: 0, onTime: 0, onTimeRate: 0 },
        decisionNetMs: { p50: pct(mr, 0.5), p90: pct(mr, 0.9) },
        escalations: ladder(2, 2, 2), // c1's and c4's
        breaches: { total: 2, decidedLate: 1, deemedApproved: 0, pastDueUndecided: 1 }, // c1 late, c4 open
      },
    ],
    templates: [
      {
        templateId: DEEMED,
        opened: 1,
        open: 0,
        closed: closed({ approved: 1 }),
        medianDurationMs: duration('c3'),
        stoppedClockMs: 0,
      },
      {
        templateId: ESCALATE,
        opened: 4,
        open: 1,
        closed: closed({ approved: 1, rejected: 1, withdrawn: 1 }),
        medianDurationMs: pct([duration('c1'), duration('c2'), duration('c5')], 0.5),
        stoppedClockMs: views.c1.sla.pausedMs + views.c5.sla.pausedMs,
      },
      { templateId: WORKING, opened: 1, open: 0, closed: closed({ approved: 1 }), medianDurationMs: duration('c6'), stoppedClockMs: 0 },
    ],
  };
}

/** A department's row of the whole story's figures. */
const fullRow = (dept: string) => expectedFull().departments.find((d) => d.dept === dept)!;

const report = async (as: Actor, query: string) => (await ok(call('GET', `/v1/reports/sla?${query}`, { as }))) as any;

describe('the story as the cases recorded it', () => {
  test('decisions, stops and escalations happened as planned', () => {
    near(net('c1', 'ecology'), 1); // decided at 3 h, the clock stopped since 1 h
    near(net('c1', 'health'), 4); // asked at 1 h, supplement at 5 h, decided at 8 h
    near(net('c1', 'market-regulation'), 26); // decided at 30 h with 4 h stopped: 2 h late on its 24 h
    near(net('c2', 'health'), 2);
    near(net('c3', 'ecology'), 2);
    near(net('c3', 'health'), 12);
    near(net('c5', 'health'), 1); // decided at 2 h, the clock stopped since 1 h
    near(views.c1.sla.pausedMs, 4);
    near(views.c5.sla.pausedMs, 3); // the stop the withdrawal ended
    expect(task('c3', 'health')).toMatchObject({ outcome: 'deemed-approved', decidedBy: 'system' });
    expect(views.c4).toMatchObject({ status: 'in-review', closedAt: null, sla: { breached: true } });
    const steps = (k: CaseKey) => views[k].escalations.map((e) => `${e.taskId}:${e.level}:${e.action}`).sort();
    expect(steps('c1')).toEqual(['market-regulation:1:reminder', 'market-regulation:2:supervisor', 'market-regulation:3:command-center']);
    expect(steps('c3')).toEqual(['health:1:reminder']);
    expect(steps('c4')).toHaveLength(9);
    expect([...steps('c2'), ...steps('c5')]).toEqual([]);
    for (const k of ['c1', 'c2', 'c3', 'c5'] as const) near(duration(k), { c1: 30, c2: 2, c3: 12, c5: 4 }[k]);
    // Working time: decided an hour before its due date (02:00 after the holiday), with more than its
    // budget of wall-clock time gone by (the holiday counts in wall-clock time, not in working time).
    const fire = task('c6', 'fire-safety');
    expect(views.c6.sla.calendar).toEqual({ id: 'sla-report-calendar', version: 1 });
    expect(fire.dueAt).toBe(new Date(startOfLocalDay(T0, 2) + 2 * H + (Date.parse(fire.openedAt) - T0)).toISOString());
    near(Date.parse(fire.dueAt) - Date.parse(fire.decidedAt as string), 1);
    expect(fire.decidedNetMs).toBeGreaterThan(fire.slaMs + 20 * H);
  });
});

describe('GET /v1/reports/sla', () => {
  test("an auditor's report over the whole story: every figure", async () => {
    const r = await report(auditor, fullWindow);
    expect(r.window).toEqual({ from: new Date(T0 - MIN).toISOString(), to: new Date(T0 + 60 * H).toISOString() });
    expect(r.scope).toEqual({ dept: null, templateId: null });
    expect(Date.parse(r.generatedAt)).toBeGreaterThanOrEqual(T0 + 50 * H);
    expect({ departments: r.departments, templates: r.templates }).toEqual(expectedFull());
  });

  test('the window counts tasks by decision, escalations by time, breaches by due date and cases by opening', async () => {
    // The first 10 hours: the early decisions and c3's reminder; no breach is due yet, market
    // regulation did nothing in them; every case was opened in them.
    const r = await report(auditor, `from=${new Date(T0 - MIN).toISOString()}&to=${new Date(T0 + 10 * H).toISOString()}`);
    const full = expectedFull();
    const ecology = [net('c1', 'ecology'), net('c3', 'ecology')];
    const health = [net('c1', 'health'), net('c2', 'health'), net('c5', 'health')];
    expect(r.departments).toEqual([
      { ...fullRow('ecology'), escalations: noEscalations, breaches: noBreaches, decisionNetMs: { p50: pct(ecology, 0.5), p90: pct(ecology, 0.9) } },
      {
        ...fullRow('health'),
        deemedApproved: 0,
        escalations: ladder(1, 0, 0),
        breaches: noBreaches,
        decisionNetMs: { p50: pct(health, 0.5), p90: pct(health, 0.9) },
      },
    ]);
    expect(r.templates).toEqual(full.templates);

    // From 20 hours on: market regulation's late decision and the breaches; no case opened.
    const late = await report(auditor, `from=${new Date(T0 + 20 * H).toISOString()}&to=${new Date(T0 + 60 * H).toISOString()}`);
    expect(late.templates).toEqual([]);
    expect(late.departments.map((d: any) => [d.dept, d.decided, d.breaches.total, d.escalations.total])).toEqual([
      ['ecology', 0, 1, 3],
      ['fire-safety', 1, 0, 0],
      ['health', 0, 1, 3], // c3's deemed approval was due at 12 h; c4's health task at 48 h
      ['market-regulation', 1, 2, 3], // c1's steps at 22 h and 28 h, c4's at 24 h (c1's at 16 h, c4's at 12 h and 18 h are earlier)
    ]);
  });

  test('dates are UTC days (the `to` day whole); without a window, the last 30 days up to now', async () => {
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const byDay = await report(auditor, `from=${day(T0)}&to=${day(T0 + 3 * 24 * H)}`);
    expect(byDay.window).toEqual({ from: `${day(T0)}T00:00:00.000Z`, to: `${day(T0 + 4 * 24 * H)}T00:00:00.000Z` });
    expect({ departments: byDay.departments, templates: byDay.templates }).toEqual(expectedFull());

    const recent = await report(auditor, '');
    const to = Date.parse(recent.window.to);
    expect(to).toBeGreaterThanOrEqual(T0 + 50 * H); // now, on the server's clock
    expect(to - Date.parse(recent.window.from)).toBe(30 * 24 * H);
    expect({ departments: recent.departments, templates: recent.templates }).toEqual(expectedFull());
  });

  test('filters: a template, a department', async () => {
    const full = expectedFull();
    const deemed = await report(auditor, `${fullWindow}&templateId=${DEEMED}`);
    expect(deemed.scope).toEqual({ dept: null, templateId: DEEMED });
    expect(deemed.templates).toEqual([full.templates[0]]);
    expect(deemed.departments).toEqual([
      {
        dept: 'ecology',
        ...{ decided: 1, approved: 1, rejected: 0, deemedApproved: 0, onTime: 1, onTimeRate: 1 },
        decisionNetMs: { p50: net('c3', 'ecology'), p90: net('c3', 'ecology') },
        escalations: noEscalations,
        breaches: noBreaches,
      },
      {
        dept: 'health',
        ...{ decided: 0, approved: 0, rejected: 0, deemedApproved: 1, onTime: 0, onTimeRate: null },
        decisionNetMs: { p50: null, p90: null },
        escalations: ladder(1, 0, 0),
        breaches: { total: 1, decidedLate: 0, deemedApproved: 1, pastDueUndecided: 0 },
      },
    ]);

    // A department: its own row; the templates of the cases involving it.
    const ecology = await report(auditor, `${fullWindow}&dept=ecology`);
    expect(ecology.departments).toEqual([fullRow('ecology')]);
    expect(ecology.templates).toEqual(full.templates.filter((t) => t.templateId !== WORKING));
    // One on no case: a row of zeros, no template; a template without cases: a row of zeros.
    const fire = await report(auditor, `${fullWindow}&dept=natural-resources`);
    expect(fire.departments).toEqual([
      {
        dept: 'natural-resources',
        ...{ decided: 0, approved: 0, rejected: 0, deemedApproved: 0, onTime: 0, onTimeRate: null },
        decisionNetMs: { p50: null, p90: null },
        escalations: noEscalations,
        breaches: noBreaches,
      },
    ]);
    expect(fire.templates).toEqual([]);
    const none = await report(auditor, `${fullWindow}&templateId=epidemic-supplies-project`);
    expect(none.departments).toEqual([]);
    expect(none.templates).toEqual([
      { templateId: 'epidemic-supplies-project', opened: 0, open: 0, closed: closed({}), medianDurationMs: null, stoppedClockMs: 0 },
    ]);
  });

  test("a supervisor's report is its own department's: another department is 403", async () => {
    const full = expectedFull();
    const mr = supervisor('market-regulation');
    for (const query of [fullWindow, `${fullWindow}&dept=market-regulation`]) {
      const r = await report(mr, query);
      expect(r.scope).toEqual({ dept: 'market-regulation', templateId: null });
      expect(r.departments).toEqual([fullRow('market-regulation')]);
      // Only the cases involving market regulation: none of the deemed-approval template's.
      expect(r.templates).toEqual([full.templates[1]]);
    }
    const refused = await call('GET', `/v1/reports/sla?${fullWindow}&dept=health`, { as: mr });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/you supervise market-regulation/);
    expect((await call('GET', '/v1/reports/sla', { as: supervisor() })).status).toBe(403);
    // Caseworkers and applicants are not admitted at all.
    expect((await call('GET', '/v1/reports/sla', { as: staff('health') })).status).toBe(403);
    expect((await call('GET', '/v1/reports/sla', { as: acmeUser })).status).toBe(403);
    // An auditor who also supervises reads as an auditor.
    const both = await report({ ...mr, roles: ['supervisor', 'auditor'] }, fullWindow);
    expect(both.departments).toEqual(full.departments);
  });

  test('the widest window there is; bad parameters are 400 problems', async () => {
    const widest = await report(auditor, 'from=0000-01-01&to=9999-12-31');
    expect(widest.window).toEqual({ from: '0000-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z' });
    expect({ departments: widest.departments, templates: widest.templates }).toEqual(expectedFull());
    expect((await report(auditor, 'to=9999-12-31T23:00:00-12:00')).window.to).toBe('9999-12-31T23:59:59.999Z');

    for (const query of [
      `from=${new Date(T0).toISOString()}&to=${new Date(T0).toISOString()}`, // empty window
      'from=2026-11-02&to=2026-11-01', // days: [2 Nov 00:00, 2 Nov 00:00), empty
      'from=2026-11-03&to=2026-11-01',
      'from=2999-01-01', // after now
      'from=2026-13-01',
      'to=yesterday',
      'from=2026-11-01T00:00:00', // a date-time needs Z or an offset
      'format=xml',
      'dept=Health Department',
      'templateId=',
      'limit=10',
    ]) {
      const r = await call('GET', `/v1/reports/sla?${query}`, { as: auditor });
      expect(r.status, `${query}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
  });

  test('CSV: one row per department and per template, and read back it is the JSON', async () => {
    const res = await call('GET', `/v1/reports/sla?${fullWindow}&format=csv`, { as: auditor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const json = await report(auditor, fullWindow);
    const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="sla-report_${compact(json.window.from)}_${compact(json.window.to)}.csv"`);
    const text = res.body as string;
    expect(text.split('\r\n')[0]).toMatch(/^section,from,to,dept,templateId,decided,/);
    expect(text.endsWith('\r\n')).toBe(true);

    const rows = parse(text, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(rows.map((r) => [r.section, r.dept || r.templateId])).toEqual([
      ['department', 'ecology'],
      ['department', 'fire-safety'],
      ['department', 'health'],
      ['department', 'market-regulation'],
      ['template', DEEMED],
      ['template', ESCALATE],
      ['template', WORKING],
    ]);
    expect(readBack(rows)).toEqual({ window: json.window, departments: json.departments, templates: json.templates });

    // With filters, each row names them.
    const filtered = parse((await call('GET', `/v1/reports/sla?${fullWindow}&format=csv&dept=health`, { as: auditor })).body as string, {
      columns: true,
    }) as Record<string, string>[];
    expect(filtered.map((r) => [r.section, r.dept, r.templateId])).toEqual([
      ['department', 'health', ''],
      ['template', 'health', DEEMED],
      ['template', 'health', ESCALATE],
    ]);
  });

  test('a view projected before tasks carried decidedNetMs gets it rebuilt from its clock stops, to the millisecond', async () => {
    const cases: [string, CaseView][] = [
      ['closed after a stop ended by a supplement', views.c1],
      ['withdrawn while its clock was stopped', views.c5],
      ['open, its clock stopped, a decision made during the stop', c1WhileStopped],
      ['deemed approved', views.c3],
    ];
    for (const [label, view] of cases) {
      const old = structuredClone(view) as CaseView;
      old.caseId = `case-${randomUUID()}`;
      old.number = old.caseId; // a copy of the case: a number of its own
      for (const t of old.tasks) delete (t as Partial<typeof t>).decidedNetMs;
      await upsertCaseProjection(stack.db.pool, old, 1);
      try {
        const { rows } = await stack.db.pool.query<{ task_id: string; decided_net_ms: string | null }>(
          'SELECT task_id, decided_net_ms FROM case_tasks WHERE case_id = $1 ORDER BY task_id',
          [old.caseId],
        );
        const rebuilt = Object.fromEntries(rows.map((r) => [r.task_id, r.decided_net_ms === null ? null : Number(r.decided_net_ms)]));
        const recorded = Object.fromEntries(view.tasks.map((t) => [t.taskId, t.decidedAt ? t.decidedNetMs : null]));
        expect(rebuilt, label).toEqual(recorded);
        expect(Object.values(recorded).filter((v) => v !== null).length, label).toBeGreaterThan(0);
      } finally {
        await stack.db.pool.query('DELETE FROM cases WHERE case_id = $1', [old.caseId]);
      }
    }
  });
});

/** The CSV back into the JSON's shape: column names are the figures' paths; an empty cell is null (or not applicable). */
function readBack(rows: Record<string, string>[]) {
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  const first = rows[0] as Record<string, string>;
  const departments = rows
    .filter((r) => r.section === 'department')
    .map((r) => {
      const byLevel = Object.keys(r)
        .filter((k) => /^escalations\.\d+\./.test(k) && num(r[k]))
        .map((k) => {
          const [, level, action] = k.split('.') as [string, string, string];
          return { level: Number(level), action, count: num(r[k]) };
        });
      return {
        dept: r.dept,
        decided: num(r.decided),
        approved: num(r.approved),
        rejected: num(r.rejected),
        deemedApproved: num(r.deemedApproved),
        onTime: num(r.onTime),
        onTimeRate: num(r.onTimeRate),
        decisionNetMs: { p50: num(r['decisionNetMs.p50']), p90: num(r['decisionNetMs.p90']) },
        escalations: { total: num(r['escalations.total']), byLevel },
        breaches: {
          total: num(r['breaches.total']),
          decidedLate: num(r['breaches.decidedLate']),
          deemedApproved: num(r['breaches.deemedApproved']),
          pastDueUndecided: num(r['breaches.pastDueUndecided']),
        },
      };
    });
  const templates = rows
    .filter((r) => r.section === 'template')
    .map((r) => ({
      templateId: r.templateId,
      opened: num(r.opened),
      open: num(r.open),
      closed: Object.fromEntries(
        Object.keys(r)
          .filter((k) => k.startsWith('closed.'))
          .map((k) => [k.slice('closed.'.length), num(r[k])]),
      ),
      medianDurationMs: num(r.medianDurationMs),
      stoppedClockMs: num(r.stoppedClockMs),
    }));
  return { window: { from: first.from, to: first.to }, departments, templates };
}
