/**
 * Working time in a running case, on Temporal's time-skipping test server with the real activities
 * and PostgreSQL: due dates counted in working days skip weekends and holidays and count make-up
 * working days; a stop of the clock costs only the working time it covered.
 *
 * The server's clock starts at the real now and only moves forward, so each test lays its own
 * calendar out ahead of it (a week-long holiday with make-up working days on the weekends around
 * it, as the State Council's notices do) and moves the clock to the day it opens its case on.
 * Expected dates are written out by hand from that layout, not computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../common/types.js';
import type { PinnedCalendar } from '../../common/working-time.js';
import { OneStopTemplate } from '../../processes/one-stop/template.js';
import { supplementUpdate } from '../../workflows/definitions.js';
import { oneStopApprovalWorkflow } from '../../processes/one-stop/workflow.js';
import { steps } from '../support/case-assertions.js';
import { caseTestFile, withCase as withCaseOf, type CaseContext } from '../support/case-harness.js';
import { applicantActor, staff } from '../support/fixtures.js';
import { eventually, expectAtOrJustAfter, H, MIN } from '../support/time-assertions.js';
import { filedDocument } from '../support/documents.js';

const DAY = 24 * H;
/** Asia/Shanghai: UTC+8 all year. */
const OFFSET = 8 * H;

const file = caseTestFile();

/** Local (Shanghai) dates as YYYY-MM-DD and instants of them. */
const localDate = (ms: number) => new Date(ms + OFFSET).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => localDate(Date.parse(`${date}T00:00:00+08:00`) + n * DAY);
/** The instant `hours` into a local date (24 = the end of that day). */
const at = (date: string, hours = 0) => Date.parse(`${date}T00:00:00+08:00`) + hours * H;
const isoAt = (date: string, hours = 0) => new Date(at(date, hours)).toISOString();
/** ISO weekday, 1 = Monday. */
const weekday = (date: string) => ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;

/** The first Monday at least `minDays` after the server's today. */
async function mondayAhead(minDays: number): Promise<string> {
  let d = addDays(localDate(await file.env.currentTimeMs()), minDays);
  while (weekday(d) !== 1) d = addDays(d, 1);
  return d;
}

function calendar(holidays: string[] = [], workdays: string[] = []): PinnedCalendar {
  return {
    id: 'test-shanghai',
    version: 1,
    timezone: 'Asia/Shanghai',
    weekend: [6, 7],
    workingHours: [{ start: '00:00', end: '24:00' }],
    holidays,
    workdays,
    covers: { from: '2020-01-01', until: '2099-12-31' },
    offsets: [{ fromMs: 0, offsetMinutes: 480 }],
  };
}

const template = (overrides: Record<string, unknown>) =>
  OneStopTemplate.parse({
    id: 'working-days',
    title: 'Counted in working days',
    kind: 'one-stop-approval',
    calendar: 'test-shanghai',
    sla: { workingDays: 3 },
    departments: [{ dept: 'health', title: 'Hygiene permit' }],
    ...overrides,
  });

type Ctx = CaseContext<typeof oneStopApprovalWorkflow>;

/** Opens the case at local `date` `hour`:00 on `cal`. */
async function withCaseAt(date: string, hour: number, t: OneStopTemplate, cal: PinnedCalendar, body: (c: Ctx) => Promise<void>): Promise<void> {
  const wait = at(date, hour) - (await file.env.currentTimeMs());
  if (wait > 0) await file.env.sleep(wait);
  await withCaseOf(file.deps(), oneStopApprovalWorkflow, { template: t, details: {}, calendar: cal }, body);
}

const health = (v: CaseView) => v.tasks.find((t) => t.taskId === 'health');

describe('working days on a running case', () => {
  it('skip a week-long holiday and count the make-up Saturday and Sunday around it, escalation steps included', async () => {
    // Holiday Monday M to Sunday M+6; make-up working days Saturday M−2 and Sunday M+7.
    const M = await mondayAhead(10);
    const cal = calendar(
      Array.from({ length: 7 }, (_, i) => addDays(M, i)),
      [addDays(M, -2), addDays(M, 7)],
    );
    const thursday = addDays(M, -4);
    await withCaseAt(thursday, 10, template({}), cal, async (c) => {
      // Thursday (the opening day) does not count; then Friday, the make-up Saturday, and, after the
      // holiday, the make-up Sunday: due at the end of Sunday M+7 (wall-clock P3D: Sunday M−1, 10:00).
      const due = at(addDays(M, 8));
      const opened = await c.view();
      expectAtOrJustAfter(new Date(c.openedAtMs).toISOString(), at(thursday, 10));
      expect(opened.sla.deadlineAt).toBe(new Date(due).toISOString());
      expect(health(opened)?.dueAt).toBe(new Date(due).toISOString());
      expect(health(opened)?.slaMs).toBe(3 * DAY);

      // Reminder at half of 3 working days: all of Friday and half of the make-up Saturday.
      await c.advanceTo(at(addDays(M, -2), 12) - MIN);
      expect((await c.view()).escalations).toEqual([]);
      await c.advanceTo(at(addDays(M, -2), 12) + MIN);
      const reminded = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(1);
        return v;
      });
      expectAtOrJustAfter(reminded.escalations[0]?.at, at(addDays(M, -2), 12));

      // Nothing through the plain Sunday M−1 and the holiday week; the supervisor at 2¼ days, 06:00 on the make-up Sunday.
      await c.advanceTo(at(addDays(M, 7), 6) - MIN);
      expect(steps(await c.view())).toEqual([{ taskId: 'health', action: 'reminder', level: 1 }]);
      await c.advanceTo(at(addDays(M, 7), 6) + MIN);
      const supervised = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(2);
        return v;
      });
      expectAtOrJustAfter(supervised.escalations[1]?.at, at(addDays(M, 7), 6));

      await c.advanceTo(due + MIN);
      const breached = await eventually(async () => {
        const v = await c.view();
        expect(v.sla.breached).toBe(true);
        return v;
      });
      expectAtOrJustAfter(breached.sla.breachedAt, due);
      expect(steps(breached).map((s) => s.action)).toEqual(['reminder', 'supervisor', 'command-center']);
    });
  });

  it('a stop over a weekend costs only the working hours it covered; a stop inside a holiday costs nothing', async () => {
    const M = await mondayAhead(10);
    // A holiday Wednesday M+9 to Friday M+11 (no make-up days), inside which the second stop falls.
    const cal = calendar([addDays(M, 9), addDays(M, 10), addDays(M, 11)]);
    const friday = addDays(M, -3);
    await withCaseAt(friday, 9, template({ sla: { workingDays: 10 } }), cal, async (c) => {
      // Opened Friday 09:00: Monday M to Tuesday M+8 (7), the holiday skipped, Monday M+14 to
      // Wednesday M+16 (10): due at the end of Wednesday M+16.
      expect((await c.view()).sla.deadlineAt).toBe(isoAt(addDays(M, 17)));

      // Stopped Friday 18:00 to Tuesday M+1 06:00: before Monday nothing counted yet, so it costs Monday
      // and six hours of Tuesday (30 working hours); wall-clock it would have cost 84 hours.
      await c.advanceTo(at(friday, 18));
      await c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['site plan'], actor: staff('health') });
      await c.advanceTo(at(addDays(M, 1), 6));
      const resumed = await c.update(supplementUpdate, { documents: [filedDocument('site plan')], actor: applicantActor });
      const lost = Date.parse(resumed.supplements[0]?.at as string) - at(addDays(M, 1), 6); // the update lands a moment after 06:00
      const dueAfterFirst = at(addDays(M, 18), 6) + lost; // 30 working hours later: Thursday M+17 and Friday M+18 to 06:00
      expect(resumed.sla.deadlineAt).toBe(new Date(dueAfterFirst).toISOString());
      expect(health(resumed)?.dueAt).toBe(new Date(dueAfterFirst).toISOString());

      // Stopped again from Wednesday M+9 10:00 to Friday M+11 20:00, all inside the holiday: no working time lost.
      await c.advanceTo(at(addDays(M, 9), 10));
      await c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['floor plan'], actor: staff('health') });
      await c.advanceTo(at(addDays(M, 11), 20));
      const again = await c.update(supplementUpdate, { documents: [filedDocument('floor plan')], actor: applicantActor });
      expect(again.sla.deadlineAt).toBe(new Date(dueAfterFirst).toISOString());
    });
  });

  it('gives the applicant 10 working days to supply information by default, and reminds it 2 working days before', async () => {
    const M = await mondayAhead(10);
    const cal = calendar([addDays(M, 7)], []); // Monday M+7 is a holiday
    const friday = addDays(M, -3);
    await withCaseAt(friday, 15, template({}), cal, async (c) => {
      const asked = await c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['site plan'], actor: staff('health') });
      // From Monday M: ten working days without Monday M+7 end with Monday M+14.
      const due = at(addDays(M, 15));
      expect(asked.sla.supplementDueAt).toBe(new Date(due).toISOString());
      const notice = (await c.notices()).find((n) => n.kind === 'info-requested');
      expect(notice?.message).toBe(`Hygiene permit: please supply site plan by ${new Date(due).toISOString()}`);

      // Two working days before the end of Monday M+14: the start of Friday M+11 (the weekend does not count).
      await c.advanceTo(at(addDays(M, 11)) - MIN);
      expect((await c.notices()).map((n) => n.kind)).not.toContain('supplement-reminder');
      await c.advanceTo(at(addDays(M, 11)) + MIN);
      const reminder = await eventually(async () => {
        const r = (await c.notices()).find((n) => n.kind === 'supplement-reminder');
        expect(r).toBeDefined();
        return r;
      });
      expectAtOrJustAfter(reminder?.eventAt, at(addDays(M, 11)));

      await c.advanceTo(due + MIN);
      const closed = await c.handle.result();
      expect(closed.status).toBe('abandoned');
      expect(closed.decision?.reasons).toEqual([{ taskId: null, reason: 'nothing was supplied within 10 working days of the request' }]);
    });
  });
});
