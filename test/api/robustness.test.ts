/**
 * What one ill-formed string, or one sick case, can no longer do, against the real stack: an opening
 * with text PostgreSQL cannot hold is refused before anything starts (the reproduction of the
 * attack: an applicant's lone surrogate), a case stopped on an incident is listed for admins and
 * retried by them, and health and readiness answer truthfully and are counted by no rate limit.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import type { Actor } from '../../common/types.js';
import { getTemplate } from '../../db/templates.js';
import { workflowTypeOf } from '../../processes/registry.js';
import { applicant, opener } from '../support/fixtures.js';
import { api, startStack, UNLIMITED, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const enterprise: Actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: applicant.creditCode };

/** Every workflow the stack's Temporal knows of (the dev server's visibility is eventually consistent: polled by the caller). */
async function workflowIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const w of stack.client.workflow.list()) ids.add(w.workflowId);
  return ids;
}

beforeAll(async () => {
  // A small limit for requests without a token: health and readiness must not count against it.
  stack = await startStack(inject('databaseUrl'), { ...UNLIMITED, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5', READY_MAX_TASK_AGE_MS: '2000' });
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('an ill-formed string at the edge', () => {
  test("the attack's opening (a lone surrogate in the applicant's name) is a 400 naming the field, and no workflow starts", async () => {
    const before = await workflowIds();
    // As the attacker sent it: valid JSON, invalid Unicode.
    const raw = `{"templateId":"mask-line-fast-track","applicant":{"creditCode":"${applicant.creditCode}","name":"G \\udfff","contact":{"name":"G","phone":"+86 591 8888 0000","email":"g@ghost.example"}},"details":{}}`;
    for (let i = 0; i < 3; i++) {
      const r = await call('POST', '/v1/cases', { as: enterprise, raw });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.errors).toEqual([{ path: 'body.applicant.name', message: expect.stringMatching(/lone UTF-16 surrogate \(U\+DFFF\)/) }]);
      expect(r.body.detail).not.toContain('G ');
    }
    // A healthy opening right after is listed at once, and is the only workflow added.
    const ok = await call('POST', '/v1/cases', { as: enterprise, body: { templateId: 'mask-line-fast-track', applicant, details: {} } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    await vi.waitFor(async () => expect([...(await workflowIds())].filter((id) => !before.has(id))).toEqual([ok.body.caseId]), { timeout: 10_000 });
    const listed = await call('GET', `/v1/cases?applicant=${applicant.creditCode}`, { as: enterprise });
    expect(listed.body.items.map((c: { caseId: string }) => c.caseId)).toContain(ok.body.caseId);
  });

  test('an opening whose first view PostgreSQL refuses past the edge is a 400, and its workflow never starts (the answer and the workflow agree)', async () => {
    // A refusal the text rule cannot foresee (here a trigger, as a constraint added later might be): a data exception quoting the row.
    await stack.db.pool.query(`CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.view->'details'->>'product' = 'refused-by-the-database' THEN
          RAISE EXCEPTION 'refused %', NEW.view->'applicant'->>'name' USING ERRCODE = '22023';
        END IF;
        RETURN NEW;
      END $$`);
    await stack.db.pool.query('CREATE TRIGGER refuse_marked BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION refuse_marked()');
    try {
      const before = await workflowIds();
      const r = await call('POST', '/v1/cases', {
        as: enterprise,
        body: { templateId: 'mask-line-fast-track', applicant, details: { product: 'refused-by-the-database' } },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.detail).toMatch(/PostgreSQL 22023/);
      expect(r.body.detail).not.toContain(applicant.name);
      // Let visibility catch up with anything that might have started, then compare.
      const marker = await call('POST', '/v1/cases', { as: enterprise, body: { templateId: 'mask-line-fast-track', applicant, details: {} } });
      await vi.waitFor(async () => expect(await workflowIds()).toContain(marker.body.caseId), { timeout: 10_000 });
      expect([...(await workflowIds())].filter((id) => !before.has(id))).toEqual([marker.body.caseId]);
    } finally {
      await stack.db.pool.query('DROP TRIGGER refuse_marked ON cases; DROP FUNCTION refuse_marked()');
    }
  });

  test('NUL and controls in the query, the path and token claims are 400 naming the field, never 500', async () => {
    const q = await call('GET', '/v1/cases?dept=health%01', { as: auditor });
    expect(q.status).toBe(400);
    expect(q.body.errors[0].path).toBe('query.dept');
    const p = await call('GET', '/v1/key-smes/%00', { as: auditor });
    expect(p.status).toBe(400);
    expect(p.body.errors[0].path).toBe('path.creditCode');
    for (const [claim, actor] of [
      ['token.dept', { ...opener, dept: 'service\u0000centre' }],
      ['token.name', { ...opener, name: 'Alice \uD800' }],
      ['token.sub', { ...opener, sub: 'alice\u0000' }],
    ] as const) {
      const r = await call('POST', '/v1/cases', { as: actor, body: { templateId: 'mask-line-fast-track', applicant, details: {} } });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.errors[0].path).toBe(claim);
    }
  });
});

describe('health and readiness', () => {
  test('are answered to any number of probes from one address, past the anonymous limit', async () => {
    for (let i = 0; i < 12; i++) {
      expect((await call('GET', '/healthz')).status).toBe(200);
      expect((await call('GET', '/readyz')).status).toBe(200);
    }
    // The limit itself still holds on the routes it counts.
    const answers = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/openapi.json')));
    expect(answers.some((a) => a.status === 429)).toBe(true);
  });

  test('readiness reports the worker; with no worker taking tasks it is 503 and says why, and ready again once one does', async () => {
    const ready = await call('GET', '/readyz');
    expect(ready.body).toMatchObject({ status: 'ready', reasons: [], temporal: 'up', database: 'up', worker: { status: 'up' } });
    expect(ready.body.worker.pollers).toBeGreaterThan(0);
    await stack.stopWorker();
    try {
      // A case opened while no worker runs leaves its first workflow task waiting.
      const opened = await call('POST', '/v1/cases', { as: opener, body: { templateId: 'mask-line-fast-track', applicant, details: {} } });
      expect(opened.status).toBe(201);
      await vi.waitFor(
        async () => {
          const r = await call('GET', '/readyz');
          expect(r.status).toBe(503);
          expect(r.body.status).toBe('not-ready');
          expect(r.body.worker.status).toBe('down');
          expect(r.body.reasons.join(' ')).toMatch(/oldest workflow task has waited|no worker polls/);
        },
        { timeout: 30_000, interval: 500 },
      );
    } finally {
      await stack.startWorker();
    }
    await vi.waitFor(async () => expect((await call('GET', '/readyz')).status).toBe(200), { timeout: 30_000, interval: 500 });
  });
});

describe('incidents', () => {
  test('a case whose data reached a workflow past the edge is listed for admins and auditors, retried by an admin only, and counted by readiness', async () => {
    // As a bug or an old client might: started directly, with a name PostgreSQL refuses.
    const stored = await getTemplate(stack.db.pool, 'mask-line-fast-track');
    const caseId = `case-${randomUUID()}`;
    const handle = await stack.client.workflow.start(workflowTypeOf('one-stop-approval'), {
      workflowId: caseId,
      taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
      args: [
        {
          caseId,
          template: stored!.body,
          templateVersion: stored!.version,
          applicant: { ...applicant, name: 'G \udfff' },
          details: {},
          openedBy: opener,
          priority: false,
        },
      ],
    });
    try {
      const listed = await vi.waitFor(
        async () => {
          const r = await call('GET', '/v1/incidents', { as: admin });
          const row = r.body.find((i: { caseId: string }) => i.caseId === caseId);
          if (!row) throw new Error('not listed yet');
          return row;
        },
        { timeout: 20_000 },
      );
      expect(listed).toMatchObject({ activity: 'publishCase', code: '22P02', attempts: 1, retriedBy: null });
      expect((await call('GET', '/v1/incidents', { as: auditor })).status).toBe(200);
      expect((await call('GET', '/v1/incidents', { as: opener })).status).toBe(403);
      expect((await call('GET', '/readyz')).body.incidents).toBeGreaterThanOrEqual(1);

      // An auditor may not retry; an admin may, and the cause still being there, it fails again and is counted.
      expect((await call('POST', `/v1/incidents/${caseId}/retry`, { as: auditor })).status).toBe(403);
      const retried = await call('POST', `/v1/incidents/${caseId}/retry`, { as: admin });
      expect(retried.status, JSON.stringify(retried.body)).toBe(202);
      await vi.waitFor(
        async () => {
          const row = (await call('GET', '/v1/incidents', { as: admin })).body.find((i: { caseId: string }) => i.caseId === caseId);
          expect(row).toMatchObject({ attempts: 2, retriedBy: 'root' });
        },
        { timeout: 20_000 },
      );
      // A case with no incident answers 409.
      const other = await call('POST', '/v1/cases', { as: opener, body: { templateId: 'mask-line-fast-track', applicant, details: {} } });
      expect((await call('POST', `/v1/incidents/${other.body.caseId}/retry`, { as: admin })).status).toBe(409);
      expect((await call('POST', `/v1/incidents/case-${randomUUID()}/retry`, { as: admin })).status).toBe(404);
    } finally {
      await handle.terminate('test finished: this case cannot be closed');
    }
  });
});
