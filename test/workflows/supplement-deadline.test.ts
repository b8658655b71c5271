/**
 * What the applicant is told, and the date by which it must supply what a department asked for, on
 * Temporal's time-skipping test server with the real activities and PostgreSQL. Templates here name
 * no calendar, so the defaults are wall-clock: P14D to supply, a reminder P2D before.
 */
import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../common/types.js';
import type { OneStopTemplate } from '../../processes/one-stop/template.js';
import { supplementUpdate } from '../../workflows/definitions.js';
import { oneStopApprovalWorkflow } from '../../processes/one-stop/workflow.js';
import { expectRefused } from '../support/case-assertions.js';
import { caseTestFile, withCase as withCaseOf, type CaseContext } from '../support/case-harness.js';
import { applicantActor, oneStopTemplate, staff } from '../support/fixtures.js';
import { eventually, expectAtOrJustAfter, H, MIN } from '../support/time-assertions.js';
import { filedDocument } from '../support/documents.js';

const DAY = 24 * H;

const file = caseTestFile();

type Ctx = CaseContext<typeof oneStopApprovalWorkflow>;

function withCase(template: OneStopTemplate, body: (c: Ctx) => Promise<void>): Promise<void> {
  return withCaseOf(file.deps(), oneStopApprovalWorkflow, { template, details: { capacity: '2 million masks/day' } }, body);
}

const task = (v: CaseView, taskId: string) => v.tasks.find((t) => t.taskId === taskId);

/** Health asks for a water test report; returns the workflow time of the request. */
async function askForReport(c: Ctx): Promise<{ view: CaseView; at: number }> {
  const asked = await c.timed(() => c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['water-test-report'], actor: staff('health') }));
  return { view: asked.value, at: Date.parse(task(asked.value, 'health')?.decidedAt as string) };
}

describe('the applicant is told', () => {
  it('that the case opened, of each decision, what is asked by when, and of the outcome', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      await c.decide({ taskId: 'market-regulation', outcome: 'approve', actor: staff('market-regulation') });
      const { at } = await askForReport(c);
      await c.update(supplementUpdate, { documents: [filedDocument('water-test-report')], actor: applicantActor });
      await c.decide({ taskId: 'health', outcome: 'approve', actor: staff('health') });
      await c.decide({ taskId: 'ecology', outcome: 'reject', comment: 'no discharge permit', actor: staff('ecology') });
      await c.handle.result();

      const notices = await c.notices();
      expect(notices.map((n) => [n.kind, n.recipientRole, n.taskId])).toEqual([
        ['case-opened', 'applicant', null],
        ['task-decided', 'applicant', 'market-regulation'],
        ['info-requested', 'applicant', 'health'],
        ['task-decided', 'applicant', 'health'],
        ['task-decided', 'applicant', 'ecology'],
      ]);
      expect(notices[0]?.eventAt).toBe(new Date(c.openedAtMs).toISOString());
      expect(notices[2]?.message).toBe(`Hygiene permit: please supply water-test-report by ${new Date(at + 14 * DAY).toISOString()}`);
      expect(notices[4]?.message).toBe('Environmental filing (ecology): rejected: no discharge permit');
      // The outcome itself is the case-closed notice, as before.
      expect((await c.outbox()).filter((r) => r.recipientRole === 'applicant').map((r) => r.kind)).toEqual(['case-closed']);
    });
  });
});

describe('the supplement has a date', () => {
  it('shows the date, reminds the applicant before it, and abandons the case when it passes', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      const { view, at } = await askForReport(c);
      const due = at + 14 * DAY;
      expect(view.sla).toMatchObject({ paused: true, supplementDueAt: new Date(due).toISOString() });

      // The SLA clock is stopped, but this date runs: a reminder 2 days before it, nothing else.
      await c.advanceTo(due - 2 * DAY - MIN);
      expect((await c.notices()).map((n) => n.kind)).toEqual(['case-opened', 'info-requested']);
      await c.advanceTo(due - 2 * DAY + MIN);
      const reminded = await eventually(async () => {
        const rows = (await c.notices()).filter((n) => n.kind === 'supplement-reminder');
        expect(rows).toHaveLength(1);
        return rows[0];
      });
      expectAtOrJustAfter(reminded?.eventAt, due - 2 * DAY);
      expect((await c.view()).escalations).toEqual([]);

      await c.advanceTo(due + MIN);
      const abandoned = await c.handle.result();
      expect(abandoned.status).toBe('abandoned');
      expectAtOrJustAfter(abandoned.closedAt ?? undefined, due);
      expect(abandoned.decision).toMatchObject({
        status: 'abandoned',
        by: 'system',
        reasons: [{ taskId: null, reason: 'nothing was supplied within P14D of the request' }],
      });
      expect(abandoned.sla.supplementDueAt).toBeNull();
      expect(abandoned.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      // While stopped, none of the 48-hour ladder fired, and the case never breached.
      expect(abandoned.escalations).toEqual([]);
      expect(abandoned.sla.breached).toBe(false);
      const closed = (await c.outbox()).filter((r) => r.kind === 'case-closed');
      expect(closed.map((r) => [r.recipientRole, r.message])).toEqual([['applicant', `case ${c.caseId} is abandoned`]]);
    });
  });

  it('a decided task keeps the due date in force at its decision; open tasks move by the stop', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      const decided = await c.decide({ taskId: 'market-regulation', outcome: 'approve', actor: staff('market-regulation') });
      const before = { mr: task(decided, 'market-regulation')?.dueAt, ecology: task(decided, 'ecology')?.dueAt };
      const { at } = await askForReport(c);
      await c.advanceTo(at + 5 * DAY);
      const resumed = await c.update(supplementUpdate, { documents: [filedDocument('water-test-report')], actor: applicantActor });
      const stopped = resumed.supplements[0]?.pausedMs as number;
      expect(stopped).toBeGreaterThanOrEqual(5 * DAY);
      expect(task(resumed, 'market-regulation')?.dueAt).toBe(before.mr);
      expect(task(resumed, 'ecology')?.dueAt).toBe(new Date(Date.parse(before.ecology as string) + stopped).toISOString());
    });
  });

  it('a supplement in time cancels the date and its reminder', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      const { at } = await askForReport(c);
      await c.advanceTo(at + 5 * DAY);
      const resumed = await c.update(supplementUpdate, { documents: [filedDocument('water-test-report')], actor: applicantActor });
      expect(resumed.sla).toMatchObject({ paused: false, supplementDueAt: null });
      await c.decide({ taskId: 'market-regulation', outcome: 'approve', actor: staff('market-regulation') });
      await c.decide({ taskId: 'ecology', outcome: 'approve', actor: staff('ecology') });
      // Past the old date: no reminder, no abandonment; the case waits on health alone.
      await c.advanceTo(at + 15 * DAY);
      expect((await c.notices()).map((n) => n.kind)).not.toContain('supplement-reminder');
      const later = await c.view();
      expect(later.status).toBe('in-review');
      expect(task(later, 'health')?.status).toBe('open');
      await c.decide({ taskId: 'health', outcome: 'approve', actor: staff('health') });
      expect((await c.handle.result()).status).toBe('approved');
    });
  });

  it('onSupplementTimeout "resume" restarts the clocks without the documents, moving every due date by the wait', async () => {
    await withCase(oneStopTemplate({ supplementWithin: 'P3D', supplementReminders: [], onSupplementTimeout: 'resume' }), async (c) => {
      const { at } = await askForReport(c);
      const due = at + 3 * DAY;
      await c.advanceTo(due + MIN);
      const resumed = await eventually(async () => {
        const v = await c.view();
        expect(v.status).toBe('in-review');
        return v;
      });
      // The timer fires at the date or a moment after it (the server's clock runs while the worker picks it up).
      const record = resumed.supplements[0];
      expectAtOrJustAfter(record?.at, due);
      const stopped = Date.parse(record?.at as string) - at;
      expect(resumed.sla).toMatchObject({ paused: false, pausedMs: stopped, supplementDueAt: null });
      expect(resumed.supplements).toEqual([
        {
          at: record?.at,
          by: 'system',
          byName: 'OneStop engine',
          documents: [],
          note: 'nothing was supplied within P3D of the request: the clocks restarted without it',
          pausedMs: stopped,
        },
      ]);
      expect(task(resumed, 'health')).toMatchObject({ status: 'open', outcome: null });
      expect(resumed.sla.deadlineAt).toBe(new Date(c.openedAtMs + 48 * H + stopped).toISOString());
      expect((await c.notices()).map((n) => n.kind)).toEqual(['case-opened', 'info-requested', 'supplement-timeout']);
      // A supplement after the date is refused: the case no longer waits for one.
      await expectRefused(c.update(supplementUpdate, { documents: [filedDocument('water-test-report')], actor: applicantActor }), 'Conflict', /not waiting/);
    });
  });
});
