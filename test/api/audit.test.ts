/**
 * What auditors need beyond the timeline: the raw history, an archive that outlives Temporal's
 * retention, and a check that what is kept has not been altered. Real stack; the archiver's unit of
 * work (`archiveClosedCases`) is called directly instead of waiting for its interval.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, expect, inject, test, vi } from 'vitest';
import type { Actor } from '../../common/types.js';
import { archiveClosedCases } from '../../workers/archiver.js';
import { applicant, staff } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;
const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

async function approvedCase(): Promise<string> {
  const opened = await call('POST', '/v1/cases', { as: opener, body: { templateId: 'mask-line-fast-track', templateVersion: 1, applicant, details: {} } });
  expect(opened.status).toBe(201);
  for (const t of opened.body.tasks) {
    const r = await call('POST', `/v1/cases/${opened.body.caseId}/tasks/${t.taskId}/decision`, { as: staff(t.dept), body: { outcome: 'approve' } });
    expect(r.status).toBe(200);
  }
  await stack.client.workflow.getHandle(opened.body.caseId).result();
  return opened.body.caseId;
}

/** Archives until `caseId` is archived (the projection may lag the workflow by a moment). */
async function archive(caseId: string): Promise<void> {
  await vi.waitFor(
    async () => {
      await archiveClosedCases(stack.db.pool, stack.client, silent);
      const { rowCount } = await stack.db.pool.query('SELECT 1 FROM archived_cases WHERE case_id = $1', [caseId]);
      expect(rowCount).toBe(1);
    },
    { timeout: 15_000, interval: 200 },
  );
}

test('raw history, archive, verification, tampering; archived cases read from the archive', async () => {
  const caseId = await approvedCase();
  const open = await call('POST', '/v1/cases', { as: opener, body: { templateId: 'mask-line-fast-track', applicant, details: {} } });

  const fromTemporal = await call('GET', `/v1/cases/${caseId}/history/raw`, { as: auditor });
  expect(fromTemporal.status).toBe(200);
  expect(fromTemporal.headers.get('x-history-source')).toBe('temporal');
  expect(fromTemporal.body.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
  expect(fromTemporal.body.events.at(-1).eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
  const timelineBefore = (await call('GET', `/v1/cases/${caseId}/history`, { as: auditor })).body;

  const notYet = await call('GET', `/v1/cases/${caseId}/audit/verify`, { as: auditor });
  expect(notYet.status).toBe(409);
  expect(notYet.body.detail).toMatch(/not archived yet/);
  expect((await call('GET', `/v1/cases/${caseId}/history/raw`, { as: opener })).status).toBe(403);

  await archive(caseId);
  // Open cases are not archived; archiving again changes nothing.
  const { rows: archivedIds } = await stack.db.pool.query('SELECT case_id FROM archived_cases');
  expect(archivedIds.map((r) => r.case_id)).not.toContain(open.body.caseId);
  const { rows: before } = await stack.db.pool.query('SELECT count(*)::int AS n FROM history_archive WHERE case_id = $1', [caseId]);
  await archiveClosedCases(stack.db.pool, stack.client, silent);
  const { rows: after } = await stack.db.pool.query('SELECT count(*)::int AS n FROM history_archive WHERE case_id = $1', [caseId]);
  expect(after[0].n).toBe(before[0].n);

  const verified = await call('GET', `/v1/cases/${caseId}/audit/verify`, { as: auditor });
  expect(verified.status).toBe(200);
  expect(verified.body).toMatchObject({
    valid: true,
    entries: fromTemporal.body.events.length,
    headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    brokenAt: null,
  });

  const fromArchive = await call('GET', `/v1/cases/${caseId}/history/raw`, { as: auditor });
  expect(fromArchive.headers.get('x-history-source')).toBe('archive');
  expect(fromArchive.body).toEqual(fromTemporal.body);

  // Once archived, the case and its timeline are read from PostgreSQL alone (Temporal may forget it).
  expect((await call('GET', `/v1/cases/${caseId}`, { as: auditor })).body.status).toBe('approved');
  const timelineAfter = await call('GET', `/v1/cases/${caseId}/history`, { as: auditor });
  expect(timelineAfter.status, JSON.stringify(timelineAfter.body)).toBe(200);
  expect(timelineAfter.headers.get('x-history-source')).toBe('archive');
  expect(timelineAfter.body).toEqual(timelineBefore);
  expect((await call('GET', `/v1/cases/${caseId}/history/raw`, { as: auditor })).body).toEqual(fromTemporal.body);

  // Any alteration of what is kept breaks the chain where it happened.
  await stack.db.pool.query(
    `UPDATE history_archive SET event = jsonb_set(event, '{eventTime}', '"2020-01-01T00:00:00Z"') WHERE case_id = $1 AND event_id = 3`,
    [caseId],
  );
  expect((await call('GET', `/v1/cases/${caseId}/audit/verify`, { as: auditor })).body).toMatchObject({ valid: false, brokenAt: 3 });

  // So does cutting its end off, even with the links before it intact.
  const other = await approvedCase();
  await archive(other);
  const { rows: kept } = await stack.db.pool.query('SELECT count(*)::int AS n FROM history_archive WHERE case_id = $1', [other]);
  await stack.db.pool.query('DELETE FROM history_archive WHERE case_id = $1 AND event_id = (SELECT max(event_id) FROM history_archive WHERE case_id = $1)', [
    other,
  ]);
  const cut = await call('GET', `/v1/cases/${other}/audit/verify`, { as: auditor });
  expect(cut.body.valid).toBe(false);
  expect(cut.body.entries).toBe(kept[0].n - 1);
});
