/**
 * What a case writes into its Temporal history, on the time-skipping server with real activities and
 * PostgreSQL: a case asks no patch and keeps one timer (workflows/lib/case-runtime.ts), and its
 * history stays bounded (templates/schema.ts HistoryBudget): once it holds its template's events or
 * megabytes, the case refuses what can repeat without end (comments, task work, information requests)
 * and still takes what ends it.
 */
import { describe, expect, it } from 'vitest';
import { REFUSAL } from '../../common/errors.js';
import { randomUUID } from 'node:crypto';
import { getPublishedCase } from '../../db/cases.js';
import { addCommentUpdate, claimTaskUpdate, decideUpdate, withdrawUpdate } from '../../workflows/definitions.js';
import { oneStopApprovalWorkflow } from '../../processes/one-stop/workflow.js';
import { expectRefused, steps } from '../support/case-assertions.js';
import { H } from '../support/time-assertions.js';
import type { temporal } from '@temporalio/proto';
import { caseTestFile, expectPublished, withCase, type CaseContext } from '../support/case-harness.js';
import { caseWorker } from '../support/temporal.js';
import { applicant, applicantActor, oneStopTemplate, opener, staff } from '../support/fixtures.js';

const file = caseTestFile();
type Ctx = CaseContext<typeof oneStopApprovalWorkflow>;
const FULL = /the history of this case is full/;

/** Comments on the case until one is refused; returns how many were taken (at most `max`). */
async function commentUntilFull(c: Ctx, text: string, max: number): Promise<number> {
  for (let n = 0; n < max; n++) {
    const taken = await c.update(addCommentUpdate, { text, actor: staff('health') }).then(
      () => true,
      () => false,
    );
    if (!taken) return n;
  }
  return max;
}

const count = (events: temporal.api.history.v1.IHistoryEvent[], attributes: keyof temporal.api.history.v1.IHistoryEvent) =>
  events.filter((e) => e[attributes]).length;

const historyLength = async (c: Ctx) => (await c.handle.fetchHistory()).events?.length ?? 0;

describe('a case', () => {
  it('asks no patch, and keeps its timer while decisions leave the nearest deadline where it was', async () => {
    // Every department on the case's SLA: their first ladder steps (the reminder at half of it) coincide.
    const template = oneStopTemplate({
      departments: [
        { dept: 'market-regulation', title: 'Business licence' },
        { dept: 'health', title: 'Hygiene permit' },
        { dept: 'ecology', title: 'Environmental filing' },
      ],
    });
    await withCase(file.deps(), oneStopApprovalWorkflow, { template, details: {} }, async (c) => {
      await c.decide({ taskId: 'market-regulation', outcome: 'approve', actor: staff('market-regulation') });
      await c.decide({ taskId: 'health', outcome: 'approve', actor: staff('health') });
      let events = (await c.handle.fetchHistory()).events ?? [];
      // No patch marker, and no upsert of the TemporalChangeVersion search attribute that comes with one.
      expect(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
      const upserted = events.flatMap((e) => Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}));
      expect(upserted.length).toBeGreaterThan(0);
      expect(upserted).not.toContain('TemporalChangeVersion');
      expect(count(events, 'timerStartedEventAttributes')).toBe(1);
      expect(count(events, 'timerCanceledEventAttributes')).toBe(0);

      // Ecology's reminder fires at 24 h; the one timer then runs to its supervisor step at 36 h.
      await c.advanceTo(c.openedAtMs + 25 * H);
      expect(steps(await c.view())).toEqual([{ taskId: 'ecology', action: 'reminder', level: 1 }]);
      await c.decide({ taskId: 'ecology', outcome: 'approve', actor: staff('ecology') });
      expect((await c.handle.result()).status).toBe('approved');
      events = (await c.handle.fetchHistory()).events ?? [];
      expect(count(events, 'timerStartedEventAttributes')).toBe(2);
      expect(count(events, 'timerFiredEventAttributes')).toBe(1);
      expect(count(events, 'timerCanceledEventAttributes')).toBe(0); // the case completes with its timer pending
    });
  });
});

describe('update receipts', () => {
  it('name a publication already written, even for an update that arrives with the start', async () => {
    const { env, workflowBundle, pool } = file.deps();
    const { worker, taskQueue } = await caseWorker(env, workflowBundle, pool);
    const caseId = `case-${randomUUID()}`;
    const input = { caseId, template: oneStopTemplate(), templateVersion: 1, applicant, details: {}, openedBy: opener, priority: false };
    const handle = await env.client.workflow.start(oneStopApprovalWorkflow, { taskQueue, workflowId: caseId, args: [input] });
    // Sent before any worker polls: the first workflow task carries the start and the update together,
    // and the decision's handler resumes after the main loop has begun publishing the opened case.
    const decided = handle.executeUpdate(decideUpdate, { args: [{ taskId: 'health', outcome: 'approve', actor: staff('health') }] });
    await worker.runUntil(async () => {
      const receipt = await decided;
      await expectPublished(pool, receipt);
      const published = await getPublishedCase(pool, caseId);
      expect(published?.view.tasks.find((t) => t.taskId === 'health')?.outcome).toBe('approve');
      await handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'test finished', actor: applicantActor }] });
      await handle.result();
    });
  });
});

describe('a full history', () => {
  it('refuses comments, task work and information requests past its events, and the case still ends', async () => {
    const template = oneStopTemplate({ historyBudget: { events: 100, megabytes: 10 } });
    await withCase(file.deps(), oneStopApprovalWorkflow, { template, details: {} }, async (c) => {
      const taken = await commentUntilFull(c, 'still checking', 60);
      expect(taken).toBeGreaterThan(5);
      expect(taken).toBeLessThan(60);
      expect(await historyLength(c)).toBeGreaterThanOrEqual(100);

      await expectRefused(c.update(addCommentUpdate, { text: 'one more', actor: staff('health') }), REFUSAL.conflict, FULL);
      await expectRefused(c.update(claimTaskUpdate, { taskId: 'health', actor: staff('health') }), REFUSAL.conflict, FULL);
      await expectRefused(
        c.decide({ taskId: 'health', outcome: 'request-info', requestedDocuments: ['plan'], actor: staff('health') }),
        REFUSAL.conflict,
        FULL,
      );
      expect((await c.view()).comments).toHaveLength(taken);

      for (const dept of ['market-regulation', 'health', 'ecology']) await c.decide({ taskId: dept, outcome: 'approve', actor: staff(dept) });
      const closed = await c.handle.result();
      expect(closed.status).toBe('approved');
      expect(await historyLength(c)).toBeLessThan(140);
    });
  });

  it('refuses them past its megabytes too; the history grows by what each comment says, not by the whole case each time', async () => {
    const template = oneStopTemplate({ historyBudget: { events: 20_000, megabytes: 1 } });
    await withCase(file.deps(), oneStopApprovalWorkflow, { template, details: {} }, async (c) => {
      // About 5 KB of history per comment of 4,000 characters: 1 MB holds some 200 of them. When each
      // update's answer carried the whole case (its comments included), 21 filled it.
      const taken = await commentUntilFull(c, 'x'.repeat(4000), 400);
      expect(taken).toBeGreaterThan(150);
      expect(taken).toBeLessThan(250);
      const history = await c.handle.fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(20_000);
      await expectRefused(c.update(addCommentUpdate, { text: 'short', actor: staff('health') }), REFUSAL.conflict, /1 MB/);
    });
  });
});
