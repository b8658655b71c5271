/**
 * The one harness of the workflow tests: opens a case of any process on a worker of its own (real
 * activities and PostgreSQL, on the time-skipping server), hands the test a context, and closes the
 * case afterwards if it is still open. It is closed through the process (withdrawn, or whatever
 * `close` does), not terminated: the time-skipping server keeps the timers of a terminated run and
 * then no longer skips time for later tests.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { PaymentsAdapter } from '../../activities/payments.js';
import type { CaseView } from '../../common/types.js';
import type { PinnedCalendar } from '../../common/working-time.js';
import { loadBuiltinCalendars } from '../../templates/builtin-calendars.js';
import { pinCalendar } from '../../templates/calendar-pin.js';
import { getPublishedCase } from '../../db/cases.js';
import { notificationsOfCase, type OutboxRow } from '../../db/notifications.js';
import type { Pool } from '../../db/pool.js';
import type { UpdateDefinition } from '@temporalio/common';
import { decideUpdate, getCaseQuery, withdrawUpdate, type CaseInput, type CaseReceipt, type DecisionInput } from '../../workflows/definitions.js';
import { applicant, applicantActor, opener } from './fixtures.js';
import { afterAll, beforeAll, inject } from 'vitest';
import { freshDatabase, type TestDatabase } from './db.js';
import { bundle, caseWorker, timeSkippingEnv } from './temporal.js';

/** A case workflow function (the three processes share this signature). */
type CaseWorkflow = (input: CaseInput<never, never>) => Promise<CaseView>;

export interface HarnessDeps {
  env: TestWorkflowEnvironment;
  workflowBundle: WorkflowBundleWithSourceMap;
  pool: Pool;
}

export interface CaseContext<W extends CaseWorkflow> {
  caseId: string;
  handle: WorkflowHandle<W>;
  openedAtMs: number;
  view(): Promise<CaseView>;
  /** Moves the test server's clock to the absolute instant `ms` (never backwards). */
  advanceTo(ms: number): Promise<void>;
  decide(d: DecisionInput, updateId?: string): Promise<CaseView>;
  /**
   * Sends an update and returns the case as it left it: updates answer with a receipt
   * (workflows/definitions.ts), so the case is then queried, which moves no time.
   */
  update<I>(def: UpdateDefinition<CaseReceipt, [I]>, input: I, updateId?: string): Promise<CaseView>;
  /** Runs `fn` and returns its value with the server's clock read before and after it. */
  timed<T>(fn: () => Promise<T>): Promise<{ value: T; before: number; after: number }>;
  /**
   * The case's outbox without the applicant's progress notices (see `notices`), so that a test of a
   * ladder or a stop counts what it is about.
   */
  outbox(): Promise<OutboxRow[]>;
  /** What the applicant was told of its case's progress. */
  notices(): Promise<OutboxRow[]>;
}

export interface CaseOptions<W extends CaseWorkflow> {
  template: Parameters<W>[0]['template'];
  details: Record<string, unknown>;
  /** Replaces the PostgreSQL ledger as the payments adapter of this case's worker. */
  payments?: PaymentsAdapter;
  /** The calendar the case pins; by default the built-in one the template names, pinned as the API does. */
  calendar?: PinnedCalendar;
  /** Closes a case the test left open (default: the applicant withdraws it). */
  close?: (c: CaseContext<W>) => Promise<void>;
}

/**
 * What the API relies on to answer an update (publication/after-update.ts): by the time the update's
 * receipt arrives, the projection row it names has been written (by the same workflow task).
 */
export async function expectPublished(pool: Pool, receipt: CaseReceipt): Promise<void> {
  const published = await getPublishedCase(pool, receipt.caseId);
  if (!published || published.seq < receipt.seq) {
    throw new Error(`update receipt names publication ${receipt.seq} of ${receipt.caseId}, but the projection holds ${published?.seq ?? 'nothing'}`);
  }
}

const withdraw = async <W extends CaseWorkflow>(c: CaseContext<W>) => {
  await c.handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'test finished', actor: applicantActor }] });
};

export async function withCase<W extends CaseWorkflow>(
  deps: HarnessDeps,
  workflow: W,
  opts: CaseOptions<W>,
  body: (c: CaseContext<W>) => Promise<void>,
): Promise<void> {
  const { env, workflowBundle, pool } = deps;
  const { worker, taskQueue } = await caseWorker(env, workflowBundle, pool, opts.payments);
  const caseId = `case-${randomUUID()}`;
  await worker.runUntil(async () => {
    const input = {
      caseId,
      template: opts.template,
      templateVersion: 1,
      applicant,
      details: opts.details,
      openedBy: opener,
      priority: false,
      ...calendarFor(opts),
    };
    const handle = (await env.client.workflow.start(workflow, { taskQueue, workflowId: caseId, args: [input] as Parameters<W> })) as WorkflowHandle<W>;
    const opened = await handle.query(getCaseQuery);
    const c: CaseContext<W> = {
      caseId,
      handle,
      openedAtMs: Date.parse(opened.openedAt),
      view: () => handle.query(getCaseQuery),
      async advanceTo(ms) {
        const delta = ms - (await env.currentTimeMs());
        if (delta > 0) await env.sleep(delta);
      },
      decide: (d, updateId) => c.update(decideUpdate, d, updateId),
      async update(def, input, updateId) {
        const receipt = await handle.executeUpdate(def, { args: [input], ...(updateId ? { updateId } : {}) });
        await expectPublished(pool, receipt);
        return handle.query(getCaseQuery);
      },
      async timed(fn) {
        const before = await env.currentTimeMs();
        const value = await fn();
        return { value, before, after: await env.currentTimeMs() };
      },
      outbox: async () => (await notificationsOfCase(pool, caseId)).filter((r) => !isProgressNotice(r)),
      notices: async () => (await notificationsOfCase(pool, caseId)).filter(isProgressNotice),
    };
    try {
      await body(c);
    } finally {
      if ((await handle.describe()).status.name === 'RUNNING') {
        // Closed, then awaited to completion (the run publishes once more after the update returns).
        const closed = await (opts.close ?? withdraw)(c).then(
          () => true,
          () => false,
        );
        if (closed) await handle.result();
        else await handle.terminate('test finished'); // the last resort: see the caveat above
      }
    }
  });
}

/** Notices that tell the applicant how its case goes. */
const PROGRESS_KINDS = new Set(['case-opened', 'task-decided', 'info-requested', 'supplement-reminder', 'supplement-timeout', 'prepayment', 'settlement']);
const isProgressNotice = (r: OutboxRow) => PROGRESS_KINDS.has(r.kind) || (r.kind === 'obligation-overdue' && r.recipientRole === 'applicant');

/** The calendar a case of this template pins: the one given, or the built-in one the template names. */
function calendarFor(opts: { template: { calendar?: string | undefined }; calendar?: PinnedCalendar }): { calendar?: PinnedCalendar } {
  if (opts.calendar) return { calendar: opts.calendar };
  const id = opts.template.calendar;
  if (!id) return {};
  const builtin = loadBuiltinCalendars().find((c) => c.id === id);
  if (!builtin) throw new Error(`no built-in calendar ${id}`);
  return { calendar: pinCalendar(builtin, 1, Date.now()) };
}

/**
 * What a workflow test file shares: one time-skipping server, one bundle and one database, made
 * before its tests and removed after them. Fields are set once `beforeAll` has run.
 */
export function caseTestFile(): { env: TestWorkflowEnvironment; workflowBundle: WorkflowBundleWithSourceMap; db: TestDatabase; deps: () => HarnessDeps } {
  const f = {} as ReturnType<typeof caseTestFile>;
  f.deps = () => ({ env: f.env, workflowBundle: f.workflowBundle, pool: f.db.pool });
  beforeAll(async () => {
    [f.env, f.workflowBundle, f.db] = await Promise.all([timeSkippingEnv(), bundle(), freshDatabase(inject('databaseUrl'))]);
  });
  afterAll(async () => {
    await f.env?.teardown();
    await f.db?.drop();
  });
  return f;
}
