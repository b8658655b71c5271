/**
 * Incidents (workflows/lib/incidents.ts) on the time-skipping server with the real activities and
 * PostgreSQL: an activity that PostgreSQL refuses for good stops the case on an incident instead of
 * retrying for ever; the case refuses other requests meanwhile, its history does not grow, and an
 * admin's retry once the cause is fixed runs the activity again and the case goes on.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../common/types.js';
import { getCaseProjection } from '../../db/cases.js';
import { listIncidents } from '../../db/incidents.js';
import { decideUpdate, getCaseQuery, retryIncidentUpdate, withdrawUpdate } from '../../workflows/definitions.js';
import { oneStopApprovalWorkflow } from '../../processes/one-stop/workflow.js';
import { expectRefused } from '../support/case-assertions.js';
import { caseTestFile, withCase } from '../support/case-harness.js';
import { applicant, applicantActor, oneStopTemplate, opener, staff } from '../support/fixtures.js';
import { caseWorker } from '../support/temporal.js';
import { eventually, H } from '../support/time-assertions.js';

const f = caseTestFile();
const admin = { sub: 'root', name: 'Admin', roles: ['admin' as const] };
const template = oneStopTemplate({ departments: [{ dept: 'health', title: 'Hygiene permit' }] });

/** A PostgreSQL trigger refusing the projection of cases whose details carry `marker`, as a data exception quoting the row. */
async function refuseProjection(marker: string): Promise<{ lift(): Promise<void> }> {
  const fn = `refuse_${marker.replace(/-/g, '_')}`;
  await f.db.pool.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.view->'details'->>'marker' = '${marker}' THEN
        RAISE EXCEPTION 'refused the row of %', NEW.view->'applicant'->>'name' USING ERRCODE = '22023', DETAIL = NEW.view::text;
      END IF;
      RETURN NEW;
    END $$`);
  await f.db.pool.query(`CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  return {
    async lift() {
      await f.db.pool.query(`DROP TRIGGER ${fn} ON cases`);
      await f.db.pool.query(`DROP FUNCTION ${fn}()`);
    },
  };
}

const incidentOf = async (caseId: string) => (await listIncidents(f.db.pool, 500)).find((i) => i.caseId === caseId);

describe('incidents', () => {
  it('stops the case on a data exception, refuses requests, grows no history, and goes on after an admin retries once the cause is fixed', async () => {
    const marker = `m-${randomUUID().slice(0, 8)}`;
    const refusal = await refuseProjection(marker);
    await withCase(f.deps(), oneStopApprovalWorkflow, { template, details: { marker } }, async (c) => {
      const incident = await eventually(async () => {
        const row = await incidentOf(c.caseId);
        if (!row) throw new Error('no incident yet');
        return row;
      });
      // What failed and why, in words of our own: PostgreSQL's message and detail quote the applicant.
      expect(incident).toMatchObject({ activity: 'publishCase', code: '22023', attempts: 1, retriedBy: null });
      expect(incident.reason).toMatch(/PostgreSQL 22023 \(invalid parameter value\) refused the data/);
      expect(incident.reason).not.toContain(applicant.name);
      const live: CaseView = await c.view();
      expect(live.incident).toMatchObject({ activity: 'publishCase', code: '22023', attempts: 1 });
      expect(await getCaseProjection(f.db.pool, c.caseId)).toBeUndefined();

      // No retry for ever: a day later the history is as long as it was, and the failure is recorded without the data.
      const before = (await c.handle.fetchHistory()).events?.length ?? 0;
      await c.advanceTo(c.openedAtMs + 24 * H);
      const history = await c.handle.fetchHistory();
      expect(history.events?.length ?? 0).toBe(before);
      expect(JSON.stringify(history)).not.toContain('refused the row of');

      // Stopped: a decision is refused with the reason, and so is a retry by nobody's request... the case has one.
      await expectRefused(
        c.handle.executeUpdate(decideUpdate, { args: [{ taskId: 'health', outcome: 'approve', actor: staff('health') }] }),
        'Conflict',
        /stopped on an incident/,
      );

      // A retry while the cause is still there fails again and is counted.
      await c.handle.executeUpdate(retryIncidentUpdate, { args: [{ actor: admin }] });
      await eventually(async () => expect((await incidentOf(c.caseId))?.attempts).toBe(2));
      expect((await c.view()).incident?.attempts).toBe(2);

      // The cause fixed, a retry publishes the case and ends the incident.
      await refusal.lift();
      await c.handle.executeUpdate(retryIncidentUpdate, { args: [{ actor: admin }] });
      await eventually(async () => expect(await incidentOf(c.caseId)).toBeUndefined());
      await eventually(async () => expect((await getCaseProjection(f.db.pool, c.caseId))?.status).toBe('in-review'));
      expect((await c.view()).incident).toBeUndefined();
      await expectRefused(c.handle.executeUpdate(retryIncidentUpdate, { args: [{ actor: admin }] }), 'Conflict', /no incident/);

      const decided = await c.decide({ taskId: 'health', outcome: 'approve', actor: staff('health') });
      expect(decided.status).toBe('approved');
    });
  });

  // Last in the file: this case cannot be closed (its input itself is refused), so it is terminated.
  it('a lone surrogate that reached a workflow (bypassing the API) raises an incident at once instead of retrying for ever', async () => {
    const { env, workflowBundle, db } = f;
    const { worker, taskQueue } = await caseWorker(env, workflowBundle, db.pool);
    const caseId = `case-${randomUUID()}`;
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(oneStopApprovalWorkflow, {
        taskQueue,
        workflowId: caseId,
        args: [{ caseId, template, templateVersion: 1, applicant: { ...applicant, name: 'G \udfff' }, details: {}, openedBy: opener, priority: false }],
      });
      const row = await eventually(async () => {
        const r = await incidentOf(caseId);
        if (!r) throw new Error('no incident yet');
        return r;
      });
      expect(row).toMatchObject({ activity: 'publishCase', code: '22P02' });
      expect((await handle.query(getCaseQuery)).incident?.code).toBe('22P02');
      await expectRefused(handle.executeUpdate(withdrawUpdate, { args: [{ reason: 'x', actor: applicantActor }] }), 'Conflict', /incident/);
      await handle.terminate('test finished: the case cannot be closed');
    });
  });
});
