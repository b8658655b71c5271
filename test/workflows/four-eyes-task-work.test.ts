/**
 * Four eyes covers task work too: whoever may not decide a task (the case's opener, the filer of a
 * supplement the task asked for, the filer of the certificate a verification checks, the adjuster who
 * proposed the prepayment an approval checks) may neither claim it nor be assigned it by a supervisor,
 * or they could hold it, undecidable, until a supervisor freed it. Each refusal is the decision's
 * (Forbidden, naming why) and leaves the task untouched; anyone not barred still claims and is
 * assigned. On the time-skipping server with real activities and PostgreSQL (case-harness.ts).
 */
import type { UpdateDefinition } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { REFUSAL } from '../../common/errors.js';
import type { Actor, CaseView } from '../../common/types.js';
import type { ClaimDetails } from '../../processes/claim-prepayment/details.js';
import type { ProduceFirstDetails } from '../../processes/produce-first/details.js';
import { loadBuiltinTemplates } from '../../templates/builtin.js';
import type { ClaimTemplate } from '../../processes/claim-prepayment/template.js';
import type { ProduceFirstTemplate } from '../../processes/produce-first/template.js';
import { claimPrepaymentWorkflow } from '../../processes/claim-prepayment/workflow.js';
import { assignTaskUpdate, claimTaskUpdate, supplementUpdate, type CaseReceipt } from '../../workflows/definitions.js';
import { fileCertificateUpdate, verifyTaskId } from '../../processes/produce-first/messages.js';
import { oneStopApprovalWorkflow } from '../../processes/one-stop/workflow.js';
import { produceFirstWorkflow } from '../../processes/produce-first/workflow.js';
import { expectRefused } from '../support/case-assertions.js';
import { caseTestFile, withCase } from '../support/case-harness.js';
import { applicantActor, oneStopTemplate, opener, staff } from '../support/fixtures.js';
import { filedDocument } from '../support/documents.js';

const file = caseTestFile();

const builtin = (id: string) => {
  const t = loadBuiltinTemplates().find((x) => x.id === id);
  if (!t) throw new Error(`built-in template ${id} missing`);
  return t;
};

/** What the task-work updates need from a case context (any of the three processes). */
interface Ctx {
  view(): Promise<CaseView>;
  update<I>(def: UpdateDefinition<CaseReceipt, [I]>, input: I): Promise<CaseView>;
}

const assigneeIn = (v: CaseView, taskId: string) => v.tasks.find((t) => t.taskId === taskId)?.assignee;
const assigneeOf = async (c: Ctx, taskId: string) => assigneeIn(await c.view(), taskId);
const claim = (c: Ctx, taskId: string, actor: Actor) => c.update(claimTaskUpdate, { taskId, actor });
const assign = (c: Ctx, taskId: string, actor: Actor, assignee: Actor) =>
  c.update(assignTaskUpdate, { taskId, actor, assignee: { sub: assignee.sub, name: assignee.name } });

/**
 * The whole rule for one barred person on one task: `barred` (as a caseworker of the task's
 * department) may not claim it and a supervisor may not assign it to them, each refused as the
 * decision is, naming `why` (`decide` is the barred person's decision, refused as before); the task
 * stays free; `other` then claims it and is assigned it.
 */
async function expectBarredFromTaskWork(
  c: Ctx,
  taskId: string,
  opts: { barred: Actor; why: string; supervisor: Actor; other: Actor; decide: () => Promise<unknown> },
): Promise<void> {
  const { barred, why, supervisor, other } = opts;
  await expectRefused(opts.decide(), REFUSAL.forbidden, `four eyes: you are the ${why} and may not also take this decision`);
  await expectRefused(claim(c, taskId, barred), REFUSAL.forbidden, `four eyes: you are the ${why} and may not decide task ${taskId}, so you may not claim it`);
  await expectRefused(
    assign(c, taskId, supervisor, barred),
    REFUSAL.forbidden,
    `four eyes: ${barred.name} (${barred.sub}) is the ${why} and may not decide task ${taskId}, so may not be assigned it`,
  );
  expect(await assigneeOf(c, taskId)).toBeNull();

  expect(assigneeIn(await claim(c, taskId, other), taskId)).toBe(other.sub);
  // A supervisor may hand it on to someone not barred, and back.
  const colleague = staff(other.dept as string, `${other.sub}-colleague`);
  expect(assigneeIn(await assign(c, taskId, supervisor, colleague), taskId)).toBe(colleague.sub);
  expect(assigneeIn(await assign(c, taskId, supervisor, other), taskId)).toBe(other.sub);
  // Held by someone not barred, the task is still not the barred person's to take or be given.
  await expectRefused(assign(c, taskId, supervisor, barred), REFUSAL.forbidden, /four eyes/);
  expect(await assigneeOf(c, taskId)).toBe(other.sub);
}

const healthChief = staff('health', 'health-chief', ['supervisor']);

describe('four eyes bars task work on a one-stop case', () => {
  it('the opener may not claim any task, nor be assigned one', async () => {
    await withCase(file.deps(), oneStopApprovalWorkflow, { template: oneStopTemplate(), details: {} }, async (c) => {
      // The opener, also a caseworker of health (the same person: the same sub).
      const openerInHealth: Actor = { ...opener, dept: 'health' };
      await expectBarredFromTaskWork(c, 'health', {
        barred: openerInHealth,
        why: 'person who opened this case',
        supervisor: healthChief,
        other: staff('health'),
        decide: () => c.decide({ taskId: 'health', outcome: 'approve', actor: openerInHealth }),
      });
      // Every task of the case: ecology too.
      await expectRefused(claim(c, 'ecology', { ...opener, dept: 'ecology' }), REFUSAL.forbidden, /person who opened this case/);
      await expectRefused(
        assign(c, 'ecology', staff('ecology', 'eco-chief', ['supervisor']), opener),
        REFUSAL.forbidden,
        `${opener.name} (${opener.sub}) is the person who opened this case`,
      );
    });
  });

  it('whoever filed a supplement may not claim the task that asked for it, nor be assigned it; other tasks are unaffected', async () => {
    await withCase(file.deps(), oneStopApprovalWorkflow, { template: oneStopTemplate(), details: {} }, async (c) => {
      await c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['floor plan'], actor: staff('health') });
      // A caseworker of the opening department files it for the enterprise.
      const filer = staff('service-centre', 'sam');
      const resumed = await c.update(supplementUpdate, { documents: [filedDocument('floor plan')], actor: filer });
      expect(resumed.status).toBe('in-review');
      const filerInHealth: Actor = { ...filer, dept: 'health' };
      await expectBarredFromTaskWork(c, 'health', {
        barred: filerInHealth,
        why: 'person who filed the supplement this task asked for',
        supervisor: healthChief,
        other: staff('health'),
        decide: () => c.decide({ taskId: 'health', outcome: 'approve', actor: filerInHealth }),
      });
      // Ecology did not ask for it: the filer may claim ecology's task, and be assigned it.
      expect(assigneeIn(await claim(c, 'ecology', { ...filer, dept: 'ecology' }), 'ecology')).toBe('sam');
      const ecoChief = staff('ecology', 'eco-chief', ['supervisor']);
      await assign(c, 'ecology', ecoChief, staff('ecology'));
      expect(assigneeIn(await assign(c, 'ecology', ecoChief, filer), 'ecology')).toBe('sam');
    });
  });
});

describe('four eyes bars task work on a produce-first case', () => {
  it('whoever filed a certificate may not claim its verification, nor be assigned it', async () => {
    const template = builtin('produce-first-epidemic-supplies') as ProduceFirstTemplate;
    const PIR = 'product-inspection-report';
    const details: ProduceFirstDetails = {
      pledge: { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to file every certificate in time.' },
      products: [{ name: 'medical protective suits' }],
      missing: [PIR],
    };
    await withCase(file.deps(), produceFirstWorkflow, { template, details: details as unknown as Record<string, unknown> }, async (c) => {
      expect((await c.decide({ taskId: 'eligibility', outcome: 'approve', actor: staff('industry-it') })).status).toBe('provisional');
      const filer = staff('service-centre', 'mr-filer');
      const filed = await c.update(fileCertificateUpdate, {
        qualification: PIR,
        number: 'PIR-1',
        issuer: 'Lab',
        issuedAt: '2020-03-01',
        document: filedDocument('doc://pir'),
        actor: filer,
      });
      const taskId = verifyTaskId(PIR);
      expect(filed.tasks.find((t) => t.taskId === taskId)).toMatchObject({ dept: 'market-regulation', status: 'open', assignee: null });
      const filerInMr: Actor = { ...filer, dept: 'market-regulation' };
      await expectBarredFromTaskWork(c, taskId, {
        barred: filerInMr,
        why: 'person who filed this certificate',
        supervisor: staff('market-regulation', 'mr-chief', ['supervisor']),
        other: staff('market-regulation'),
        decide: () => c.decide({ taskId, outcome: 'approve', actor: filerInMr }),
      });
      // Rejected and filed again by the enterprise itself: now its user is the one barred.
      await c.decide({ taskId, outcome: 'reject', comment: 'illegible scan', actor: staff('market-regulation') });
      await c.update(fileCertificateUpdate, {
        qualification: PIR,
        number: 'PIR-2',
        issuer: 'Lab',
        issuedAt: '2020-03-02',
        document: filedDocument('doc://pir2'),
        actor: applicantActor,
      });
      await expectRefused(
        assign(c, taskId, staff('market-regulation', 'mr-chief', ['supervisor']), applicantActor),
        REFUSAL.forbidden,
        `${applicantActor.name} (${applicantActor.sub}) is the person who filed this certificate`,
      );
      // The earlier filer filed nothing this round: no longer barred.
      expect(assigneeIn(await claim(c, taskId, filerInMr), taskId)).toBe('mr-filer');
    });
  });
});

describe('four eyes bars task work on a claim', () => {
  it('the adjuster who proposed a prepayment may not claim its approval, nor be assigned it', async () => {
    const template = builtin('liability-claim-fast-channel') as ClaimTemplate;
    const details: ClaimDetails = {
      policyNumber: 'PL-2020-000123',
      claimedAmount: { amount: 50_000_000, currency: 'CNY' },
      loss: { description: 'production halted by the quarantine order', occurredAt: '2020-02-01' },
    };
    // Nothing is paid before the approval, so the harness's withdrawal closes the claim afterwards.
    await withCase(file.deps(), claimPrepaymentWorkflow, { template, details: details as unknown as Record<string, unknown> }, async (c) => {
      const adjuster = staff('claims-adjusting');
      expect((await c.decide({ taskId: 'acknowledge', outcome: 'approve', actor: staff('claims-desk') })).status).toBe('accepted');
      // Above the 100000.00 CNY threshold: claims supervision approves.
      const proposed = await c.decide({ taskId: 'prepayment', outcome: 'approve', amount: { amount: 20_000_000, currency: 'CNY' }, actor: adjuster });
      expect(proposed.tasks.find((t) => t.taskId === 'prepayment-approval')).toMatchObject({ dept: 'claims-supervision', status: 'open' });
      // The proposer, also a caseworker of claims supervision.
      const proposerAsApprover: Actor = { ...adjuster, dept: 'claims-supervision' };
      await expectBarredFromTaskWork(c, 'prepayment-approval', {
        barred: proposerAsApprover,
        why: 'adjuster who proposed this prepayment',
        supervisor: staff('claims-supervision', 'claims-chief', ['supervisor']),
        other: staff('claims-supervision'),
        decide: () => c.decide({ taskId: 'prepayment-approval', outcome: 'approve', actor: proposerAsApprover }),
      });
      expect((await c.view()).payments).toEqual([]);
    });
  });
});
