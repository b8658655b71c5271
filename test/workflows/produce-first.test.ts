/**
 * Produce first, certify later, on Temporal's time-skipping test server with the real activities
 * writing to a real PostgreSQL (one database and one bundle for this file). The built-in template
 * `produce-first-epidemic-supplies` is used throughout: production licence P30D, medical-device
 * registration P60D, product inspection report P15D; reminders P7D and P1D; grace P7D; revoke after
 * P30D of suspension. Time only moves through `env.sleep`; every case is closed before its test ends
 * (a run left open on the time-skipping server stops time skipping for the tests after it).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { timelineFromHistory, type TimelineEntry } from '../../audit/timeline.js';
import type { Actor, CaseView } from '../../common/types.js';
import type { ObligationView } from '../../processes/produce-first/view.js';
import type { ProduceFirstDetails } from '../../processes/produce-first/details.js';
import { getCaseProjection } from '../../db/cases.js';
import type { OutboxRow } from '../../db/notifications.js';
import { loadBuiltinTemplates } from '../../templates/builtin.js';
import type { ProduceFirstTemplate } from '../../processes/produce-first/template.js';
import { fileCertificateUpdate, type CertificateInput } from '../../processes/produce-first/messages.js';
import { supplementUpdate, withdrawUpdate, type DecisionInput } from '../../workflows/definitions.js';
import { produceFirstWorkflow } from '../../processes/produce-first/workflow.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { applicantActor, opener, staff } from '../support/fixtures.js';
import { expectRefused } from '../support/case-assertions.js';
import { withCase as withCaseOf, type CaseContext } from '../support/case-harness.js';
import { bundle, readableHistory, timeSkippingEnv } from '../support/temporal.js';
import { D, eventually, expectAtOrJustAfter as expectNear, H, MIN } from '../support/time-assertions.js';
import { CN_MAINLAND } from '../../templates/calendars/cn-mainland.js';
import { filedDocument } from '../support/documents.js';

/**
 * The end of the `n`th working day after the Shanghai date of `ms` on the built-in calendar, read
 * from its lists day by day (the day itself does not count).
 */
function endOfWorkingDays(ms: number, n: number): string {
  const local = (t: number) => new Date(t + 8 * H).toISOString().slice(0, 10);
  let day = Date.parse(`${local(ms)}T00:00:00+08:00`);
  for (let counted = 0; counted < n;) {
    day += D;
    const date = local(day);
    const weekend = [0, 6].includes(new Date(day + 8 * H).getUTCDay());
    if (CN_MAINLAND.workdays?.includes(date) || (!weekend && !CN_MAINLAND.holidays?.includes(date))) counted += 1;
  }
  return new Date(day + D).toISOString();
}

/** How late (workflow time) a timer may fire or an update land after the instant the test aimed at. */
const SLACK = 10_000;

const PIR = 'product-inspection-report'; // P15D, market regulation
const PL = 'production-licence'; // P30D, market regulation
const MDR = 'medical-device-registration'; // P60D, drug administration

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
let db: TestDatabase;
let builtin: ProduceFirstTemplate;

beforeAll(async () => {
  [env, workflowBundle, db] = await Promise.all([timeSkippingEnv(), bundle(), freshDatabase(inject('databaseUrl'))]);
  const t = loadBuiltinTemplates().find((x) => x.id === 'produce-first-epidemic-supplies');
  if (t?.kind !== 'produce-first-certify-later') throw new Error('built-in produce-first template missing');
  builtin = t;
});

afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

const pledge = {
  signedBy: 'Zhang Wei, legal representative',
  text: 'We pledge to obtain every missing qualification within the periods set and to stop production if suspended.',
};
const detailsWith = (missing: string[]): ProduceFirstDetails => ({
  pledge,
  products: [{ name: 'medical protective suits', description: 'GB 19082' }],
  missing,
});

interface CaseCtx extends CaseContext<typeof produceFirstWorkflow> {
  file(qualification: string, actor?: Actor, number?: string): Promise<CaseView>;
  timeline(): Promise<TimelineEntry[]>;
}

/** A produce-first case lacking `missing`, through the shared harness, with filing and the timeline. */
function withCase(missing: string[], body: (c: CaseCtx) => Promise<void>, template: ProduceFirstTemplate = builtin): Promise<void> {
  const details = detailsWith(missing) as unknown as Record<string, unknown>;
  return withCaseOf({ env, workflowBundle, pool: db.pool }, produceFirstWorkflow, { template, details }, (c) =>
    body({
      ...c,
      file: (qualification, actor = applicantActor, number = `CERT-${qualification}`) =>
        c.update(fileCertificateUpdate, certificate(qualification, actor, number)),
      timeline: async () => timelineFromHistory(await readableHistory(c.handle)),
    }),
  );
}

const certificate = (qualification: string, actor: Actor, number: string): CertificateInput => ({
  qualification,
  number,
  issuer: 'Fujian Provincial Market Regulation Administration',
  issuedAt: '2020-03-01',
  document: filedDocument(`doc://${qualification}/${number}`),
  actor,
});

/** Produce-first times are checked tighter than the shared default. */
const expectAtOrJustAfter = (iso: string | null | undefined, expectedMs: number) => expectNear(iso, expectedMs, SLACK);

const ob = (v: CaseView, q: string): ObligationView => {
  const o = v.obligations?.find((x) => x.qualification === q);
  if (!o) throw new Error(`no obligation ${q}`);
  return o;
};
const task = (v: CaseView, taskId: string) => {
  const t = v.tasks.find((x) => x.taskId === taskId);
  if (!t) throw new Error(`no task ${taskId}`);
  return t;
};
const ofKind = (rows: OutboxRow[], kind: string) => rows.filter((r) => r.kind === kind);

const eligibility = (outcome: DecisionInput['outcome'], extra: Partial<DecisionInput> = {}): DecisionInput => ({
  taskId: 'eligibility',
  outcome,
  actor: staff('industry-it'),
  ...extra,
});
const verify = (q: string, dept: string, outcome: 'approve' | 'reject' = 'approve', comment?: string, by: Actor = staff(dept)): DecisionInput => ({
  taskId: `verify:${q}`,
  outcome,
  actor: by,
  ...(comment ? { comment } : {}),
});

/** Approves eligibility one hour after opening; returns the permit's issue time. */
async function issuePermit(c: CaseCtx): Promise<{ issuedAtMs: number; view: CaseView }> {
  await c.advanceTo(c.openedAtMs + 1 * H);
  const view = await c.decide(eligibility('approve', { comment: 'capacity and clean room checked' }));
  expect(view.status).toBe('provisional');
  expect(view.permit?.number).toMatch(/^PFP-\d{4}-\d{6}$/);
  const issuedAtMs = Date.parse(view.permit?.issuedAt as string);
  expectAtOrJustAfter(view.permit?.issuedAt, c.openedAtMs + 1 * H);
  return { issuedAtMs, view };
}

/** The reminder `before` of `q` was sent exactly once, at due − before, on the case and in the outbox. */
async function expectReminder(c: CaseCtx, q: string, index: number, before: string, atMs: number): Promise<void> {
  const v = await eventually(async () => {
    const view = await c.view();
    expect(ob(view, q).remindersSent).toHaveLength(index + 1);
    return view;
  });
  const sent = ob(v, q).remindersSent[index];
  expect(sent?.before).toBe(before);
  expectAtOrJustAfter(sent?.at, atMs);
  const row = await eventually(async () => {
    const r = (await c.outbox()).find((x) => x.key === `${c.caseId}:obligation:${q}:reminder:${index}`);
    expect(r).toBeDefined();
    return r as OutboxRow;
  });
  expect(row).toMatchObject({ kind: 'obligation-reminder', taskId: `verify:${q}`, recipientRole: 'applicant', recipientDept: null, eventAt: sent?.at });
  expect(row.message).toContain(`due in ${before}`);
}

describe('produce first, certify later workflow', () => {
  it('lives 60 days to certification: permit, due dates, reminders at due−P7D and due−P1D, none once verified, licence number', async () => {
    await withCase([PIR, PL, MDR], async (c) => {
      const start = await c.view();
      expect(start).toMatchObject({
        caseId: c.caseId,
        kind: 'produce-first-certify-later',
        status: 'in-review',
        permit: null,
        suspensions: [],
        closedAt: null,
        decision: null,
      });
      expect(start.pledge).toEqual({ ...pledge, signedAt: start.openedAt });
      expect(start.tasks.map((t) => [t.taskId, t.dept, t.status, t.dueAt])).toEqual([
        ['eligibility', 'industry-it', 'open', new Date(c.openedAtMs + 24 * H).toISOString()],
      ]);
      expect(start.sla.deadlineAt).toBe(new Date(c.openedAtMs + 24 * H).toISOString());
      expect(start.obligations?.map((o) => [o.qualification, o.dept, o.due, o.status, o.dueAt])).toEqual([
        [PL, 'market-regulation', 'P30D', 'pending', null],
        [MDR, 'drug-administration', 'P60D', 'pending', null],
        [PIR, 'market-regulation', 'P15D', 'pending', null],
      ]);

      const { issuedAtMs, view: permitted } = await issuePermit(c);
      const at = (ms: number) => new Date(issuedAtMs + ms).toISOString();
      expect(task(permitted, 'eligibility')).toMatchObject({ status: 'decided', outcome: 'approve', decidedBy: 'industry-it-officer' });
      expect(permitted.obligations?.map((o) => [o.qualification, o.status, o.dueAt, o.remindersSent])).toEqual([
        [PL, 'pending', at(30 * D), []],
        [MDR, 'pending', at(60 * D), []],
        [PIR, 'pending', at(15 * D), []],
      ]);
      const permitRow = await eventually(async () => {
        const r = ofKind(await c.outbox(), 'permit-issued');
        expect(r).toHaveLength(1);
        return r[0] as OutboxRow;
      });
      expect(permitRow).toMatchObject({ recipientRole: 'applicant', eventAt: permitted.permit?.issuedAt });
      expect(permitRow.message).toContain(permitted.permit?.number as string);
      const projected = await eventually(async () => {
        const p = await getCaseProjection(db.pool, c.caseId);
        expect(p?.status).toBe('provisional');
        return p as CaseView;
      });
      expect(projected.permit).toEqual(permitted.permit);

      // Product inspection report (P15D): its P7D reminder at day 8, not a minute before.
      await c.advanceTo(issuedAtMs + 8 * D - MIN);
      expect((await c.view()).obligations?.every((o) => o.remindersSent.length === 0)).toBe(true);
      expect(ofKind(await c.outbox(), 'obligation-reminder')).toEqual([]);
      await c.advanceTo(issuedAtMs + 8 * D + MIN);
      await expectReminder(c, PIR, 0, 'P7D', issuedAtMs + 8 * D);

      // Filed on day 9 by the enterprise, verified by market regulation.
      await c.advanceTo(issuedAtMs + 9 * D);
      const filed = await c.file(PIR, applicantActor, 'SJ-2020-0311');
      expect(ob(filed, PIR)).toMatchObject({ status: 'submitted', rejectionReason: null });
      expect(ob(filed, PIR).filings).toEqual([expect.objectContaining({ number: 'SJ-2020-0311', filedBy: 'acme-user', outcome: 'pending', decidedBy: null })]);
      expect(task(filed, `verify:${PIR}`)).toMatchObject({ dept: 'market-regulation', status: 'open', title: 'Verify: Product inspection report' });
      const verified = await c.decide(verify(PIR, 'market-regulation'));
      expect(ob(verified, PIR)).toMatchObject({ status: 'verified' });
      expect(ob(verified, PIR).filings[0]).toMatchObject({ outcome: 'verified', decidedBy: 'market-regulation-officer' });
      expect(verified.status).toBe('provisional');

      // Verified: its P1D reminder (day 14) is not sent, and it never becomes overdue (day 15).
      await c.advanceTo(issuedAtMs + 15 * D + MIN);
      expect(ob(await c.view(), PIR).remindersSent).toHaveLength(1);
      expect(ob(await c.view(), PIR).status).toBe('verified');

      // Production licence (P30D): reminders at days 23 and 29.
      await c.advanceTo(issuedAtMs + 23 * D - MIN);
      expect(ob(await c.view(), PL).remindersSent).toEqual([]);
      await c.advanceTo(issuedAtMs + 23 * D + MIN);
      await expectReminder(c, PL, 0, 'P7D', issuedAtMs + 23 * D);
      await c.advanceTo(issuedAtMs + 29 * D - MIN);
      expect(ob(await c.view(), PL).remindersSent).toHaveLength(1);
      await c.advanceTo(issuedAtMs + 29 * D + MIN);
      await expectReminder(c, PL, 1, 'P1D', issuedAtMs + 29 * D);
      // Filed by a caseworker of the service centre on the enterprise's behalf, verified by a supervisor.
      await c.advanceTo(issuedAtMs + 29 * D + 2 * H);
      await c.file(PL, opener, 'SC-2020-77');
      const plVerified = await c.decide(verify(PL, 'market-regulation', 'approve', undefined, staff('market-regulation', 'mr-chief', ['supervisor'])));
      expect(ob(plVerified, PL)).toMatchObject({ status: 'verified', overdueAt: null });
      expect(ob(plVerified, PL).filings[0]).toMatchObject({ filedBy: 'alice', decidedBy: 'mr-chief' });

      // Medical device registration (P60D): reminders at days 53 and 59.
      await c.advanceTo(issuedAtMs + 53 * D - MIN);
      const before53 = await c.view();
      expect(ob(before53, MDR).remindersSent).toEqual([]);
      expect(ob(before53, PL).status).toBe('verified'); // day 30 passed without an overdue
      await c.advanceTo(issuedAtMs + 53 * D + MIN);
      await expectReminder(c, MDR, 0, 'P7D', issuedAtMs + 53 * D);
      await c.advanceTo(issuedAtMs + 59 * D - MIN);
      expect(ob(await c.view(), MDR).remindersSent).toHaveLength(1);
      await c.advanceTo(issuedAtMs + 59 * D + MIN);
      await expectReminder(c, MDR, 1, 'P1D', issuedAtMs + 59 * D);

      // The last certificate verified on day 59: certified, closed, with the formal licence number.
      await c.advanceTo(issuedAtMs + 59 * D + 3 * H);
      await c.file(MDR, applicantActor, 'MD-2020-0042');
      const certified = await c.decide(verify(MDR, 'drug-administration', 'approve', 'registration confirmed'));
      expect(certified.status).toBe('certified');
      expectAtOrJustAfter(certified.closedAt, issuedAtMs + 59 * D + 3 * H);
      expect(certified.decision).toMatchObject({ status: 'certified', by: 'drug-administration-officer', reasons: [] });
      const licence = certified.decision?.number as string;
      expect(licence).toMatch(/^PFL-\d{4}-\d{6}$/);
      expect(certified.obligations?.map((o) => [o.qualification, o.status, o.overdueAt, o.remindersSent.length])).toEqual([
        [PL, 'verified', null, 2],
        [MDR, 'verified', null, 2],
        [PIR, 'verified', null, 1],
      ]);
      expect(certified.escalations).toEqual([]);
      expect(certified.suspensions).toEqual([]);

      const result = await c.handle.result();
      expect(result).toEqual(certified);
      expect((await c.handle.describe()).status.name).toBe('COMPLETED');
      // The whole 60-day life in a bounded history (the goal: under 1,000 events; the workflow task
      // history limit of a Temporal cluster is 51,200 events, and every event costs CPU to replay).
      // 100 events now: the bound catches a regression.
      const events = (await c.handle.fetchHistory()).events ?? [];
      expect(events.length).toBeLessThan(120);
      await expect(c.file(PIR)).rejects.toThrow();

      const { rows: numbers } = await db.pool.query('SELECT purpose, number FROM issued_numbers WHERE case_id = $1 ORDER BY purpose', [c.caseId]);
      expect(numbers).toEqual([
        { purpose: 'licence', number: licence },
        { purpose: 'provisional-permit', number: certified.permit?.number },
      ]);
      const rows = await c.outbox();
      expect(rows.map((r) => r.kind)).toEqual([
        'permit-issued',
        'obligation-reminder',
        'obligation-reminder',
        'obligation-reminder',
        'obligation-reminder',
        'obligation-reminder',
        'case-closed',
      ]);
      expect(ofKind(rows, 'case-closed')[0]?.message).toBe(`case ${c.caseId} is certified (licence ${licence})`);
      expect((await getCaseProjection(db.pool, c.caseId))?.status).toBe('certified');
    });
  });

  it('overdue at the due date, suspended after the grace period, reinstated when the overdue certificate is verified', async () => {
    await withCase([PIR, MDR], async (c) => {
      const { issuedAtMs, view: permitted } = await issuePermit(c);
      const permitNumber = permitted.permit?.number as string;
      expect(permitted.obligations?.map((o) => o.qualification)).toEqual([MDR, PIR]);

      // Day 15 − 1 min: the report is still only pending, both reminders sent (days 8 and 14).
      await c.advanceTo(issuedAtMs + 15 * D - MIN);
      const before = await c.view();
      expect(ob(before, PIR)).toMatchObject({ status: 'pending', overdueAt: null });
      expect(ob(before, PIR).remindersSent.map((r) => r.before)).toEqual(['P7D', 'P1D']);
      expectAtOrJustAfter(ob(before, PIR).remindersSent[1]?.at, issuedAtMs + 14 * D);
      expect(before.escalations).toEqual([]);

      // Day 15: overdue, escalated to market regulation's supervisor.
      await c.advanceTo(issuedAtMs + 15 * D + MIN);
      const overdue = await eventually(async () => {
        const v = await c.view();
        expect(ob(v, PIR).status).toBe('overdue');
        expect(ofKind(await c.outbox(), 'obligation-overdue')).toHaveLength(1);
        return v;
      });
      expectAtOrJustAfter(ob(overdue, PIR).overdueAt, issuedAtMs + 15 * D);
      expect(overdue.status).toBe('provisional');
      expect(ob(overdue, MDR).status).toBe('pending');
      expect(overdue.escalations).toEqual([{ at: ob(overdue, PIR).overdueAt, taskId: `verify:${PIR}`, action: 'supervisor', level: 1 }]);
      const [overdueRow] = ofKind(await c.outbox(), 'obligation-overdue');
      expect(overdueRow).toMatchObject({
        key: `${c.caseId}:obligation:${PIR}:overdue`,
        taskId: `verify:${PIR}`,
        action: 'supervisor',
        recipientDept: 'market-regulation',
        recipientRole: 'supervisor',
        eventAt: ob(overdue, PIR).overdueAt,
      });

      // Day 22 (due + P7D grace): suspended, with the reason, the time and when it would be revoked.
      await c.advanceTo(issuedAtMs + 22 * D - MIN);
      expect((await c.view()).status).toBe('provisional');
      await c.advanceTo(issuedAtMs + 22 * D + MIN);
      const suspended = await eventually(async () => {
        const v = await c.view();
        expect(v.status).toBe('suspended');
        expect(ofKind(await c.outbox(), 'suspended')).toHaveLength(1);
        return v;
      });
      expect(suspended.suspensions).toHaveLength(1);
      const s = suspended.suspensions?.[0];
      expectAtOrJustAfter(s?.at, issuedAtMs + 22 * D);
      expect(s?.reason).toBe('Product inspection report not verified within P15D and the P7D grace period');
      expect(s?.revokeAt).toBe(new Date(Date.parse(s?.at as string) + 30 * D).toISOString());
      expect(s?.reinstatedAt).toBeNull();
      const [suspendedRow] = ofKind(await c.outbox(), 'suspended');
      expect(suspendedRow).toMatchObject({ recipientRole: 'applicant', eventAt: s?.at });
      expect(suspendedRow?.message).toContain(`${permitNumber} is suspended: production must stop`);
      expect(
        (
          await eventually(async () => {
            const p = await getCaseProjection(db.pool, c.caseId);
            expect(p?.status).toBe('suspended');
            return p as CaseView;
          })
        ).suspensions,
      ).toEqual(suspended.suspensions);

      // Day 23: filed while suspended; the first filing is rejected (back to overdue, with the reason).
      await c.advanceTo(issuedAtMs + 23 * D);
      expect(ob(await c.file(PIR, applicantActor, 'SJ-1'), PIR).status).toBe('submitted');
      const reason = 'the laboratory is not CNAS-accredited';
      const rejected = await c.decide(verify(PIR, 'market-regulation', 'reject', reason));
      expect(rejected.status).toBe('suspended');
      expect(ob(rejected, PIR)).toMatchObject({ status: 'overdue', rejectionReason: reason });
      expect(ob(rejected, PIR).filings[0]).toMatchObject({ number: 'SJ-1', outcome: 'rejected', reason, decidedBy: 'market-regulation-officer' });

      // Filed again and verified: the permit is reinstated; the revocation no longer comes.
      await c.advanceTo(issuedAtMs + 24 * D);
      const refiled = await c.file(PIR, applicantActor, 'SJ-2');
      expect(task(refiled, `verify:${PIR}`)).toMatchObject({ status: 'open', outcome: null, decidedBy: null });
      const reinstated = await c.decide(verify(PIR, 'market-regulation', 'approve', 'accredited report'));
      expect(reinstated.status).toBe('provisional');
      expect(ob(reinstated, PIR)).toMatchObject({ status: 'verified', rejectionReason: null });
      expect(ob(reinstated, PIR).filings.map((f) => [f.number, f.outcome])).toEqual([
        ['SJ-1', 'rejected'],
        ['SJ-2', 'verified'],
      ]);
      expectAtOrJustAfter(reinstated.suspensions?.[0]?.reinstatedAt, issuedAtMs + 24 * D);
      const reinstatedRow = await eventually(async () => {
        const r = ofKind(await c.outbox(), 'reinstated');
        expect(r).toHaveLength(1);
        return r[0] as OutboxRow;
      });
      expect(reinstatedRow).toMatchObject({ recipientRole: 'applicant', eventAt: reinstated.suspensions?.[0]?.reinstatedAt });

      await c.advanceTo(Date.parse(s?.revokeAt as string) + H);
      const afterRevokeAt = await c.view();
      expect(afterRevokeAt.status).toBe('provisional');
      expect(afterRevokeAt.closedAt).toBeNull();

      // The medical device registration on time: certified.
      await c.advanceTo(issuedAtMs + 55 * D);
      expect(ob(await c.view(), MDR).remindersSent.map((r) => r.before)).toEqual(['P7D']);
      await c.file(MDR);
      const certified = await c.decide(verify(MDR, 'drug-administration'));
      expect(certified.status).toBe('certified');
      expect(certified.decision?.number).toMatch(/^PFL-/);
      expect(certified.suspensions).toEqual(reinstated.suspensions);
      await c.handle.result();

      // The auditor's timeline, from the recorded history: pledge, permit, filings, verifications,
      // reminders, overdue, suspension and reinstatement, each with its actor.
      const timeline = await c.timeline();
      const brief = timeline.map((e) => [e.type, e.actor?.sub ?? null, e.taskId ?? null]);
      expect(brief).toEqual([
        ['case-opened', 'alice', null],
        ['applicant-notified', 'system', null],
        ['decision', 'industry-it-officer', 'eligibility'],
        ['applicant-notified', 'system', 'eligibility'],
        ['permit-issued', 'system', null],
        ['obligation-reminder', 'system', `verify:${PIR}`],
        ['obligation-reminder', 'system', `verify:${PIR}`],
        ['obligation-overdue', 'system', `verify:${PIR}`],
        ['applicant-notified', 'system', `verify:${PIR}`],
        ['suspended', 'system', null],
        ['certificate-filed', 'acme-user', `verify:${PIR}`],
        ['decision', 'market-regulation-officer', `verify:${PIR}`],
        ['applicant-notified', 'system', `verify:${PIR}`],
        ['certificate-filed', 'acme-user', `verify:${PIR}`],
        ['decision', 'market-regulation-officer', `verify:${PIR}`],
        ['applicant-notified', 'system', `verify:${PIR}`],
        ['reinstated', 'system', null],
        ['obligation-reminder', 'system', `verify:${MDR}`],
        ['certificate-filed', 'acme-user', `verify:${MDR}`],
        ['decision', 'drug-administration-officer', `verify:${MDR}`],
        ['applicant-notified', 'system', `verify:${MDR}`],
        ['case-closed', null, null],
      ]);
      expect(timeline[0]?.details).toMatchObject({ pledge, missing: [PIR, MDR], products: [{ name: 'medical protective suits', description: 'GB 19082' }] });
      expect(timeline.find((e) => e.type === 'permit-issued')?.details.message).toContain(permitNumber);
      expect(timeline.filter((e) => e.type === 'decision').map((e) => e.details.outcome)).toEqual(['approve', 'reject', 'approve', 'approve']);
      expect(timeline.find((e) => e.type === 'certificate-filed')?.details).toMatchObject({ qualification: PIR, number: 'SJ-1' });
      expect(timeline.find((e) => e.type === 'suspended')?.at).toBe(s?.at);
      // What the applicant was told, in order: opened, eligible, overdue, the rejected and the accepted filing, the last verification.
      expect(timeline.filter((e) => e.type === 'applicant-notified').map((e) => e.details.kind)).toEqual([
        'case-opened',
        'task-decided',
        'obligation-overdue',
        'task-decided',
        'task-decided',
        'task-decided',
      ]);
      expect(timeline[timeline.length - 1]?.details).toMatchObject({ status: 'certified' });
    });
  });

  it('revokes the permit revokeAfter after the suspension when not every overdue certificate is verified', async () => {
    await withCase([PIR, PL], async (c) => {
      const { issuedAtMs } = await issuePermit(c);
      await c.advanceTo(issuedAtMs + 22 * D + MIN);
      const suspended = await eventually(async () => {
        const v = await c.view();
        expect(v.status).toBe('suspended');
        return v;
      });
      const s = suspended.suspensions?.[0];
      const revokeAtMs = Date.parse(s?.revokeAt as string);
      expect(revokeAtMs - Date.parse(s?.at as string)).toBe(30 * D);

      // Day 30: the production licence is overdue too.
      await c.advanceTo(issuedAtMs + 30 * D + MIN);
      const both = await eventually(async () => {
        const v = await c.view();
        expect(ob(v, PL).status).toBe('overdue');
        return v;
      });
      expect(both.escalations.map((e) => e.taskId)).toEqual([`verify:${PIR}`, `verify:${PL}`]);

      // Day 31: the report is verified, but the licence is still overdue: no reinstatement.
      await c.advanceTo(issuedAtMs + 31 * D);
      await c.file(PIR);
      const partly = await c.decide(verify(PIR, 'market-regulation'));
      expect(ob(partly, PIR).status).toBe('verified');
      expect(partly.status).toBe('suspended');
      expect(partly.suspensions?.[0]?.reinstatedAt).toBeNull();

      // Day 37: the licence's grace ends during the suspension: no second suspension.
      await c.advanceTo(issuedAtMs + 37 * D + MIN);
      expect((await c.view()).suspensions).toHaveLength(1);

      await c.advanceTo(revokeAtMs - MIN);
      const lastMinute = await c.view();
      expect(lastMinute.status).toBe('suspended');
      expect(lastMinute.sla.deadlineAt).toBe(s?.revokeAt);

      // revokeAfter (P30D) after the suspension: revoked, closed, the workflow completes.
      await c.advanceTo(revokeAtMs + MIN);
      const result = await c.handle.result();
      expect(result.status).toBe('revoked');
      expectAtOrJustAfter(result.closedAt, revokeAtMs);
      expect(result.decision).toEqual({
        status: 'revoked',
        number: null,
        at: result.closedAt,
        by: 'system',
        reasons: [{ taskId: null, reason: `revoked after P30D of suspension: ${s?.reason}` }],
        followUps: [],
      });
      expect(ob(result, PL).status).toBe('overdue');
      expect(ob(result, PIR).status).toBe('verified');
      expect((await c.handle.describe()).status.name).toBe('COMPLETED');
      expect(await c.view()).toEqual(result);
      await expect(c.file(PL)).rejects.toThrow();

      const rows = await c.outbox();
      expect(rows.map((r) => r.kind)).toEqual([
        'permit-issued',
        'obligation-reminder', // PIR day 8
        'obligation-reminder', // PIR day 14
        'obligation-overdue', // PIR day 15
        'suspended', // day 22
        'obligation-reminder', // PL day 23
        'obligation-reminder', // PL day 29
        'obligation-overdue', // PL day 30
        'case-closed',
      ]);
      expect(ofKind(rows, 'case-closed')[0]).toMatchObject({ recipientRole: 'applicant', message: `case ${c.caseId} is revoked` });
      const { rows: numbers } = await db.pool.query('SELECT purpose FROM issued_numbers WHERE case_id = $1', [c.caseId]);
      expect(numbers).toEqual([{ purpose: 'provisional-permit' }]);
      const projected = await getCaseProjection(db.pool, c.caseId);
      expect(projected?.status).toBe('revoked');
      expect(projected?.closedAt).toBe(result.closedAt);
    });
  });

  it('a rejected verification sends the obligation back to pending with the reason; filing again reopens verify:<q>; refusals are typed', async () => {
    await withCase([PIR, PL], async (c) => {
      // Before the permit there is nothing to file under.
      await expectRefused(c.file(PIR), 'Conflict', /provisional permit/);
      await issuePermit(c);

      await expectRefused(c.file('no-such-qualification'), 'NotFound', /no obligation no-such-qualification/);
      await expectRefused(c.file(MDR), 'NotFound', /no obligation medical-device-registration/); // not missing on this case
      const stranger: Actor = { sub: 'other-user', name: 'Other', roles: ['applicant'], org: '91110000600037341L' };
      await expectRefused(c.file(PIR, stranger), 'Forbidden', /applicant enterprise/);
      await expectRefused(c.file(PIR, { ...staff('market-regulation'), roles: ['auditor'] }), 'Forbidden');
      await expectRefused(c.decide(verify(PIR, 'market-regulation')), 'NotFound', /no task verify:product-inspection-report/);

      await c.advanceTo(c.openedAtMs + 2 * D);
      const filed = await c.file(PIR);
      const filedAtMs = Date.parse(ob(filed, PIR).filings[0]?.filedAt as string);
      // The built-in template gives verification 3 working days: the filing day does not count.
      expect(task(filed, `verify:${PIR}`)).toMatchObject({ dept: 'market-regulation', status: 'open', dueAt: endOfWorkingDays(filedAtMs, 3) });
      expect(filed.status).toBe('provisional');

      await expectRefused(c.file(PIR), 'Conflict', /already awaiting verification/);
      await expectRefused(
        c.decide({ taskId: `verify:${PIR}`, outcome: 'request-info', requestedDocuments: ['lab accreditation'], actor: staff('market-regulation') }),
        'InvalidRequest',
        /verified or rejected/,
      );
      await expectRefused(c.decide(verify(PIR, 'drug-administration')), 'Forbidden', /belongs to department market-regulation/);
      await expectRefused(c.decide(verify(PIR, 'market-regulation', 'approve', undefined, { ...opener, dept: 'market-regulation' })), 'Forbidden', /four eyes/);
      await expectRefused(
        c.decide({ taskId: `verify:${PIR}`, outcome: 'reject', comment: '  ', actor: staff('market-regulation') }),
        'InvalidRequest',
        /comment/,
      );
      const untouched = await c.view();
      expect(ob(untouched, PIR)).toMatchObject({ status: 'submitted', rejectionReason: null });
      expect(task(untouched, `verify:${PIR}`).status).toBe('open');

      // Rejected before its due date: back to pending, with the reason.
      const reason = 'sample batch number does not match the products filed';
      const rejected = await c.decide(verify(PIR, 'market-regulation', 'reject', reason));
      expect(ob(rejected, PIR)).toMatchObject({ status: 'pending', rejectionReason: reason, overdueAt: null });
      expect(ob(rejected, PIR).filings[0]).toMatchObject({ outcome: 'rejected', reason, decidedBy: 'market-regulation-officer' });
      expect(task(rejected, `verify:${PIR}`)).toMatchObject({ status: 'decided', outcome: 'reject', comment: reason });
      expect(rejected.status).toBe('provisional');
      await expectRefused(c.decide(verify(PIR, 'market-regulation')), 'Conflict', /already decided/);

      // Filed again: the verification task opens again, with a fresh SLA.
      await c.advanceTo(c.openedAtMs + 3 * D);
      const again = await c.file(PIR, applicantActor, 'SJ-2');
      expect(ob(again, PIR)).toMatchObject({ status: 'submitted', rejectionReason: reason });
      expect(ob(again, PIR).filings.map((f) => [f.number, f.outcome])).toEqual([
        [`CERT-${PIR}`, 'rejected'],
        ['SJ-2', 'pending'],
      ]);
      const reopened = task(again, `verify:${PIR}`);
      expect(reopened).toMatchObject({ status: 'open', outcome: null, decidedBy: null, decidedAt: null });
      expect(reopened.dueAt).toBe(endOfWorkingDays(Date.parse(reopened.openedAt), 3));
      expect(reopened.slaMs).toBe(3 * D);
      expect(Date.parse(reopened.openedAt)).toBeGreaterThanOrEqual(c.openedAtMs + 3 * D);

      const verified = await c.decide(verify(PIR, 'market-regulation', 'approve', undefined, staff('market-regulation', 'mr-2')));
      expect(ob(verified, PIR)).toMatchObject({ status: 'verified', rejectionReason: null });
      await expectRefused(c.file(PIR), 'Conflict', /already verified/);
      expect(ob(await c.view(), PIR).filings).toHaveLength(2);
      expect((await c.view()).status).toBe('provisional');
    });
  });

  it('eligibility undecided climbs its ladder and breaches at PT24H; a rejection closes the case as rejected', async () => {
    await withCase([PIR, PL, MDR], async (c) => {
      await c.advanceTo(c.openedAtMs + 24 * H + MIN);
      const breached = await eventually(async () => {
        const v = await c.view();
        expect(v.sla.breached).toBe(true);
        return v;
      });
      expectAtOrJustAfter(breached.sla.breachedAt, c.openedAtMs + 24 * H);
      expect(breached.escalations.map((e) => [e.taskId, e.action])).toEqual([
        ['eligibility', 'reminder'],
        ['eligibility', 'supervisor'],
        ['eligibility', 'command-center'],
      ]);
      expect(breached.status).toBe('in-review');
      expect(ofKind(await c.outbox(), 'breach')).toHaveLength(1);

      const reason = 'no clean-room capacity for medical protective suits';
      const rejected = await c.decide(eligibility('reject', { comment: reason }));
      expect(rejected.status).toBe('rejected');
      expect(rejected.permit).toBeNull();
      expect(rejected.decision).toMatchObject({ status: 'rejected', number: null, by: 'industry-it-officer', reasons: [{ taskId: 'eligibility', reason }] });
      expect(rejected.obligations?.every((o) => o.status === 'pending' && o.dueAt === null)).toBe(true);
      expect(await c.handle.result()).toEqual(rejected);
      await expect(c.file(PIR)).rejects.toThrow();
      const { rows: numbers } = await db.pool.query('SELECT purpose FROM issued_numbers WHERE case_id = $1', [c.caseId]);
      expect(numbers).toEqual([]);
      expect((await getCaseProjection(db.pool, c.caseId))?.status).toBe('rejected');
    });
  });

  it('eligibility request-info stops the clock; the supplement resumes it; the permit and its due dates count from the approval', async () => {
    await withCase([PIR], async (c) => {
      await c.advanceTo(c.openedAtMs + 2 * H);
      const asked = await c.decide(eligibility('request-info', { requestedDocuments: ['capacity statement'] }));
      expect(asked.status).toBe('awaiting-supplement');
      expect(asked.sla.paused).toBe(true);
      await expectRefused(c.file(PIR), 'Conflict', /awaiting-supplement/);

      await c.advanceTo(c.openedAtMs + 30 * H);
      const idle = await c.view();
      expect(idle.escalations).toEqual([]);
      expect(idle.sla.breached).toBe(false);
      expect(await c.outbox()).toEqual([]);

      const resumed = await c.update(supplementUpdate, { documents: [filedDocument('capacity statement')], actor: applicantActor });
      const P = resumed.sla.pausedMs;
      // Exactly from the request to the supplement, each of which may land a little after its aim.
      const askedAt = Date.parse(task(asked, 'eligibility').decidedAt as string);
      const suppliedAt = Date.parse(resumed.supplements.at(-1)?.at as string);
      expect(askedAt).toBeGreaterThanOrEqual(c.openedAtMs + 2 * H);
      expect(suppliedAt).toBeGreaterThanOrEqual(c.openedAtMs + 30 * H);
      expect(P).toBe(suppliedAt - askedAt);
      expect(P).toBeGreaterThanOrEqual(28 * H - SLACK);
      expect(P).toBeLessThanOrEqual(28 * H + SLACK);
      expect(resumed.status).toBe('in-review');
      expect(resumed.sla.paused).toBe(false);
      expect(resumed.sla.deadlineAt).toBe(new Date(c.openedAtMs + 24 * H + P).toISOString());
      expect(task(resumed, 'eligibility')).toMatchObject({ status: 'open', dueAt: new Date(c.openedAtMs + 24 * H + P).toISOString() });

      // The ladder's first step (12 h of running clock) comes 12 h + P after opening.
      await c.advanceTo(c.openedAtMs + 12 * H + P + MIN);
      const reminded = await eventually(async () => {
        const v = await c.view();
        expect(v.escalations).toHaveLength(1);
        return v;
      });
      expectAtOrJustAfter(reminded.escalations[0]?.at, c.openedAtMs + 12 * H + P);

      const approved = await c.decide(eligibility('approve'));
      const issuedAtMs = Date.parse(approved.permit?.issuedAt as string);
      expect(approved.status).toBe('provisional');
      expect(issuedAtMs).toBeGreaterThanOrEqual(c.openedAtMs + 12 * H + P);
      expect(ob(approved, PIR).dueAt).toBe(new Date(issuedAtMs + 15 * D).toISOString());

      await c.advanceTo(issuedAtMs + 8 * D + MIN);
      await expectReminder(c, PIR, 0, 'P7D', issuedAtMs + 8 * D);
      await c.advanceTo(issuedAtMs + 15 * D + MIN);
      const overdue = await eventually(async () => {
        const v = await c.view();
        expect(ob(v, PIR).status).toBe('overdue');
        return v;
      });
      expectAtOrJustAfter(ob(overdue, PIR).overdueAt, issuedAtMs + 15 * D);
    });
  });
});

describe('a produce-first case with a full history', () => {
  it('refuses a certificate filing past its budget (filing and rejecting could repeat without end); the case still ends', async () => {
    await withCase(
      [PIR],
      async (c) => {
        await c.decide({ taskId: 'eligibility', outcome: 'approve', actor: staff('industry-it') });
        await c.file(PIR);
        // Rejected, then filed again, until the history is full: the loop a bound must stop.
        let filings = 1;
        for (; filings < 30; filings++) {
          await c.decide({ taskId: `verify:${PIR}`, outcome: 'reject', comment: 'illegible scan', actor: staff('market-regulation') });
          const refiled = await c.file(PIR).then(
            () => true,
            () => false,
          );
          if (!refiled) break;
        }
        expect(filings).toBeGreaterThan(2);
        expect(filings).toBeLessThan(30);
        await expectRefused(c.file(PIR), 'Conflict', /the history of this case is full/);
        expect(ob(await c.view(), PIR).status).toBe('pending');
        // Withdrawal ends it.
        expect((await c.update(withdrawUpdate, { reason: 'stopped production', actor: applicantActor })).status).toBe('withdrawn');
      },
      { ...builtin, historyBudget: { events: 100, megabytes: 10 } },
    );
  });
});
