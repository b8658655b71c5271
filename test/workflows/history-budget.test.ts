/**
 * A case's history stays bounded (templates/schema.ts HistoryBudget): once it holds its template's
 * events or megabytes, the case refuses what can repeat without end (comments, task work, information
 * requests) and still takes what ends it. Time-skipping server, real activities and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { REFUSAL } from '../../common/errors.js';
import { addCommentUpdate, claimTaskUpdate } from '../../workflows/definitions.js';
import { oneStopApprovalWorkflow } from '../../workflows/one-stop.js';
import { expectRefused } from '../support/case-assertions.js';
import { caseTestFile, withCase, type CaseContext } from '../support/case-harness.js';
import { oneStopTemplate, staff } from '../support/fixtures.js';

const file = caseTestFile();
type Ctx = CaseContext<typeof oneStopApprovalWorkflow>;
const FULL = /the history of this case is full/;

/** Comments on the case until one is refused; returns how many were taken (at most `max`). */
async function commentUntilFull(c: Ctx, text: string, max: number): Promise<number> {
  for (let n = 0; n < max; n++) {
    const taken = await c.handle.executeUpdate(addCommentUpdate, { args: [{ text, actor: staff('health') }] }).then(
      () => true,
      () => false,
    );
    if (!taken) return n;
  }
  return max;
}

const historyLength = async (c: Ctx) => (await c.handle.fetchHistory()).events?.length ?? 0;

describe('a full history', () => {
  it('refuses comments, task work and information requests past its events, and the case still ends', async () => {
    const template = oneStopTemplate({ historyBudget: { events: 100, megabytes: 10 } });
    await withCase(file.deps(), oneStopApprovalWorkflow, { template, details: {} }, async (c) => {
      const taken = await commentUntilFull(c, 'still checking', 60);
      expect(taken).toBeGreaterThan(5);
      expect(taken).toBeLessThan(60);
      expect(await historyLength(c)).toBeGreaterThanOrEqual(100);

      await expectRefused(c.handle.executeUpdate(addCommentUpdate, { args: [{ text: 'one more', actor: staff('health') }] }), REFUSAL.conflict, FULL);
      await expectRefused(c.handle.executeUpdate(claimTaskUpdate, { args: [{ taskId: 'health', actor: staff('health') }] }), REFUSAL.conflict, FULL);
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

  it('refuses them past its megabytes too (every answer carries the case, so long comments fill it fast)', async () => {
    const template = oneStopTemplate({ historyBudget: { events: 20_000, megabytes: 1 } });
    await withCase(file.deps(), oneStopApprovalWorkflow, { template, details: {} }, async (c) => {
      const taken = await commentUntilFull(c, 'x'.repeat(4000), 200);
      expect(taken).toBeGreaterThan(5);
      expect(taken).toBeLessThan(200);
      const history = await c.handle.fetchHistory();
      expect(history.events?.length ?? 0).toBeLessThan(20_000);
      await expectRefused(c.handle.executeUpdate(addCommentUpdate, { args: [{ text: 'short', actor: staff('health') }] }), REFUSAL.conflict, /1 MB/);
    });
  });
});
