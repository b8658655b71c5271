/**
 * Records the histories the replay test runs against (`npm run record:histories`). Run it when a
 * new workflow version ships, and commit the new files beside the old ones: the old files are what
 * proves that cases started under earlier code still replay. Never regenerate old files in place.
 *
 * Each scenario drives one case through a path on the time-skipping server, with in-memory fake
 * activities (only the workflow's command sequence matters to a history).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import type { CaseActivities } from '../../activities/index.js';
import { decideUpdate, supplementUpdate, withdrawUpdate, type OpenCaseInput } from '../../workflows/definitions.js';
import type { oneStopApprovalWorkflow } from '../../workflows/one-stop.js';
import { applicant, applicantActor, oneStopTemplate, opener, staff } from '../support/fixtures.js';
import { bundle, timeSkippingEnv } from '../support/temporal.js';
import type { OneStopTemplate } from '../../templates/schema.js';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'one-stop');
const HOUR = 3600_000;

function fakeActivities(): CaseActivities {
  let n = 0;
  return {
    async notify() {},
    async projectCase() {},
    async issueNumber() {
      n += 1;
      return `OSA-2026-${String(n).padStart(6, '0')}`;
    },
  };
}

type Handle = WorkflowHandle<typeof oneStopApprovalWorkflow>;
type Scenario = { name: string; input: Partial<OpenCaseInput<OneStopTemplate>>; drive: (h: Handle, sleep: (ms: number) => Promise<void>) => Promise<void> };

const approve = (h: Handle, dept: string) => h.executeUpdate(decideUpdate, { args: [{ taskId: dept, outcome: 'approve', actor: staff(dept) }] });

const scenarios: Scenario[] = [
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
      await h.executeUpdate(supplementUpdate, { args: [{ documents: [{ name: 'floor plan', ref: 'doc://plan' }], actor: applicantActor }] });
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
    name: 'withdrawn-while-awaiting-supplement',
    input: {},
    drive: async (h) => {
      await h.executeUpdate(decideUpdate, { args: [{ taskId: 'market-regulation', outcome: 'request-info', requestedDocuments: ['lease'], actor: staff('market-regulation') }] });
      await h.executeUpdate(withdrawUpdate, { args: [{ reason: 'site changed', actor: applicantActor }] });
    },
  },
];

const env = await timeSkippingEnv();
const workflowBundle = await bundle();
mkdirSync(OUT, { recursive: true });
try {
  for (const s of scenarios) {
    const taskQueue = `record-${randomUUID()}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: fakeActivities() });
    await worker.runUntil(async () => {
      const caseId = `case-${randomUUID()}`;
      const input: OpenCaseInput<OneStopTemplate> = { caseId, template: oneStopTemplate(), templateVersion: 1, applicant, details: { product: 'masks' }, openedBy: opener, priority: false, ...s.input };
      const h: Handle = await env.client.workflow.start<typeof oneStopApprovalWorkflow>('oneStopApprovalWorkflow', { taskQueue, workflowId: caseId, args: [input] });
      await s.drive(h, (ms) => env.sleep(ms));
      await h.result();
      const file = path.join(OUT, `${s.name}.json`);
      writeFileSync(file, historyToJSON(await h.fetchHistory()));
      console.log(`recorded ${path.relative(process.cwd(), file)}`);
    });
  }
} finally {
  await env.teardown();
}
