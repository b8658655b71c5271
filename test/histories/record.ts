/**
 * Records the histories the replay test runs against (`npm run record:histories`). It records only
 * scenarios whose file does not exist yet: add a scenario (or a new file name) when a workflow
 * changes, and commit it beside the old ones, which are what proves that cases started under
 * earlier code still replay. `--force` rewrites them all: only before a workflow's first release.
 *
 * Each scenario drives one case through a path on the time-skipping server, with in-memory fake
 * activities (only the workflow's command sequence matters to a history).
 *
 * Each scenario is recorded twice: `<name>.json` with plain payloads (as cases were before payload
 * encryption) and `<name>.encrypted.json` through the payload codec with the committed test-only
 * key (HISTORY_TEST_KEYS), so the replay test covers both kinds of running case.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { TimeSkippingWorkflowClient } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import type { CaseActivities } from '../../activities/index.js';
import { addCommentUpdate, assignTaskUpdate, claimTaskUpdate, decideUpdate, releaseTaskUpdate, supplementUpdate, withdrawUpdate } from '../../workflows/definitions.js';
import { fileCertificateUpdate } from '../../processes/produce-first/messages.js';
import { publicationRecord } from '../../publication/protocol.js';
import { type OpenCaseInput } from '../../processes/registry.js';
import { produceFirstWorkflow } from '../../processes/produce-first/workflow.js';
import { loadBuiltinTemplates } from '../../templates/builtin.js';
import { loadBuiltinCalendars } from '../../templates/builtin-calendars.js';
import { pinCalendar } from '../../templates/calendar-pin.js';
import { oneStopApprovalWorkflow } from '../../processes/one-stop/workflow.js';
import { applicant, applicantActor, oneStopTemplate, opener, staff } from '../support/fixtures.js';
import { dataConverterFor, HISTORY_TEST_KEYS } from '../support/payload-keys.js';
import { bundle, timeSkippingEnv } from '../support/temporal.js';
import { ClaimTemplate } from '../../processes/claim-prepayment/template.js';
import { ProduceFirstTemplate } from '../../processes/produce-first/template.js';
import { type OneStopTemplate } from '../../processes/one-stop/template.js';
import { claimPrepaymentWorkflow } from '../../processes/claim-prepayment/workflow.js';
import { filedDocument } from '../support/documents.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FORCE = process.argv.includes('--force');
const HOUR = 3600_000;

function fakeActivities(): CaseActivities {
  let n = 0;
  return {
    async pay(req) {
      return { paymentId: `pay-${req.caseId}-${req.purpose}`, caseId: req.caseId, purpose: req.purpose, amount: req.amount, payee: req.payee, paidAt: '2026-01-01T00:00:00.000Z', reference: 'fake' };
    },
    async recordRecovery({ caseId, amount, reason }) {
      return { recoveryId: `rec-${caseId}`, caseId, amount, reason, recordedAt: '2026-01-01T00:00:00.000Z' };
    },
    async projectCase() {},
    async raiseIncident() {},
    async resolveIncident() {},
    async publishCase({ view, seq, notifications }) {
      return publicationRecord(view.caseId, seq, notifications);
    },
    async issueNumber() {
      n += 1;
      return `OSA-2026-${String(n).padStart(6, '0')}`;
    },
  };
}

type Handle = WorkflowHandle<typeof oneStopApprovalWorkflow>;
type Scenario = { name: string; input: Partial<OpenCaseInput<OneStopTemplate>>; drive: (h: Handle, sleep: (ms: number) => Promise<void>) => Promise<void> };
type PfHandle = WorkflowHandle<typeof produceFirstWorkflow>;
type PfScenario = { name: string; missing?: string[]; drive: (h: PfHandle, sleep: (ms: number) => Promise<void>) => Promise<void> };
const DAY = 24 * HOUR;
/** The built-in calendar, pinned as the API pins it when a case opens. */
const builtinCalendar = loadBuiltinCalendars().find((c) => c.id === 'cn-mainland');
if (!builtinCalendar) throw new Error('no built-in calendar cn-mainland');
const cnMainland = pinCalendar(builtinCalendar, 1, Date.now());

const approve = (h: Handle, dept: string) => h.executeUpdate(decideUpdate, { args: [{ taskId: dept, outcome: 'approve', actor: staff(dept) }] });

const scenarios: Scenario[] = [
  {
    // A comment while the case waits for the supplement; every update publishes the case.
    name: 'commented-while-awaiting-supplement',
    input: {},
    drive: async (h, sleep) => {
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'health', outcome: 'request-info', requestedDocuments: ['floor plan'], actor: staff('health') }] });
      await h.executeUpdate(addCommentUpdate, { args: [{ text: 'asked for the floor plan', taskId: 'health', actor: staff('health') }] });
      await sleep(HOUR);
      await h.executeUpdate(supplementUpdate, { args: [{ documents: [filedDocument('floor plan')], actor: applicantActor }] });
      for (const d of ['market-regulation', 'health', 'ecology']) await approve(h, d);
    },
  },
  {
    name: 'task-work-claim-assign-comment',
    input: {},
    drive: async (h, sleep) => {
      const hu = staff('health', 'hu');
      const chief = staff('health', 'chief', ['supervisor']);
      await h.executeUpdate(claimTaskUpdate, { args: [{ taskId: 'health', actor: hu }] });
      await h.executeUpdate(addCommentUpdate, { args: [{ text: 'waiting on the lab', taskId: 'health', actor: hu }] });
      await sleep(2 * HOUR);
      await h.executeUpdate(releaseTaskUpdate, { args: [{ taskId: 'health', actor: chief }] });
      await h.executeUpdate(assignTaskUpdate, { args: [{ taskId: 'health', actor: chief, assignee: { sub: 'lin', name: 'Lin Fang' } }] });
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'health', outcome: 'request-info', requestedDocuments: ['lab report'], actor: staff('health', 'lin') }] });
      await sleep(HOUR);
      await h.executeUpdate(supplementUpdate, { args: [{ documents: [filedDocument('lab report')], actor: applicantActor }] });
      for (const d of ['market-regulation', 'health', 'ecology']) await h.executeUpdate(decideUpdate, { args: [{ taskId: d, outcome: 'approve', actor: d === 'health' ? staff('health', 'lin') : staff(d) }] });
    },
  },
  {
    name: 'approved-with-follow-ups',
    input: { template: oneStopTemplate({ followUps: [{ dept: 'power-grid', title: 'Prioritised electricity supply' }] }) },
    drive: async (h) => {
      for (const d of ['market-regulation', 'health', 'ecology']) await approve(h, d);
    },
  },
  {
    name: 'request-info-supplement-escalations',
    input: {},
    drive: async (h, sleep) => {
      await sleep(13 * HOUR); // market-regulation reminder at 12 h
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'health', outcome: 'request-info', requestedDocuments: ['floor plan'], comment: 'plan', actor: staff('health') }] });
      await sleep(5 * HOUR);
      await h.executeUpdate(supplementUpdate, { args: [{ documents: [filedDocument('floor plan')], actor: applicantActor }] });
      await sleep(8 * HOUR); // supervisor and command-centre steps of market-regulation, reminders of the rest
      for (const d of ['market-regulation', 'health', 'ecology']) await approve(h, d);
    },
  },
  {
    name: 'deemed-approved-at-deadline',
    input: { template: oneStopTemplate({ onDeadline: 'deem-approved' }) },
    drive: async (h, sleep) => {
      await approve(h, 'health');
      await sleep(49 * HOUR);
    },
  },
  {
    name: 'breached-then-approved',
    input: {},
    drive: async (h, sleep) => {
      await sleep(50 * HOUR);
      for (const d of ['market-regulation', 'health', 'ecology']) await approve(h, d);
    },
  },
  {
    name: 'rejected',
    input: {},
    drive: async (h) => {
      await approve(h, 'health');
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'ecology', outcome: 'reject', comment: 'no discharge permit', actor: staff('ecology') }] });
    },
  },
  {
    // The applicant is told of each step; no supplement within P14D (no calendar) abandons the case.
    name: 'supplement-abandoned',
    input: {},
    drive: async (h, sleep) => {
      await approve(h, 'market-regulation');
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'health', outcome: 'request-info', requestedDocuments: ['water test'], actor: staff('health') }] });
      await sleep(15 * DAY);
    },
  },
  {
    // Working days on the built-in calendar; the supplement date passes and the clocks restart.
    name: 'working-days-supplement-resumed',
    input: {
      template: oneStopTemplate({ calendar: 'cn-mainland', sla: { workingDays: 3 }, supplementWithin: { workingDays: 2 }, onSupplementTimeout: 'resume' }),
      calendar: cnMainland,
    },
    drive: async (h, sleep) => {
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'health', outcome: 'request-info', requestedDocuments: ['water test'], actor: staff('health') }] });
      await sleep(5 * DAY);
      for (const d of ['market-regulation', 'health', 'ecology']) await approve(h, d);
    },
  },
  {
    name: 'withdrawn-while-awaiting-supplement',
    input: {},
    drive: async (h) => {
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'market-regulation', outcome: 'request-info', requestedDocuments: ['lease'], actor: staff('market-regulation') }] });
      await h.executeUpdate(withdrawUpdate, { args: [{ reason: 'site changed', actor: applicantActor }] });
    },
  },
];

const pfTemplate = ProduceFirstTemplate.parse(loadBuiltinTemplates().find((t) => t.id === 'produce-first-epidemic-supplies'));
const certificate = (qualification: string) => ({ qualification, number: `C-${qualification}`, issuer: 'Provincial authority', issuedAt: '2026-12-01', document: filedDocument(`doc://${qualification}`), actor: applicantActor });
const eligible = (h: PfHandle) => h.executeUpdate(decideUpdate, { args: [{ taskId: 'eligibility', outcome: 'approve', actor: staff('industry-it') }] });
const verify = (h: PfHandle, q: string, dept: string, outcome: 'approve' | 'reject' = 'approve') =>
  h.executeUpdate(decideUpdate, { args: [{ taskId: `verify:${q}`, outcome, comment: outcome === 'reject' ? 'illegible scan' : undefined, actor: staff(dept) }] });
const file = (h: PfHandle, q: string) => h.executeUpdate(fileCertificateUpdate, { args: [certificate(q)] });

const pfScenarios: PfScenario[] = [
  {
    // One certificate missing, filed and verified: certified.
    name: 'certified-with-one-certificate',
    missing: ['production-licence'],
    drive: async (h) => {
      await eligible(h);
      await file(h, 'production-licence');
      await verify(h, 'production-licence', 'market-regulation');
    },
  },
  {
    name: 'certified-after-suspension-and-reinstatement',
    drive: async (h, sleep) => {
      await eligible(h);
      await file(h, 'production-licence');
      await verify(h, 'production-licence', 'market-regulation');
      await sleep(23 * DAY); // inspection report: reminders at 8 and 14 days, overdue at 15, suspended at 22
      await file(h, 'product-inspection-report');
      await verify(h, 'product-inspection-report', 'market-regulation', 'reject');
      await file(h, 'product-inspection-report');
      await verify(h, 'product-inspection-report', 'market-regulation');
      await file(h, 'medical-device-registration');
      await verify(h, 'medical-device-registration', 'drug-administration');
    },
  },
  {
    name: 'revoked-after-suspension',
    missing: ['product-inspection-report'],
    drive: async (h, sleep) => {
      await eligible(h);
      await sleep(60 * DAY);
    },
  },
  {
    // Withdrawn once the provisional permit (and its number) is issued.
    name: 'withdrawn-while-provisional',
    missing: ['production-licence'],
    drive: async (h) => {
      await eligible(h);
      await h.executeUpdate(withdrawUpdate, { args: [{ reason: 'moved production elsewhere', actor: applicantActor }] });
    },
  },
  {
    name: 'eligibility-rejected',
    drive: async (h) => {
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'eligibility', outcome: 'reject', comment: 'no production capacity', actor: staff('industry-it') }] });
    },
  },
  {
    name: 'eligibility-request-info-then-withdrawn',
    drive: async (h, sleep) => {
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'eligibility', outcome: 'request-info', requestedDocuments: ['capacity proof'], actor: staff('industry-it') }] });
      await sleep(2 * DAY);
      await h.executeUpdate(supplementUpdate, { args: [{ documents: [filedDocument('capacity proof')], actor: applicantActor }] });
      await eligible(h);
      await h.executeUpdate(withdrawUpdate, { args: [{ reason: 'line closed', actor: applicantActor }] });
    },
  },
];

type ClaimHandle = WorkflowHandle<typeof claimPrepaymentWorkflow>;
type ClaimScenario = { name: string; claimed: number; drive: (h: ClaimHandle, sleep: (ms: number) => Promise<void>) => Promise<void> };
const claimTemplate = ClaimTemplate.parse(loadBuiltinTemplates().find((t) => t.id === 'liability-claim-fast-channel'));
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const claimDecide = (h: ClaimHandle, taskId: string, dept: string, outcome: 'approve' | 'reject', amount?: number, sub?: string) =>
  h.executeUpdate(decideUpdate, {
    args: [{ taskId, outcome, comment: outcome === 'reject' ? 'not covered' : undefined, ...(amount !== undefined ? { amount: cny(amount) } : {}), actor: staff(dept, sub) }],
  });

const claimScenarios: ClaimScenario[] = [
  {
    name: 'prepaid-with-approval-then-recovery',
    claimed: 50_000_000,
    drive: async (h, sleep) => {
      await claimDecide(h, 'acknowledge', 'claims-desk', 'approve');
      await sleep(30 * HOUR); // prepayment ladder: reminder at 24 h
      await claimDecide(h, 'prepayment', 'claims-adjusting', 'approve', 20_000_000);
      await claimDecide(h, 'prepayment-approval', 'claims-supervision', 'approve');
      await claimDecide(h, 'assessment', 'claims-adjusting', 'approve', 15_000_000);
    },
  },
  {
    name: 'prepaid-below-threshold-then-remainder-paid',
    claimed: 8_000_000,
    drive: async (h) => {
      await claimDecide(h, 'acknowledge', 'claims-desk', 'approve');
      await claimDecide(h, 'prepayment', 'claims-adjusting', 'approve', 4_000_000);
      await claimDecide(h, 'assessment', 'claims-adjusting', 'approve', 7_000_000);
    },
  },
  {
    name: 'approval-refused-prepayment-declined-breached-settled-zero',
    claimed: 50_000_000,
    drive: async (h, sleep) => {
      await claimDecide(h, 'acknowledge', 'claims-desk', 'approve');
      await claimDecide(h, 'prepayment', 'claims-adjusting', 'approve', 25_000_000);
      await claimDecide(h, 'prepayment-approval', 'claims-supervision', 'reject');
      await claimDecide(h, 'prepayment', 'claims-adjusting', 'reject');
      await sleep(31 * 24 * HOUR);
      await claimDecide(h, 'assessment', 'claims-adjusting', 'reject');
    },
  },
  {
    name: 'not-acknowledged-in-time-then-rejected',
    claimed: 1_000_000,
    drive: async (h, sleep) => {
      await sleep(25 * HOUR);
      await claimDecide(h, 'acknowledge', 'claims-desk', 'reject');
    },
  },
];

const env = await timeSkippingEnv();
const workflowBundle = await bundle();
const historyDataConverter = dataConverterFor(HISTORY_TEST_KEYS);
// The environment's own client encrypts with this run's random key; recordings need plain or the
// fixed key. Time-skipping clients, so that waiting for a result lets the server skip time.
const clients = {
  plain: new TimeSkippingWorkflowClient({ connection: env.connection, namespace: env.namespace }),
  encrypted: new TimeSkippingWorkflowClient({ connection: env.connection, namespace: env.namespace, dataConverter: historyDataConverter }),
};
type Variant = keyof typeof clients;
const VARIANTS: Variant[] = ['plain', 'encrypted'];

async function record(dir: string, name: string, workflow: Workflow, input: OpenCaseInput, drive: (h: any) => Promise<void>, variant: Variant): Promise<void> {
  const out = path.join(HERE, dir, `${name}${variant === 'encrypted' ? '.encrypted' : ''}.json`);
  if (existsSync(out) && !FORCE) {
    console.log(`kept ${path.relative(process.cwd(), out)} (recorded earlier; histories are never rewritten)`);
    return;
  }
  mkdirSync(path.dirname(out), { recursive: true });
  const taskQueue = `record-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities: fakeActivities(),
    ...(variant === 'encrypted' ? { dataConverter: historyDataConverter } : {}),
  });
  await worker.runUntil(async () => {
    const h = await clients[variant].start(workflow, { taskQueue, workflowId: input.caseId, args: [input] });
    await drive(h);
    await h.result();
    writeFileSync(out, historyToJSON(await h.fetchHistory()));
    console.log(`recorded ${path.relative(process.cwd(), out)}`);
  });
}

try {
  for (const s of scenarios) for (const variant of VARIANTS) {
    const caseId = `case-${randomUUID()}`;
    const input: OpenCaseInput<OneStopTemplate> = { caseId, template: oneStopTemplate(), templateVersion: 1, applicant, details: { product: 'masks' }, openedBy: opener, priority: false, ...s.input };
    await record('one-stop', s.name, oneStopApprovalWorkflow, input, (h) => s.drive(h, (ms) => env.sleep(ms)), variant);
  }
  for (const s of claimScenarios) for (const variant of VARIANTS) {
    const caseId = `case-${randomUUID()}`;
    const details = { policyNumber: 'PL-2020-0001', claimedAmount: cny(s.claimed), loss: { description: 'production halted by quarantine', occurredAt: '2020-02-01' } };
    const input: OpenCaseInput<ClaimTemplate> = { caseId, template: claimTemplate, templateVersion: 1, applicant, details, openedBy: opener, priority: false, calendar: cnMainland };
    await record('claim-prepayment', s.name, claimPrepaymentWorkflow, input, (h) => s.drive(h, (ms) => env.sleep(ms)), variant);
  }
  for (const s of pfScenarios) for (const variant of VARIANTS) {
    const caseId = `case-${randomUUID()}`;
    const details = { pledge: { signedBy: 'Zhang Wei', text: 'We will obtain every certificate in time.' }, products: [{ name: 'medical masks' }], missing: s.missing ?? pfTemplate.obligations.map((o) => o.qualification) };
    const input: OpenCaseInput<ProduceFirstTemplate> = { caseId, template: pfTemplate, templateVersion: 1, applicant, details, openedBy: opener, priority: false, calendar: cnMainland };
    await record('produce-first', s.name, produceFirstWorkflow, input, (h) => s.drive(h, (ms) => env.sleep(ms)), variant);
  }
} finally {
  await env.teardown();
}
