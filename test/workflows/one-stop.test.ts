/**
 * The one-stop approval workflow on Temporal's time-skipping test server, with the real activities
 * writing to a real PostgreSQL (one database for this file). Time only moves through `env.sleep`;
 * everything is observed through the `getCase` query, update results, the outbox, the `cases`
 * projection and `issued_numbers`.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Actor, CaseView } from '../../common/types.js';
import { getCaseProjection } from '../../db/cases.js';
import type { OutboxRow } from '../../db/notifications.js';
import type { OneStopTemplate } from '../../processes/one-stop/template.js';
import { supplementUpdate, withdrawUpdate, type DecisionInput } from '../../workflows/definitions.js';
import { oneStopApprovalWorkflow } from '../../processes/one-stop/workflow.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { applicantActor, oneStopTemplate, opener, staff } from '../support/fixtures.js';
import { expectRefused, steps } from '../support/case-assertions.js';
import { withCase as withCaseOf, type CaseContext } from '../support/case-harness.js';
import { bundle, timeSkippingEnv } from '../support/temporal.js';
import { eventually, expectAtOrJustAfter, expectWithin, H, MIN } from '../support/time-assertions.js';
import { filedDocument } from '../support/documents.js';

/**
 * How late (workflow time) a timer may fire after its due instant: the server's clock runs in real
 * time while the worker picks the timer up. Generous for a loaded CI box, tiny next to the hours
 * the assertions tell apart.
 */
const SLACK = 60_000;

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
let db: TestDatabase;

beforeAll(async () => {
  [env, workflowBundle, db] = await Promise.all([timeSkippingEnv(), bundle(), freshDatabase(inject('databaseUrl'))]);
});

afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

/** The harness's case, with times counted from the opening (this file reads them so). */
interface CaseCtx extends Omit<CaseContext<typeof oneStopApprovalWorkflow>, 'advanceTo'> {
  /** ISO time `offsetMs` after the case opened. */
  at(offsetMs: number): string;
  /** Moves the test server's clock to `offsetMs` after opening (never backwards). */
  advanceTo(offsetMs: number): Promise<void>;
}

function withCase(template: OneStopTemplate, body: (c: CaseCtx) => Promise<void>): Promise<void> {
  return withCaseOf({ env, workflowBundle, pool: db.pool }, oneStopApprovalWorkflow, { template, details: { capacity: '2 million masks/day' } }, (c) =>
    body({ ...c, at: (offset) => new Date(c.openedAtMs + offset).toISOString(), advanceTo: (offset) => c.advanceTo(c.openedAtMs + offset) }),
  );
}

const task = (v: CaseView, taskId: string) => {
  const t = v.tasks.find((x) => x.taskId === taskId);
  if (!t) throw new Error(`no task ${taskId}`);
  return t;
};
const escalationRows = (rows: OutboxRow[]) =>
  rows.filter((r) => r.kind === 'escalation').map((r) => ({ taskId: r.taskId, action: r.action, dept: r.recipientDept, role: r.recipientRole }));

const approve = (dept: string, by: Actor = staff(dept)): DecisionInput => ({ taskId: dept, outcome: 'approve', actor: by });

describe('one-stop approval workflow', () => {
  it('runs the default ladder over 48 hours: per-task SLAs, each step once, breach with onDeadline=escalate', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      const start = await c.view();
      expect(start).toMatchObject({ caseId: c.caseId, status: 'in-review', openedBy: 'alice', closedAt: null, decision: null, escalations: [] });
      expect(start.sla).toEqual({
        deadlineAt: c.at(48 * H),
        paused: false,
        pausedMs: 0,
        breached: false,
        breachedAt: null,
        supplementDueAt: null,
        calendar: null,
      });
      expect(start.tasks.map((t) => [t.taskId, t.status, t.dueAt, t.escalationLevel])).toEqual([
        ['market-regulation', 'open', c.at(24 * H), 0],
        ['health', 'open', c.at(48 * H), 0],
        ['ecology', 'open', c.at(48 * H), 0],
      ]);
      const projected = await eventually(async () => {
        const p = await getCaseProjection(db.pool, c.caseId);
        expect(p).toBeDefined();
        return p as CaseView;
      });
      expect(projected.status).toBe('in-review');
      expect(projected.sla.deadlineAt).toBe(c.at(48 * H));

      // Just before 12 h nothing has fired.
      await c.advanceTo(12 * H - MIN);
      expect((await c.view()).escalations).toEqual([]);
      expect(await c.outbox()).toEqual([]);

      // 12 h: market regulation (PT24H) reminder, and nothing else.
      await c.advanceTo(12 * H + MIN);
      const at12 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(1);
        expect(await c.outbox()).toHaveLength(1);
        return v;
      });
      expect(steps(at12)).toEqual([{ taskId: 'market-regulation', action: 'reminder', level: 1 }]);
      expectAtOrJustAfter(at12.escalations[0]?.at, c.openedAtMs + 12 * H);
      expect(at12.tasks.map((t) => t.escalationLevel)).toEqual([1, 0, 0]);
      const [reminder] = await c.outbox();
      expect(reminder).toMatchObject({
        key: `${c.caseId}:escalation:market-regulation:1`,
        kind: 'escalation',
        taskId: 'market-regulation',
        action: 'reminder',
        recipientDept: 'market-regulation',
        recipientRole: 'caseworker',
        sentAt: null,
      });
      expect(reminder?.eventAt).toBe(at12.escalations[0]?.at);

      // 18 h: its supervisor step.
      await c.advanceTo(18 * H + MIN);
      const at18 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(2);
        return v;
      });
      expect(steps(at18)[1]).toEqual({ taskId: 'market-regulation', action: 'supervisor', level: 2 });
      expectAtOrJustAfter(at18.escalations[1]?.at, c.openedAtMs + 18 * H);
      expect(task(at18, 'market-regulation').escalationLevel).toBe(2);

      // 24 h: its command-centre step, and the reminders of the two PT48H tasks (in due order).
      await c.advanceTo(24 * H + MIN);
      const at24 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(5);
        expect(await c.outbox()).toHaveLength(5);
        return v;
      });
      expect(steps(at24).slice(2)).toEqual([
        { taskId: 'market-regulation', action: 'command-center', level: 3 },
        { taskId: 'health', action: 'reminder', level: 1 },
        { taskId: 'ecology', action: 'reminder', level: 1 },
      ]);
      for (const e of at24.escalations.slice(2)) expectAtOrJustAfter(e.at, c.openedAtMs + 24 * H);
      expect(at24.tasks.map((t) => t.escalationLevel)).toEqual([3, 1, 1]);
      expect(at24.sla.breached).toBe(false);

      // 30 h: ecology decides, so it gets no further steps.
      await c.advanceTo(30 * H);
      const ecologyDecision = await c.timed(() => c.decide(approve('ecology')));
      const decided = ecologyDecision.value;
      expect(task(decided, 'ecology')).toMatchObject({ status: 'decided', outcome: 'approve', decidedBy: 'ecology-officer', escalationLevel: 1 });
      expectWithin(task(decided, 'ecology').decidedAt, ecologyDecision);
      expect(Date.parse(task(decided, 'ecology').decidedAt as string)).toBeGreaterThanOrEqual(c.openedAtMs + 30 * H);
      expect(decided.status).toBe('in-review');

      // 36 h: health's supervisor step only.
      await c.advanceTo(36 * H + MIN);
      const at36 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(6);
        return v;
      });
      expect(steps(at36)[5]).toEqual({ taskId: 'health', action: 'supervisor', level: 2 });
      expectAtOrJustAfter(at36.escalations[5]?.at, c.openedAtMs + 36 * H);

      // 48 h: health's command-centre step and the case breach; the case stays in review.
      await c.advanceTo(48 * H + MIN);
      const at48 = await eventually(async () => {
        const v = await c.view();
        expect(v.sla.breached).toBe(true);
        expect(await c.outbox()).toHaveLength(8);
        return v;
      });
      expect(steps(at48)[6]).toEqual({ taskId: 'health', action: 'command-center', level: 3 });
      expectAtOrJustAfter(at48.escalations[6]?.at, c.openedAtMs + 48 * H);
      expectAtOrJustAfter(at48.sla.breachedAt, c.openedAtMs + 48 * H);
      expect(at48.status).toBe('in-review');
      expect(at48.closedAt).toBeNull();
      expect(at48.tasks.map((t) => [t.taskId, t.status, t.escalationLevel])).toEqual([
        ['market-regulation', 'open', 3],
        ['health', 'open', 3],
        ['ecology', 'decided', 1],
      ]);

      // Long after: nothing fires again.
      await c.advanceTo(100 * H);
      const later = await c.view();
      expect(later.escalations).toEqual(at48.escalations);
      expect(later.status).toBe('in-review');

      // Each step exactly once, on the case and in the outbox, with the right recipient.
      const keys = later.escalations.map((e) => `${e.taskId}:${e.level}`);
      expect(new Set(keys).size).toBe(keys.length);
      const rows = await c.outbox();
      expect(rows).toHaveLength(8);
      expect(escalationRows(rows)).toEqual([
        { taskId: 'market-regulation', action: 'reminder', dept: 'market-regulation', role: 'caseworker' },
        { taskId: 'market-regulation', action: 'supervisor', dept: 'market-regulation', role: 'supervisor' },
        { taskId: 'market-regulation', action: 'command-center', dept: null, role: 'command-center' },
        { taskId: 'health', action: 'reminder', dept: 'health', role: 'caseworker' },
        { taskId: 'ecology', action: 'reminder', dept: 'ecology', role: 'caseworker' },
        { taskId: 'health', action: 'supervisor', dept: 'health', role: 'supervisor' },
        { taskId: 'health', action: 'command-center', dept: null, role: 'command-center' },
      ]);
      for (const [i, row] of rows.filter((r) => r.kind === 'escalation').entries()) expect(row.eventAt).toBe(later.escalations[i]?.at);
      const breach = rows.find((r) => r.kind === 'breach');
      expect(breach).toMatchObject({ key: `${c.caseId}:breach`, action: 'command-center', recipientDept: null, recipientRole: 'command-center' });
      expect(breach?.eventAt).toBe(later.sla.breachedAt);

      const row = await eventually(async () => {
        const p = await getCaseProjection(db.pool, c.caseId);
        expect(p?.sla.breached).toBe(true);
        return p as CaseView;
      });
      expect(row.status).toBe('in-review');
      expect(row.escalations).toEqual(later.escalations);
      const { rows: cols } = await db.pool.query('SELECT status, breached, open_depts FROM cases WHERE case_id = $1', [c.caseId]);
      expect(cols[0]).toEqual({ status: 'in-review', breached: true, open_depts: ['market-regulation', 'health'] });
    });
  });

  it('stops every clock on request-info and shifts due dates and pending steps by the pause', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      await c.advanceTo(10 * H);
      const request = await c.timed(() =>
        c.decide({
          taskId: 'health',
          outcome: 'request-info',
          comment: 'the water test report is missing',
          requestedDocuments: ['water-test-report'],
          actor: staff('health'),
        }),
      );
      const asked = request.value;
      expect(asked.status).toBe('awaiting-supplement');
      expect(asked.sla.paused).toBe(true);
      expect(task(asked, 'health')).toMatchObject({ status: 'decided', outcome: 'request-info', requestedDocuments: ['water-test-report'] });
      const pausedAt = Date.parse(task(asked, 'health').decidedAt as string);
      expectWithin(task(asked, 'health').decidedAt, request);

      // The waiting task cannot be decided before the supplement arrives.
      await expectRefused(c.decide(approve('health')), 'Conflict', /supplement/);

      // 5 h later (past the original 12 h reminder): nothing fired.
      await c.advanceTo(15 * H);
      const waiting = await c.view();
      expect(waiting.escalations).toEqual([]);
      expect(waiting.status).toBe('awaiting-supplement');
      expect(await c.outbox()).toEqual([]);
      const projected = await eventually(async () => {
        const p = await getCaseProjection(db.pool, c.caseId);
        expect(p?.status).toBe('awaiting-supplement');
        return p as CaseView;
      });
      expect(projected.sla.paused).toBe(true);

      const supplement = await c.timed(() =>
        c.update(supplementUpdate, { documents: [filedDocument('water-test-report')], note: 'attached', actor: applicantActor }),
      );
      const resumed = supplement.value;
      const P = resumed.sla.pausedMs;
      expect(resumed.status).toBe('in-review');
      expect(resumed.sla.paused).toBe(false);
      // The clock stood still from the request (≈10 h) to the supplement (≈15 h): about the 5 h moved.
      expect(P).toBeGreaterThanOrEqual(supplement.before - request.after);
      expect(P).toBeLessThanOrEqual(supplement.after - request.before);
      expect(Math.abs(P - 5 * H)).toBeLessThan(SLACK);
      expect(resumed.supplements).toEqual([
        {
          at: expect.any(String),
          by: 'acme-user',
          byName: 'Zhang Wei',
          documents: [filedDocument('water-test-report')],
          note: 'attached',
          pausedMs: P,
        },
      ]);
      expect(Date.parse(resumed.supplements[0]!.at) - pausedAt).toBe(P);
      expectWithin(resumed.supplements[0]!.at, supplement);
      expect(resumed.sla.deadlineAt).toBe(c.at(48 * H + P));
      expect(resumed.tasks.map((t) => [t.taskId, t.dueAt])).toEqual([
        ['market-regulation', c.at(24 * H + P)],
        ['health', c.at(48 * H + P)],
        ['ecology', c.at(48 * H + P)],
      ]);
      expect(task(resumed, 'health')).toMatchObject({ status: 'open', outcome: null, decidedBy: null, decidedAt: null });
      const row = await eventually(async () => {
        const p = await getCaseProjection(db.pool, c.caseId);
        expect(p?.status).toBe('in-review');
        return p as CaseView;
      });
      expect(row.sla).toMatchObject({ paused: false, pausedMs: P, deadlineAt: c.at(48 * H + P) });

      // The market-regulation reminder, originally due at 12 h, is now due at 12 h + P (≈ 17 h).
      await c.advanceTo(12 * H + P - MIN);
      expect((await c.view()).escalations).toEqual([]);
      await c.advanceTo(12 * H + P + MIN);
      const reminded = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(1);
        return v;
      });
      expect(steps(reminded)).toEqual([{ taskId: 'market-regulation', action: 'reminder', level: 1 }]);
      expectAtOrJustAfter(reminded.escalations[0]?.at, c.openedAtMs + 12 * H + P);

      // The reopened health task can now be approved; it then gets no steps.
      const approved = await c.decide(approve('health'));
      expect(task(approved, 'health')).toMatchObject({ status: 'decided', outcome: 'approve', decidedBy: 'health-officer' });
      // Its time to decision leaves out the stop: from opening to decision, less P.
      const health = task(approved, 'health');
      expect(health.decidedNetMs).toBe(Date.parse(health.decidedAt as string) - Date.parse(health.openedAt) - P);

      // Market regulation's supervisor step at 18 h + P, then at 24 h + P its command-centre step and
      // ecology's reminder; health, decided, gets nothing.
      await c.advanceTo(24 * H + P + MIN);
      const at24 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(4);
        return v;
      });
      expect(steps(at24)).toEqual([
        { taskId: 'market-regulation', action: 'reminder', level: 1 },
        { taskId: 'market-regulation', action: 'supervisor', level: 2 },
        { taskId: 'market-regulation', action: 'command-center', level: 3 },
        { taskId: 'ecology', action: 'reminder', level: 1 },
      ]);
      expectAtOrJustAfter(at24.escalations[1]?.at, c.openedAtMs + 18 * H + P);
      expectAtOrJustAfter(at24.escalations[3]?.at, c.openedAtMs + 24 * H + P);
      expect(escalationRows(await c.outbox()).map((r) => `${r.taskId}:${r.action}`)).toEqual(steps(at24).map((s) => `${s.taskId}:${s.action}`));

      // The case deadline also moved: not breached at 48 h, breached at 48 h + P.
      await c.advanceTo(48 * H + MIN);
      expect((await c.view()).sla.breached).toBe(false);
      await c.advanceTo(48 * H + P + MIN);
      const breached = await eventually(async () => {
        const v = await c.view();
        expect(v.sla.breached).toBe(true);
        return v;
      });
      expectAtOrJustAfter(breached.sla.breachedAt, c.openedAtMs + 48 * H + P);
    });
  });

  it('fires nothing while paused for 100 hours, then resumes the ladder; a second stop adds up', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      await c.advanceTo(1 * H);
      const first = await c.timed(() => c.decide({ taskId: 'ecology', outcome: 'request-info', requestedDocuments: ['eia-form'], actor: staff('ecology') }));
      await c.advanceTo(101 * H);
      const idle = await c.view();
      expect(idle.status).toBe('awaiting-supplement');
      expect(idle.escalations).toEqual([]);
      expect(idle.sla.breached).toBe(false);
      expect(await c.outbox()).toEqual([]);

      const firstSupplement = await c.timed(() =>
        c.update(supplementUpdate, { documents: [filedDocument('eia-form')], actor: staff('service-centre', 'bob') }),
      );
      const resumed = firstSupplement.value;
      const P1 = resumed.sla.pausedMs;
      expect(P1).toBeGreaterThanOrEqual(firstSupplement.before - first.after);
      expect(P1).toBeLessThanOrEqual(firstSupplement.after - first.before);
      expect(Math.abs(P1 - 100 * H)).toBeLessThan(SLACK);
      expect(resumed.sla.deadlineAt).toBe(c.at(48 * H + P1));

      // Reminder of market regulation at 12 h + P1.
      await c.advanceTo(12 * H + P1 + MIN);
      const reminded = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(1);
        return v;
      });
      expectAtOrJustAfter(reminded.escalations[0]?.at, c.openedAtMs + 12 * H + P1);

      // A second stop, by another department, for 2 h: the totals add up.
      const second = await c.timed(() => c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['floor-plan'], actor: staff('health') }));
      await c.advanceTo(second.after - c.openedAtMs + 2 * H);
      const secondSupplement = await c.timed(() => c.update(supplementUpdate, { documents: [filedDocument('floor-plan')], actor: applicantActor }));
      const again = secondSupplement.value;
      const P2 = again.supplements[1]!.pausedMs;
      expect(P2).toBe(Date.parse(again.supplements[1]!.at) - Date.parse(task(second.value, 'health').decidedAt as string));
      expect(P2).toBeGreaterThanOrEqual(2 * H);
      expect(P2).toBeLessThanOrEqual(secondSupplement.after - second.before);
      expect(again.sla.pausedMs).toBe(P1 + P2);
      expect(again.sla.deadlineAt).toBe(c.at(48 * H + P1 + P2));
      expect(task(again, 'market-regulation').dueAt).toBe(c.at(24 * H + P1 + P2));
      expect(again.tasks.map((t) => t.status)).toEqual(['open', 'open', 'open']);
    });
  });

  it('refuses a supplement when the case is not waiting for one, and from another enterprise', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      const documents = [filedDocument('x')];
      await expectRefused(c.update(supplementUpdate, { documents, actor: applicantActor }), 'Conflict', /not waiting/);
      await c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['x'], actor: staff('health') });
      const stranger: Actor = { sub: 'other-user', name: 'Other', roles: ['applicant'], org: '91110000600037341L' };
      await expectRefused(c.update(supplementUpdate, { documents, actor: stranger }), 'Forbidden');
      expect((await c.view()).status).toBe('awaiting-supplement');
    });
  });

  it('deems silent departments approved at the deadline (onDeadline=deem-approved) and issues a decision number', async () => {
    await withCase(oneStopTemplate({ onDeadline: 'deem-approved' }), async (c) => {
      await c.advanceTo(1 * H);
      await c.decide(approve('market-regulation'));
      await c.advanceTo(48 * H + MIN);
      const result = await c.handle.result();
      expect(result.status).toBe('approved');
      expectAtOrJustAfter(result.closedAt, c.openedAtMs + 48 * H);
      expect(result.decision).toMatchObject({ status: 'approved', by: 'system', reasons: [], followUps: [] });
      expect(result.decision?.number).toMatch(/^OSA-\d{4}-\d{6}$/);
      expect(task(result, 'market-regulation')).toMatchObject({ status: 'decided', outcome: 'approve', decidedBy: 'market-regulation-officer' });
      for (const id of ['health', 'ecology']) {
        const t = task(result, id);
        expect(t).toMatchObject({ status: 'decided', outcome: 'deemed-approved', decidedBy: 'system', decidedByName: 'OneStop engine' });
        expectAtOrJustAfter(t.decidedAt, c.openedAtMs + 48 * H);
      }
      // Market regulation was decided before any of its steps; the silent ones climbed the whole ladder.
      expect(steps(result).filter((s) => s.taskId === 'market-regulation')).toEqual([]);
      expect(steps(result).map((s) => `${s.taskId}:${s.action}`)).toEqual([
        'health:reminder',
        'ecology:reminder',
        'health:supervisor',
        'ecology:supervisor',
        'health:command-center',
        'ecology:command-center',
      ]);
      expect(await c.view()).toEqual(result);

      const rows = await c.outbox();
      expect(rows.filter((r) => r.kind === 'deemed-approved').map((r) => [r.taskId, r.recipientDept, r.recipientRole])).toEqual([
        ['health', 'health', 'caseworker'],
        ['ecology', 'ecology', 'caseworker'],
      ]);
      const closed = rows.find((r) => r.kind === 'case-closed');
      expect(closed).toMatchObject({ recipientRole: 'applicant', recipientDept: null });
      expect(closed?.message).toContain(result.decision?.number as string);
      const { rows: numbers } = await db.pool.query('SELECT purpose, number FROM issued_numbers WHERE case_id = $1', [c.caseId]);
      expect(numbers).toEqual([{ purpose: 'decision', number: result.decision?.number }]);
      const projected = await getCaseProjection(db.pool, c.caseId);
      expect(projected?.status).toBe('approved');
      expect(projected?.decision?.number).toBe(result.decision?.number);
    });
  });

  it('rejects the case on one rejection: reasons recorded, other tasks cancelled, workflow completed', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      await c.decide(approve('ecology'));
      await c.advanceTo(2 * H);
      const reason = 'the clean-room layout does not meet GB 50457';
      const rejection = await c.timed(() => c.decide({ taskId: 'health', outcome: 'reject', comment: reason, actor: staff('health') }));
      const rejected = rejection.value;
      expect(rejected.status).toBe('rejected');
      expect(rejected.decision).toMatchObject({ status: 'rejected', number: null, by: 'health-officer', reasons: [{ taskId: 'health', reason }] });
      expect(rejected.tasks.map((t) => [t.taskId, t.status, t.outcome])).toEqual([
        ['market-regulation', 'cancelled', null],
        ['health', 'decided', 'reject'],
        ['ecology', 'decided', 'approve'],
      ]);
      expect(task(rejected, 'health').comment).toBe(reason);
      expectWithin(rejected.closedAt, rejection);
      expect(rejected.decision?.at).toBe(rejected.closedAt);

      const result = await c.handle.result();
      expect(result).toEqual(rejected);
      expect((await c.handle.describe()).status.name).toBe('COMPLETED');

      // Closed: no decisions, supplements or withdrawals reach it any more.
      await expect(c.decide(approve('market-regulation'))).rejects.toBeInstanceOf(WorkflowNotFoundError);
      await expect(c.update(withdrawUpdate, { reason: 'x', actor: applicantActor })).rejects.toThrow();

      const rows = await c.outbox();
      expect(rows.map((r) => [r.kind, r.recipientRole])).toEqual([['case-closed', 'applicant']]);
      const projected = await getCaseProjection(db.pool, c.caseId);
      expect(projected?.status).toBe('rejected');
      expect(projected?.decision?.reasons).toEqual([{ taskId: 'health', reason }]);
      const { rows: cols } = await db.pool.query('SELECT open_depts, closed_at FROM cases WHERE case_id = $1', [c.caseId]);
      expect(cols[0]?.open_depts).toEqual([]);
      expect(cols[0]?.closed_at).toBeInstanceOf(Date);
    });
  });

  it('lets the applicant withdraw an open case, but not another enterprise', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      const stranger: Actor = { sub: 'other-user', name: 'Other', roles: ['applicant'], org: '91110000600037341L' };
      await expectRefused(c.update(withdrawUpdate, { reason: 'not mine', actor: stranger }), 'Forbidden', /applicant enterprise/);
      // A withdrawal while the clocks are stopped also closes the waiting task.
      await c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['x'], actor: staff('health') });
      await c.advanceTo(3 * H);
      const withdrawn = await c.update(withdrawUpdate, { reason: 'project moved to another site', actor: applicantActor });
      expect(withdrawn.status).toBe('withdrawn');
      expect(withdrawn.decision).toMatchObject({
        status: 'withdrawn',
        by: 'acme-user',
        number: null,
        reasons: [{ taskId: null, reason: 'project moved to another site' }],
      });
      expect(withdrawn.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
      expect(withdrawn.sla.paused).toBe(false);
      expect(withdrawn.sla.pausedMs).toBe(Date.parse(withdrawn.closedAt as string) - Date.parse(task(withdrawn, 'health').decidedAt as string));
      expect(await c.handle.result()).toEqual(withdrawn);
      expect((await c.outbox()).map((r) => r.kind)).toEqual(['case-closed']);
      expect((await getCaseProjection(db.pool, c.caseId))?.status).toBe('withdrawn');
    });
  });

  it('enforces four eyes, department ownership and decision rules with typed refusals', async () => {
    await withCase(oneStopTemplate(), async (c) => {
      const openerInHealth: Actor = { ...opener, dept: 'health' };
      await expectRefused(c.decide(approve('health', openerInHealth)), 'Forbidden', /four eyes/);
      await expectRefused(c.decide(approve('health', staff('ecology'))), 'Forbidden', /belongs to department health/);
      await expectRefused(c.decide(approve('health', applicantActor)), 'Forbidden');
      await expectRefused(c.decide(approve('health', { ...staff('health'), roles: ['auditor'] })), 'Forbidden');
      await expectRefused(c.decide(approve('tax')), 'NotFound', /no task tax/);
      await expectRefused(c.decide({ taskId: 'health', outcome: 'reject', comment: '   ', actor: staff('health') }), 'InvalidRequest', /comment/);
      await expectRefused(c.decide({ taskId: 'health', outcome: 'reject', actor: staff('health') }), 'InvalidRequest');
      await expectRefused(c.decide({ taskId: 'health', outcome: 'request-info', actor: staff('health') }), 'InvalidRequest', /requestedDocuments/);

      // Nothing refused left a trace.
      const untouched = await c.view();
      expect(untouched.tasks.map((t) => t.status)).toEqual(['open', 'open', 'open']);

      // A supervisor of the department may decide; the task is then decided once.
      const supervisor = staff('health', 'health-chief', ['supervisor']);
      expect(task(await c.decide(approve('health', supervisor)), 'health')).toMatchObject({ outcome: 'approve', decidedBy: 'health-chief' });
      await expectRefused(c.decide(approve('health', staff('health', 'health-officer-2'))), 'Conflict', /already decided/);
      await expectRefused(c.decide({ taskId: 'health', outcome: 'reject', comment: 'changed my mind', actor: supervisor }), 'Conflict');
      expect(task(await c.view(), 'health')).toMatchObject({ outcome: 'approve', decidedBy: 'health-chief' });

      // After a rejection the workflow is closed and takes no more decisions.
      const rejected = await c.decide({ taskId: 'ecology', outcome: 'reject', comment: 'outside the industrial zone', actor: staff('ecology') });
      expect(rejected.status).toBe('rejected');
      await c.handle.result();
      expect((await c.handle.describe()).status.name).toBe('COMPLETED');
      await expect(c.decide(approve('market-regulation'))).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect((await c.view()).tasks.map((t) => t.status)).toEqual(['cancelled', 'decided', 'decided']);
    });
  });

  it('approves when all departments approve: decision number, follow-ups, projection, deduplicated update ids', async () => {
    const followUps = [
      { dept: 'natural-resources', title: 'Prioritised land allocation' },
      { dept: 'water', title: 'Prioritised water supply' },
      { dept: 'power-grid', title: 'Prioritised electricity connection' },
    ];
    await withCase(oneStopTemplate({ followUps }), async (c) => {
      await c.advanceTo(1 * H);
      const updateId = `decide-${randomUUID()}`;
      const firstCall = await c.timed(() => c.decide(approve('market-regulation'), updateId));
      const first = firstCall.value;
      await c.advanceTo(2 * H);
      // The same update id again (a client retry): Temporal returns the first outcome, it does not run again.
      const repeat = await c.decide(approve('market-regulation'), updateId);
      expect(repeat).toEqual(first);
      expectWithin(task(repeat, 'market-regulation').decidedAt, firstCall);
      const history = await c.handle.fetchHistory();
      const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId);
      expect(accepted).toHaveLength(1);

      await c.decide(approve('health'));
      const lastId = `decide-${randomUUID()}`;
      const lastCall = await c.timed(() => c.decide(approve('ecology', staff('ecology', 'ecology-chief', ['supervisor'])), lastId));
      const last = lastCall.value;
      expect(last.status).toBe('approved');
      expect(last.decision).toMatchObject({ status: 'approved', by: 'ecology-chief', reasons: [], followUps });
      const number = last.decision?.number as string;
      expect(number).toMatch(/^OSA-\d{4}-\d{6}$/);
      expect(last.tasks.map((t) => [t.status, t.outcome])).toEqual([
        ['decided', 'approve'],
        ['decided', 'approve'],
        ['decided', 'approve'],
      ]);
      expectWithin(last.closedAt, lastCall);

      const result = await c.handle.result();
      expect(result).toEqual(last);
      // Repeating the closing update after completion still returns its outcome, with the same number.
      expect((await c.decide(approve('ecology', staff('ecology', 'ecology-chief', ['supervisor'])), lastId)).decision?.number).toBe(number);

      const { rows: numbers } = await db.pool.query('SELECT purpose, number FROM issued_numbers WHERE case_id = $1', [c.caseId]);
      expect(numbers).toEqual([{ purpose: 'decision', number }]);
      const rows = await c.outbox();
      expect(rows.filter((r) => r.kind === 'follow-up').map((r) => [r.key, r.recipientDept, r.recipientRole])).toEqual(
        followUps.map((f) => [`${c.caseId}:follow-up:${f.dept}`, f.dept, 'caseworker']),
      );
      for (const r of rows.filter((x) => x.kind === 'follow-up')) expect(r.message).toContain(number);
      expect(rows.filter((r) => r.kind === 'case-closed').map((r) => r.message)).toEqual([`case ${c.caseId} is approved (decision ${number})`]);
      expect(rows.filter((r) => r.kind === 'escalation')).toEqual([]);

      const projected = await getCaseProjection(db.pool, c.caseId);
      expect(projected).toEqual(result);
      const { rows: cols } = await db.pool.query('SELECT status, open_depts, depts FROM cases WHERE case_id = $1', [c.caseId]);
      expect(cols[0]).toEqual({ status: 'approved', open_depts: [], depts: ['market-regulation', 'health', 'ecology'] });
    });
  });
});
