/**
 * Claims with prepayment on Temporal's time-skipping test server, with the real activities writing
 * to a real PostgreSQL (one database and one bundle for this file). The built-in template
 * `liability-claim-fast-channel` is used throughout: claims desk PT24H; prepayment within PT48H of
 * acceptance, at most 0.5 of the claim, approval by claims supervision above 100000.00 CNY;
 * assessment P20D; settlement within P30D of acceptance. Time only moves through `env.sleep`.
 * Every case is closed before its test ends (withdrawn before any payment, settled after one): a run
 * left open on the time-skipping server stops time skipping for the tests after it.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ledgerPayments, type PaymentsAdapter } from '../../activities/payments.js';
import { timelineFromHistory } from '../../audit/timeline.js';
import type { Actor, CaseView, Money } from '../../common/types.js';
import type { ClaimDetails } from '../../processes/claim-prepayment/details.js';
import { getCaseProjection } from '../../db/cases.js';
import type { OutboxRow } from '../../db/notifications.js';
import { loadBuiltinTemplates } from '../../templates/builtin.js';
import type { ClaimTemplate } from '../../processes/claim-prepayment/template.js';
import { claimPrepaymentWorkflow } from '../../processes/claim-prepayment/workflow.js';
import { withdrawUpdate, type DecisionInput } from '../../workflows/definitions.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { applicant, applicantActor, staff } from '../support/fixtures.js';
import { expectRefused, steps } from '../support/case-assertions.js';
import { withCase, type CaseContext } from '../support/case-harness.js';
import { bundle, readableHistory, timeSkippingEnv } from '../support/temporal.js';
import { D, eventually, expectAtOrJustAfter, expectWithin, H, MIN } from '../support/time-assertions.js';

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
let db: TestDatabase;
let builtin: ClaimTemplate;

beforeAll(async () => {
  [env, workflowBundle, db] = await Promise.all([timeSkippingEnv(), bundle(), freshDatabase(inject('databaseUrl'))]);
  const t = loadBuiltinTemplates().find((x) => x.id === 'liability-claim-fast-channel');
  if (t?.kind !== 'claim-prepayment') throw new Error('built-in claim template missing');
  builtin = t;
});

afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

const cny = (amount: number): Money => ({ amount, currency: 'CNY' });
/** 500000.00 CNY claimed: the cap is 250000.00 CNY, the approval threshold 100000.00 CNY. */
const CLAIMED = 50_000_000;
const CAP = 25_000_000;
const THRESHOLD = 10_000_000;

const desk = staff('claims-desk');
const adjuster = staff('claims-adjusting');
const adjuster2 = staff('claims-adjusting', 'adjuster-2');
const chief = staff('claims-supervision', 'claims-chief', ['supervisor']);
/** The proposing adjuster, also a member of claims supervision: may not approve his own proposal. */
const proposerAsApprover = staff('claims-supervision', adjuster.sub);

const claim = (claimed = CLAIMED): ClaimDetails => ({
  policyNumber: 'PL-2020-000123',
  claimedAmount: cny(claimed),
  loss: { description: 'production halted for 21 days by the quarantine order', occurredAt: '2020-02-01' },
});

interface CaseCtx extends CaseContext<typeof claimPrepaymentWorkflow> {
  ledger(): Promise<{ purpose: string; amount: number; currency: string; payee_code: string; payee_name: string; payment_id: string }[]>;
  recoveries(): Promise<{ recovery_id: string; amount: number; currency: string; reason: string }[]>;
}

/**
 * Opens a claim through the shared harness (`payments` replaces the ledger adapter), runs `body`,
 * and then closes the case if it is still open: withdrawn when nothing was paid, otherwise settled
 * at the prepaid amount (a prepaid claim cannot be withdrawn).
 */
function withClaim(body: (c: CaseCtx) => Promise<void>, opts: { claimed?: number; payments?: PaymentsAdapter } = {}): Promise<void> {
  return withCase(
    { env, workflowBundle, pool: db.pool },
    claimPrepaymentWorkflow,
    {
      template: builtin,
      details: claim(opts.claimed) as unknown as Record<string, unknown>,
      ...(opts.payments ? { payments: opts.payments } : {}),
      async close(c) {
        const prepaid = (await c.view()).payments?.find((p) => p.purpose === 'prepayment');
        if (!prepaid) await c.update(withdrawUpdate, { reason: 'test finished', actor: applicantActor });
        else await c.decide({ taskId: 'assessment', outcome: 'approve', amount: prepaid.amount, actor: adjuster2 });
      },
    },
    (c) =>
      body({
        ...c,
        async ledger() {
          const { rows } = await db.pool.query(
            'SELECT payment_id, purpose, amount::int AS amount, currency, payee_code, payee_name FROM payments WHERE case_id = $1 ORDER BY paid_at, purpose',
            [c.caseId],
          );
          return rows;
        },
        async recoveries() {
          const { rows } = await db.pool.query('SELECT recovery_id, amount::int AS amount, currency, reason FROM recoveries WHERE case_id = $1', [c.caseId]);
          return rows;
        },
      }),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();
const task = (v: CaseView, taskId: string) => {
  const found = v.tasks.filter((x) => x.taskId === taskId);
  expect(found, `task ${taskId} appears once`).toHaveLength(1);
  return found[0]!;
};
const escalationRows = (rows: OutboxRow[]) =>
  rows.filter((r) => r.kind === 'escalation').map((r) => ({ key: r.key, taskId: r.taskId, action: r.action, dept: r.recipientDept, role: r.recipientRole }));

const acknowledge = (by: Actor = desk): DecisionInput => ({ taskId: 'acknowledge', outcome: 'approve', actor: by });
const propose = (amount: number, by: Actor = adjuster): DecisionInput => ({ taskId: 'prepayment', outcome: 'approve', amount: cny(amount), actor: by });
const approveProposal = (by: Actor = chief): DecisionInput => ({ taskId: 'prepayment-approval', outcome: 'approve', actor: by });
const assess = (amount: number, by: Actor = adjuster): DecisionInput => ({ taskId: 'assessment', outcome: 'approve', amount: cny(amount), actor: by });

/** Accepts the claim and returns the acceptance instant. */
async function accept(c: CaseCtx): Promise<number> {
  const accepted = await c.timed(() => c.decide(acknowledge()));
  expect(accepted.value.status).toBe('accepted');
  expectWithin(accepted.value.acceptedAt, accepted);
  return Date.parse(accepted.value.acceptedAt as string);
}

describe('claim with prepayment: deadlines and escalations', () => {
  it('climbs the acknowledge ladder (12 h, 18 h, 24 h) and breaches at 24 h when not acknowledged', async () => {
    await withClaim(async (c) => {
      const start = await c.view();
      expect(start).toMatchObject({ status: 'in-review', kind: 'claim-prepayment', acceptedAt: null, payments: [], settlement: null, escalations: [] });
      expect(start.prepayment).toEqual({ cap: cny(CAP), proposed: null, proposedBy: null, approvedBy: null, declined: false });
      expect(start.sla).toEqual({
        deadlineAt: iso(c.openedAtMs + 24 * H),
        paused: false,
        pausedMs: 0,
        breached: false,
        breachedAt: null,
        supplementDueAt: null,
        calendar: { id: 'cn-mainland', version: 1 },
      });
      expect(start.tasks.map((t) => [t.taskId, t.dept, t.status, t.dueAt])).toEqual([['acknowledge', 'claims-desk', 'open', iso(c.openedAtMs + 24 * H)]]);

      await c.advanceTo(c.openedAtMs + 12 * H - MIN);
      expect((await c.view()).escalations).toEqual([]);
      expect(await c.outbox()).toEqual([]);

      await c.advanceTo(c.openedAtMs + 12 * H + MIN);
      const at12 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(1);
        return v;
      });
      expect(steps(at12)).toEqual([{ taskId: 'acknowledge', action: 'reminder', level: 1 }]);
      expectAtOrJustAfter(at12.escalations[0]?.at, c.openedAtMs + 12 * H);

      await c.advanceTo(c.openedAtMs + 18 * H + MIN);
      const at18 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(2);
        return v;
      });
      expect(steps(at18)[1]).toEqual({ taskId: 'acknowledge', action: 'supervisor', level: 2 });
      expectAtOrJustAfter(at18.escalations[1]?.at, c.openedAtMs + 18 * H);
      expect(at18.sla.breached).toBe(false);

      await c.advanceTo(c.openedAtMs + 24 * H - MIN);
      expect((await c.view()).sla.breached).toBe(false);
      await c.advanceTo(c.openedAtMs + 24 * H + MIN);
      const at24 = await eventually(async () => {
        const v = await c.view();
        expect(v.sla.breached).toBe(true);
        expect(v.escalations).toHaveLength(3);
        expect(await c.outbox()).toHaveLength(4);
        return v;
      });
      expect(steps(at24)[2]).toEqual({ taskId: 'acknowledge', action: 'command-center', level: 3 });
      expectAtOrJustAfter(at24.escalations[2]?.at, c.openedAtMs + 24 * H);
      expectAtOrJustAfter(at24.sla.breachedAt, c.openedAtMs + 24 * H);
      expect(at24.status).toBe('in-review');
      expect(task(at24, 'acknowledge')).toMatchObject({ status: 'open', escalationLevel: 3 });

      const rows = await c.outbox();
      expect(escalationRows(rows)).toEqual([
        { key: `${c.caseId}:escalation:acknowledge:1`, taskId: 'acknowledge', action: 'reminder', dept: 'claims-desk', role: 'caseworker' },
        { key: `${c.caseId}:escalation:acknowledge:2`, taskId: 'acknowledge', action: 'supervisor', dept: 'claims-desk', role: 'supervisor' },
        { key: `${c.caseId}:escalation:acknowledge:3`, taskId: 'acknowledge', action: 'command-center', dept: null, role: 'command-center' },
      ]);
      const breach = rows.find((r) => r.kind === 'breach');
      expect(breach).toMatchObject({ key: `${c.caseId}:breach:acknowledge`, recipientDept: null, recipientRole: 'command-center' });
      expect(breach?.eventAt).toBe(at24.sla.breachedAt);

      // Long after, nothing fires again; a late rejection still closes the claim.
      await c.advanceTo(c.openedAtMs + 72 * H);
      expect((await c.view()).escalations).toEqual(at24.escalations);
      expect(await c.outbox()).toHaveLength(4);
      const rejected = await c.decide({ taskId: 'acknowledge', outcome: 'reject', comment: 'the policy excludes epidemics', actor: desk });
      expect(rejected).toMatchObject({
        status: 'rejected',
        payments: [],
        decision: { status: 'rejected', by: desk.sub, reasons: [{ taskId: 'acknowledge', reason: 'the policy excludes epidemics' }] },
      });
      expect(await c.handle.result()).toEqual(rejected);
      expect(await c.ledger()).toEqual([]);
    });
  });

  it('after acceptance runs the prepayment ladder on PT48H (24/36/48 h) and breaches the prepayment at 48 h if nothing was paid', async () => {
    await withClaim(async (c) => {
      await c.advanceTo(c.openedAtMs + 5 * H);
      const acceptedAt = await accept(c);
      const accepted = await c.view();
      expect(accepted.sla.deadlineAt).toBe(iso(acceptedAt + 30 * D));
      expect(accepted.sla.breached).toBe(false);
      expect(accepted.tasks.map((t) => [t.taskId, t.dept, t.status, t.dueAt])).toEqual([
        ['acknowledge', 'claims-desk', 'decided', iso(c.openedAtMs + 24 * H)],
        ['prepayment', 'claims-adjusting', 'open', iso(acceptedAt + 48 * H)],
      ]);

      // The acknowledge ladder was cancelled by the decision: nothing at 12/18/24 h after opening.
      await c.advanceTo(acceptedAt + 24 * H - MIN);
      expect((await c.view()).escalations).toEqual([]);
      expect(await c.outbox()).toEqual([]);

      await c.advanceTo(acceptedAt + 24 * H + MIN);
      const at24 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(1);
        return v;
      });
      expect(steps(at24)).toEqual([{ taskId: 'prepayment', action: 'reminder', level: 1 }]);
      expectAtOrJustAfter(at24.escalations[0]?.at, acceptedAt + 24 * H);

      await c.advanceTo(acceptedAt + 36 * H - MIN);
      expect((await c.view()).escalations).toHaveLength(1);
      await c.advanceTo(acceptedAt + 36 * H + MIN);
      const at36 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(2);
        return v;
      });
      expect(steps(at36)[1]).toEqual({ taskId: 'prepayment', action: 'supervisor', level: 2 });
      expectAtOrJustAfter(at36.escalations[1]?.at, acceptedAt + 36 * H);

      await c.advanceTo(acceptedAt + 48 * H - MIN);
      expect((await c.view()).sla.breached).toBe(false);
      await c.advanceTo(acceptedAt + 48 * H + MIN);
      const at48 = await eventually(async () => {
        const v = await c.view();
        expect(v.sla.breached).toBe(true);
        expect(await c.outbox()).toHaveLength(4);
        return v;
      });
      expect(steps(at48)[2]).toEqual({ taskId: 'prepayment', action: 'command-center', level: 3 });
      expectAtOrJustAfter(at48.escalations[2]?.at, acceptedAt + 48 * H);
      expectAtOrJustAfter(at48.sla.breachedAt, acceptedAt + 48 * H);
      expect(at48.status).toBe('accepted');
      // The case deadline is still the settlement deadline.
      expect(at48.sla.deadlineAt).toBe(iso(acceptedAt + 30 * D));

      const rows = await c.outbox();
      expect(escalationRows(rows).map((r) => [r.key, r.action, r.dept, r.role])).toEqual([
        [`${c.caseId}:escalation:prepayment:1`, 'reminder', 'claims-adjusting', 'caseworker'],
        [`${c.caseId}:escalation:prepayment:2`, 'supervisor', 'claims-adjusting', 'supervisor'],
        [`${c.caseId}:escalation:prepayment:3`, 'command-center', null, 'command-center'],
      ]);
      const breaches = rows.filter((r) => r.kind === 'breach');
      expect(breaches.map((r) => [r.key, r.recipientRole])).toEqual([[`${c.caseId}:breach:prepayment`, 'command-center']]);
      expect(breaches[0]?.eventAt).toBe(at48.sla.breachedAt);

      // Not paid, so it may still be withdrawn.
      const withdrawn = await c.update(withdrawUpdate, { reason: 'settled with the counterparty', actor: applicantActor });
      expect(withdrawn.status).toBe('withdrawn');
      expect(await c.handle.result()).toEqual(withdrawn);
    });
  });

  it('breaches the settlement deadline P30D after acceptance (breach:settlement); a prompt prepayment does not breach', async () => {
    await withClaim(async (c) => {
      await c.advanceTo(c.openedAtMs + 2 * H);
      const acceptedAt = await accept(c);
      expect((await c.view()).sla.deadlineAt).toBe(iso(acceptedAt + 30 * D));
      await c.advanceTo(acceptedAt + 1 * H);
      const paid = await c.timed(() => c.decide(propose(5_000_000)));
      expect(paid.value.status).toBe('prepaid');
      const assessmentOpened = Date.parse(task(paid.value, 'assessment').openedAt);
      expectWithin(task(paid.value, 'assessment').openedAt, paid);
      expect(task(paid.value, 'assessment').dueAt).toBe(iso(assessmentOpened + 20 * D));
      expect(paid.value.sla.deadlineAt).toBe(iso(acceptedAt + 30 * D));

      // Paid within PT48H: no prepayment breach.
      await c.advanceTo(acceptedAt + 49 * H);
      const after48 = await c.view();
      expect(after48.sla.breached).toBe(false);
      expect((await c.outbox()).filter((r) => r.kind === 'breach')).toEqual([]);

      // The assessment ladder runs on its own P20D: 10, 15, 20 days after it opened.
      await c.advanceTo(assessmentOpened + 20 * D + MIN);
      const at20 = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(3);
        return v;
      });
      expect(steps(at20)).toEqual([
        { taskId: 'assessment', action: 'reminder', level: 1 },
        { taskId: 'assessment', action: 'supervisor', level: 2 },
        { taskId: 'assessment', action: 'command-center', level: 3 },
      ]);
      expectAtOrJustAfter(at20.escalations[0]?.at, assessmentOpened + 10 * D);
      expectAtOrJustAfter(at20.escalations[1]?.at, assessmentOpened + 15 * D);
      expectAtOrJustAfter(at20.escalations[2]?.at, assessmentOpened + 20 * D);
      expect(at20.sla.breached).toBe(false);

      await c.advanceTo(acceptedAt + 30 * D - MIN);
      expect((await c.view()).sla.breached).toBe(false);
      await c.advanceTo(acceptedAt + 30 * D + MIN);
      const breached = await eventually(async () => {
        const v = await c.view();
        expect(v.sla.breached).toBe(true);
        return v;
      });
      expectAtOrJustAfter(breached.sla.breachedAt, acceptedAt + 30 * D);
      expect(breached.status).toBe('prepaid');
      const breach = await eventually(async () => {
        const rows = (await c.outbox()).filter((r) => r.kind === 'breach');
        expect(rows).toHaveLength(1);
        return rows[0] as OutboxRow;
      });
      expect(breach).toMatchObject({ key: `${c.caseId}:breach:settlement`, recipientDept: null, recipientRole: 'command-center' });
      expect(breach.eventAt).toBe(breached.sla.breachedAt);

      // Settled late, at the prepaid amount.
      const settled = await c.decide(assess(5_000_000));
      expect(settled.status).toBe('settled');
      expect(settled.sla.breached).toBe(true);
      await c.handle.result();
    });
  });
});

describe('claim with prepayment: paying and settling', () => {
  it('pays a prepayment at or below the threshold at once, then pays the remainder of the assessment', async () => {
    await withClaim(async (c) => {
      await accept(c);
      expect(await c.ledger()).toEqual([]);
      // Exactly the threshold: not above it, so no approval is needed.
      const paid = await c.timed(() => c.decide(propose(THRESHOLD)));
      const v = paid.value;
      expect(v.status).toBe('prepaid');
      expect(v.tasks.map((t) => [t.taskId, t.status])).toEqual([
        ['acknowledge', 'decided'],
        ['prepayment', 'decided'],
        ['assessment', 'open'],
      ]);
      expect(v.prepayment).toEqual({ cap: cny(CAP), proposed: cny(THRESHOLD), proposedBy: adjuster.sub, approvedBy: null, declined: false });
      expect(v.payments).toEqual([
        {
          paymentId: `pay-${c.caseId}-prepayment`,
          caseId: c.caseId,
          purpose: 'prepayment',
          amount: cny(THRESHOLD),
          payee: { creditCode: applicant.creditCode, name: applicant.name },
          paidAt: expect.any(String),
          reference: `pay-${c.caseId}-prepayment`,
        },
      ]);
      expect(await c.ledger()).toEqual([
        {
          payment_id: `pay-${c.caseId}-prepayment`,
          purpose: 'prepayment',
          amount: THRESHOLD,
          currency: 'CNY',
          payee_code: applicant.creditCode,
          payee_name: applicant.name,
        },
      ]);
      const projected = await eventually(async () => {
        const p = await getCaseProjection(db.pool, c.caseId);
        expect(p?.status).toBe('prepaid');
        return p as CaseView;
      });
      expect(projected.payments).toEqual(v.payments);

      // Assessed at 300000.00 CNY: the remainder 200000.00 CNY is paid through the same ledger.
      const settled = await c.timed(() => c.decide({ ...assess(30_000_000), comment: 'loss adjuster report LA-77' }));
      const s = settled.value;
      expect(s.status).toBe('settled');
      expectWithin(s.closedAt, settled);
      expect(s.settlement).toEqual({ assessed: cny(30_000_000), prepaid: cny(THRESHOLD), remainder: cny(20_000_000), recovery: null });
      expect(s.payments?.map((p) => [p.purpose, p.amount.amount, p.paymentId])).toEqual([
        ['prepayment', THRESHOLD, `pay-${c.caseId}-prepayment`],
        ['settlement', 20_000_000, `pay-${c.caseId}-settlement`],
      ]);
      expect(s.decision).toMatchObject({ status: 'settled', by: adjuster.sub, reasons: [{ taskId: 'assessment', reason: 'loss adjuster report LA-77' }] });
      expect(await c.handle.result()).toEqual(s);
      expect((await c.ledger()).map((r) => [r.purpose, r.amount])).toEqual([
        ['prepayment', THRESHOLD],
        ['settlement', 20_000_000],
      ]);
      expect(await c.recoveries()).toEqual([]);

      // The timeline shows each step, amount and actor.
      const timeline = timelineFromHistory(await readableHistory(c.handle));
      expect(timeline.filter((e) => e.type === 'decision').map((e) => [e.taskId, e.actor?.sub, e.details.amount ?? null])).toEqual([
        ['acknowledge', desk.sub, null],
        ['prepayment', adjuster.sub, cny(THRESHOLD)],
        ['assessment', adjuster.sub, cny(30_000_000)],
      ]);
      expect(timeline.filter((e) => e.type === 'payment').map((e) => [e.details.purpose, e.details.amount])).toEqual([
        ['prepayment', cny(THRESHOLD)],
        ['settlement', cny(20_000_000)],
      ]);
      expect(timeline[timeline.length - 1]).toMatchObject({ type: 'case-closed', details: { status: 'settled' } });

      // The applicant was told of the advance and of the settlement, with the amounts.
      const told = (await c.notices()).filter((n) => n.kind === 'prepayment' || n.kind === 'settlement');
      expect(told.map((n) => [n.kind, n.recipientRole, n.message])).toEqual([
        ['prepayment', 'applicant', `a prepayment of 100000.00 CNY on claim ${c.caseId} was paid (${s.payments?.[0]?.reference})`],
        ['settlement', 'applicant', `claim ${c.caseId} is settled at 300000.00 CNY: the remaining 200000.00 CNY was paid`],
      ]);
    });
  });

  it('sends a proposal above the threshold to claims supervision: four eyes, a refusal reopens the prepayment, approval pays; an assessment below the advance records a recovery', async () => {
    await withClaim(async (c) => {
      const acceptedAt = await accept(c);
      await c.advanceTo(acceptedAt + 2 * H);
      const proposed = await c.timed(() => c.decide(propose(20_000_000)));
      const p = proposed.value;
      expect(p.status).toBe('accepted');
      expect(p.payments).toEqual([]);
      expect(p.prepayment).toMatchObject({ proposed: cny(20_000_000), proposedBy: adjuster.sub, approvedBy: null });
      const approval = task(p, 'prepayment-approval');
      expect(approval).toMatchObject({ dept: 'claims-supervision', status: 'open', title: 'Approve a prepayment of 200000.00 CNY' });
      // Its SLA is what is left of the PT48H from acceptance.
      expect(approval.dueAt).toBe(iso(acceptedAt + 48 * H));
      expect(await c.ledger()).toEqual([]);

      // Four eyes: the proposer may not approve, even as a member of claims supervision; nor another department.
      await expectRefused(c.decide(approveProposal(proposerAsApprover)), 'Forbidden', /four eyes/);
      await expectRefused(c.decide(approveProposal(adjuster2)), 'Forbidden', /claims-supervision/);
      expect(task(await c.view(), 'prepayment-approval').status).toBe('open');

      // Refused: the prepayment goes back to the adjusters.
      const refused = await c.decide({ taskId: 'prepayment-approval', outcome: 'reject', comment: 'too high before the site visit', actor: chief });
      expect(refused.status).toBe('accepted');
      expect(task(refused, 'prepayment-approval')).toMatchObject({ status: 'decided', outcome: 'reject', decidedBy: chief.sub });
      expect(task(refused, 'prepayment')).toMatchObject({ status: 'open', outcome: null, decidedBy: null });
      expect(refused.prepayment).toMatchObject({ proposed: null, proposedBy: null, approvedBy: null, declined: false });
      expect(refused.payments).toEqual([]);

      // Another adjuster proposes less (still above the threshold): approval is asked again.
      const again = await c.decide(propose(18_000_000, adjuster2));
      expect(task(again, 'prepayment-approval')).toMatchObject({ status: 'open', outcome: null, title: 'Approve a prepayment of 180000.00 CNY' });
      expect(again.prepayment).toMatchObject({ proposed: cny(18_000_000), proposedBy: adjuster2.sub });
      await expectRefused(c.decide(approveProposal(staff('claims-supervision', adjuster2.sub))), 'Forbidden', /four eyes/);

      const approved = await c.decide(approveProposal());
      expect(approved.status).toBe('prepaid');
      expect(approved.prepayment).toMatchObject({ proposed: cny(18_000_000), proposedBy: adjuster2.sub, approvedBy: chief.sub });
      expect(approved.payments?.map((x) => [x.purpose, x.amount])).toEqual([['prepayment', cny(18_000_000)]]);
      expect(task(approved, 'assessment').status).toBe('open');
      expect((await c.ledger()).map((r) => [r.purpose, r.amount])).toEqual([['prepayment', 18_000_000]]);

      // Assessed at 150000.00 CNY: 30000.00 CNY of the advance is to be recovered; nothing more is paid.
      const settled = await c.decide(assess(15_000_000));
      expect(settled.status).toBe('settled');
      expect(settled.settlement).toMatchObject({ assessed: cny(15_000_000), prepaid: cny(18_000_000), remainder: cny(-3_000_000) });
      expect(settled.settlement?.recovery).toMatchObject({ recoveryId: `rec-${c.caseId}`, caseId: c.caseId, amount: cny(3_000_000) });
      expect(settled.settlement?.recovery?.reason).toContain('150000.00 CNY');
      expect(settled.payments).toHaveLength(1);
      await c.handle.result();
      expect((await c.ledger()).map((r) => r.purpose)).toEqual(['prepayment']);
      expect(await c.recoveries()).toEqual([
        { recovery_id: `rec-${c.caseId}`, amount: 3_000_000, currency: 'CNY', reason: settled.settlement?.recovery?.reason },
      ]);

      const timeline = timelineFromHistory(await readableHistory(c.handle));
      expect(timeline.filter((e) => e.type === 'decision').map((e) => [e.taskId, e.actor?.sub, e.details.outcome])).toEqual([
        ['acknowledge', desk.sub, 'approve'],
        ['prepayment', adjuster.sub, 'approve'],
        ['prepayment-approval', chief.sub, 'reject'],
        ['prepayment', adjuster2.sub, 'approve'],
        ['prepayment-approval', chief.sub, 'approve'],
        ['assessment', adjuster.sub, 'approve'],
      ]);
      expect(timeline.filter((e) => e.type === 'recovery').map((e) => e.details.amount)).toEqual([cny(3_000_000)]);
      expect((await c.notices()).find((n) => n.kind === 'settlement')?.message).toBe(
        `claim ${c.caseId} is settled at 150000.00 CNY: 30000.00 CNY of the prepayment is to be recovered`,
      );
    });
  });

  it('a declined prepayment pays no advance and opens the assessment; no prepayment breach; the whole assessment is paid', async () => {
    await withClaim(async (c) => {
      const acceptedAt = await accept(c);
      const declined = await c.decide({ taskId: 'prepayment', outcome: 'reject', comment: 'liability disputed: no advance', actor: adjuster });
      expect(declined.status).toBe('accepted');
      expect(declined.prepayment).toMatchObject({ declined: true, proposed: null });
      expect(declined.payments).toEqual([]);
      expect(task(declined, 'assessment')).toMatchObject({ status: 'open', dept: 'claims-adjusting' });
      expect(await c.ledger()).toEqual([]);

      await c.advanceTo(acceptedAt + 49 * H);
      const later = await c.view();
      expect(later.sla.breached).toBe(false);
      expect((await c.outbox()).filter((r) => r.kind === 'breach')).toEqual([]);

      const settled = await c.decide(assess(12_000_000));
      expect(settled.settlement).toEqual({ assessed: cny(12_000_000), prepaid: cny(0), remainder: cny(12_000_000), recovery: null });
      expect(settled.payments?.map((p) => [p.purpose, p.amount])).toEqual([['settlement', cny(12_000_000)]]);
      await c.handle.result();
      expect((await c.ledger()).map((r) => [r.purpose, r.amount])).toEqual([['settlement', 12_000_000]]);
    });
  });

  it('refuses what the rules forbid (cap, currency, missing or misplaced amount, over-assessment, withdrawal after payment); an assessment equal to the advance settles with nothing more', async () => {
    await withClaim(async (c) => {
      await expectRefused(c.decide({ ...acknowledge(), amount: cny(1_000) }), 'InvalidRequest', /amount/);
      await accept(c);
      await expectRefused(c.decide({ taskId: 'prepayment', outcome: 'approve', actor: adjuster }), 'InvalidRequest', /needs an amount/);
      await expectRefused(c.decide(propose(CAP + 1)), 'Conflict', '250000.00 CNY');
      await expectRefused(c.decide({ ...propose(1_000_000), amount: { amount: 1_000_000, currency: 'USD' } }), 'InvalidRequest', /CNY/);
      await expectRefused(c.decide(propose(0)), 'InvalidRequest', /positive/);
      await expectRefused(c.decide(assess(1_000)), 'NotFound', /no task assessment/);
      // Nothing refused left a trace.
      const untouched = await c.view();
      expect(task(untouched, 'prepayment')).toMatchObject({ status: 'open', outcome: null });
      expect(untouched.prepayment?.proposed).toBeNull();
      expect(await c.ledger()).toEqual([]);

      // The cap itself is allowed (above the threshold, so it needs approval).
      await c.decide(propose(CAP));
      await c.decide(approveProposal());
      expect((await c.view()).status).toBe('prepaid');

      await expectRefused(c.decide(assess(CLAIMED + 1)), 'Conflict', /exceeds the claimed 500000\.00 CNY/);
      await expectRefused(c.decide({ ...assess(CAP), amount: { amount: CAP, currency: 'EUR' } }), 'InvalidRequest', /CNY/);
      await expectRefused(
        c.update(withdrawUpdate, { reason: 'changed our mind', actor: applicantActor }),
        'Conflict',
        /prepaid claim is settled, not withdrawn/,
      );
      expect((await c.view()).status).toBe('prepaid');

      const settled = await c.decide(assess(CAP));
      expect(settled.settlement).toEqual({ assessed: cny(CAP), prepaid: cny(CAP), remainder: cny(0), recovery: null });
      expect(settled.payments).toHaveLength(1);
      expect(settled.status).toBe('settled');
      await c.handle.result();
      expect((await c.ledger()).map((r) => r.purpose)).toEqual(['prepayment']);
      expect(await c.recoveries()).toEqual([]);
    });
  });
});

describe('claim with prepayment: paid exactly once', () => {
  it('pays once when the payment activity fails after writing the ledger row and is retried', async () => {
    const real = ledgerPayments(db.pool);
    const calls: string[] = [];
    const faulty: PaymentsAdapter = {
      async pay(req) {
        calls.push(req.purpose);
        const record = await real.pay(req);
        if (calls.length === 1) throw new Error('simulated crash after the ledger write, before Temporal heard of it');
        return record;
      },
    };
    await withClaim(
      async (c) => {
        await accept(c);
        const paid = await c.decide(propose(6_000_000));
        expect(calls).toEqual(['prepayment', 'prepayment']);
        expect(paid.status).toBe('prepaid');
        const rows = await c.ledger();
        expect(rows).toEqual([
          {
            payment_id: `pay-${c.caseId}-prepayment`,
            purpose: 'prepayment',
            amount: 6_000_000,
            currency: 'CNY',
            payee_code: applicant.creditCode,
            payee_name: applicant.name,
          },
        ]);
        expect(paid.payments).toHaveLength(1);
        expect(paid.payments?.[0]).toMatchObject({ paymentId: rows[0]?.payment_id, purpose: 'prepayment', amount: cny(6_000_000) });
        const { rows: count } = await db.pool.query(`SELECT count(*)::int AS n FROM payments WHERE case_id = $1 AND purpose = 'prepayment'`, [c.caseId]);
        expect(count[0].n).toBe(1);

        // The history: one `pay` scheduled, completed on its second attempt after the injected failure.
        const events = (await c.handle.fetchHistory()).events ?? [];
        const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pay');
        expect(scheduled).toHaveLength(1);
        const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled[0]?.eventId));
        expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(2);

        const settled = await c.decide(assess(6_000_000));
        expect(settled.status).toBe('settled');
        await c.handle.result();
        expect(calls).toEqual(['prepayment', 'prepayment']);
        expect(await c.ledger()).toHaveLength(1);
      },
      { payments: faulty },
    );
  });

  it('a payment refused for good fails the decision, and the claim can still be withdrawn', async () => {
    const refusing: PaymentsAdapter = {
      async pay() {
        throw ApplicationFailure.nonRetryable('the bank refused the payee account', 'PaymentRefused');
      },
    };
    await withClaim(
      async (c) => {
        await accept(c);
        const failed = await c.decide(propose(6_000_000)).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(failed).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(((failed as WorkflowUpdateFailedError).cause as ActivityFailure).cause).toMatchObject({ type: 'PaymentRefused' });
        const after = await c.view();
        expect(after.payments).toEqual([]);
        expect(await c.ledger()).toEqual([]);
        // Nothing is being paid any more: withdrawal is not held off for ever.
        const withdrawn = await c.update(withdrawUpdate, { reason: 'the bank account is closed', actor: applicantActor });
        expect(withdrawn.status).toBe('withdrawn');
        await c.handle.result();
      },
      { payments: refusing },
    );
  });

  it('two concurrent prepayment approvals (different update ids): one succeeds, the other is a Conflict, one ledger row', async () => {
    await withClaim(async (c) => {
      await accept(c);
      const results = await Promise.allSettled([
        c.decide(propose(5_000_000, adjuster), `decide-${randomUUID()}`),
        c.decide(propose(6_000_000, adjuster2), `decide-${randomUUID()}`),
      ]);
      const ok = results.filter((r): r is PromiseFulfilledResult<CaseView> => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      await expectRefused(Promise.reject(failed[0]?.reason), 'Conflict', /already decided/);
      const winner = ok[0]!.value;
      expect(winner.status).toBe('prepaid');
      expect(winner.payments).toHaveLength(1);
      const rows = await c.ledger();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.amount).toBe(winner.payments?.[0]?.amount.amount);
      expect((await c.view()).payments).toEqual(winner.payments);
    });
  });

  it('the same update id twice runs the decision once and pays once', async () => {
    await withClaim(async (c) => {
      await accept(c);
      const updateId = `decide-${randomUUID()}`;
      const [a, b] = await Promise.all([c.decide(propose(7_000_000), updateId), c.decide(propose(7_000_000), updateId)]);
      expect(b).toEqual(a);
      const again = await c.decide(propose(7_000_000), updateId);
      expect(again).toEqual(a);
      expect(a.payments).toHaveLength(1);
      expect(await c.ledger()).toHaveLength(1);
      const events = (await c.handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId)).toHaveLength(1);
      expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pay')).toHaveLength(1);
    });
  });
});
