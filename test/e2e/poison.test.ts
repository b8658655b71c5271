/**
 * The poisoned-text attack against the real stack (a Temporal dev server, PostgreSQL, the case
 * worker and the API; test/support/stack.ts). Before the text rule, an applicant token could send
 * text PostgreSQL refuses (a lone UTF-16 surrogate such as "G \udfff" in the applicant name, or the
 * same in a comment, a supplement's document name, a withdrawal reason): the projection's local
 * activity retried for ever, and with 50 such workflows the worker stopped taking workflow tasks.
 *
 * 1. Through the API: 50 poisoned openings (lone surrogates, NUL, other controls in the applicant
 *    name, contact, details; two applicant tokens) and 10 poisoned updates on existing cases (a
 *    comment, a supplement's note, a withdrawal reason, a decision's comment), interleaved with 50
 *    healthy cases opened and approved by every department. Every poisoned request is 400 naming the
 *    field. A document's name is no longer request text: it is the uploaded file's name, which the
 *    store cleans, so each case a poisoned supplement was aimed at is then supplied a document
 *    uploaded under a poisoned file name, and records it cleaned. No workflow exists that
 *    `GET /v1/cases` does not list; every healthy case is approved and projected, holding none of
 *    the attack's text; no incident; /readyz ready.
 * 2. Past the API: 20 workflows started straight through the Temporal client with a lone surrogate
 *    in the applicant name, beside 20 healthy cases through the API. The 20 raise incidents (22P02)
 *    and hold nothing: the healthy cases complete, their decisions are answered (latency printed),
 *    and the worker stops at once (time printed). The 20 are terminated at the end.
 *
 * The second test leaves workflows `GET /v1/cases` does not list (by design: their view could not be
 * projected), so it runs after the first, on the same stack.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { findTextFault } from '../../common/text-rule.js';
import type { Actor, Applicant } from '../../common/types.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, applicantActor, oneStopTemplate, staff } from '../support/fixtures.js';
import {
  betaActor,
  betaApplicant,
  healthyOpening,
  LONE_SURROGATES,
  POISONS,
  poisonedOpening,
  poisonedUpdate,
  refusalFault,
  startBypassingEdge,
  UPDATE_KINDS,
  type PoisonedRequest,
} from '../support/poison.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
/** A small one-stop process: two departments, wall-clock time, so a case is two decisions. */
const TEMPLATE_ID = 'poison-two-desks';
const DEPTS = ['health', 'ecology'];
const APPLICANTS: readonly { as: Actor; applicant: Applicant }[] = [
  { as: applicantActor, applicant },
  { as: betaActor, applicant: betaApplicant },
];
const CONCURRENCY = 4;
/** The poison a supplement's document is named with, through its upload's file name. */
const NEL = POISONS.find((p) => p.label === 'C1 NEL')!;

const applicantOf = (as: Actor) => APPLICANTS.find((a) => a.as.sub === as.sub)!.applicant;

/** Runs `task(i)` for i in [0, count), `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const pct = (samples: number[], p: number) => {
  const s = [...samples].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
};
const latency = (samples: number[]) => ({ n: samples.length, p50: pct(samples, 50), p95: pct(samples, 95), max: pct(samples, 100) });

/** Sends a poisoned request; returns why its answer is not the refusal it must be (undefined when it is). */
async function sendPoison(req: PoisonedRequest, headers: Record<string, string> = {}): Promise<string | undefined> {
  const r = await call(req.method, req.path, { as: req.as, body: req.body, headers });
  return refusalFault(req, { status: r.status, contentType: r.headers.get('content-type'), body: r.body });
}

async function post(path: string, as: Actor, body: unknown, status: number, headers: Record<string, string> = {}) {
  const r = await call('POST', path, { as, body, headers });
  expect(r.status, `POST ${path}: ${JSON.stringify(r.body)}`).toBe(status);
  return r;
}

/** Every case `GET /v1/cases` lists to an auditor, page by page. */
async function listedCaseIds(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const r = await call('GET', `/v1/cases?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as: auditor });
    expect(r.status).toBe(200);
    ids.push(...r.body.items.map((c: { caseId: string }) => c.caseId));
    cursor = r.body.nextCursor;
  } while (cursor);
  return ids;
}

async function workflowsOnTemporal(): Promise<{ id: string; status: string }[]> {
  const out: { id: string; status: string }[] = [];
  for await (const w of stack.client.workflow.list()) out.push({ id: w.workflowId, status: w.status.name });
  return out;
}

/** Cases of `ids` projected as approved and closed. */
async function projectedApproved(ids: string[]): Promise<number> {
  const { rows } = await stack.db.pool.query(
    `SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1) AND status = 'approved' AND closed_at IS NOT NULL AND view->>'status' = 'approved'`,
    [ids],
  );
  return rows[0].n;
}

async function readiness() {
  const r = await call('GET', '/readyz');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.status).toBe('ready');
  expect(['up', 'unknown']).toContain(r.body.worker.status);
  return r.body;
}

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
  const deployed = await call('POST', '/v1/templates', {
    as: admin,
    body: oneStopTemplate({ id: TEMPLATE_ID, title: 'Two desks (poison test)', departments: DEPTS.map((dept) => ({ dept, title: `${dept} permit` })) }),
  });
  expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('poisoned text', () => {
  test('a path parameter that is not percent-encoded UTF-8 is refused with 400 (it was a 500)', async () => {
    for (const [method, path, as] of [
      ['GET', '/v1/cases/%ED%BF%BF', auditor],
      ['POST', '/v1/cases/case-%ED%BF%BF/withdraw', applicantActor],
      ['GET', '/v1/templates/%FF', auditor],
    ] as const) {
      const r = await call(method, path, { as, ...(method === 'POST' ? { body: { reason: 'x' } } : {}) });
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body.errors).toEqual([{ path: 'path', message: 'not percent-encoded UTF-8' }]);
    }
  });

  test('through the API: every poisoned request is refused with 400 naming the field, nothing runs unlisted, every healthy case is approved', async () => {
    const started = performance.now();
    const faults: string[] = [];
    let refused = 0;
    const healthy: string[] = [];
    const targets = new Map<string, string>(); // case id → the kind of poisoned update it received
    const poisonNamed = new Map<string, { digest: string }>(); // case id → the document uploaded under a poisoned file name
    const decisionMs: number[] = [];
    const check = async (req: PoisonedRequest, headers?: Record<string, string>) => {
      const fault = await sendPoison(req, headers);
      if (fault) faults.push(fault);
      else refused += 1;
    };

    await inParallel(50, CONCURRENCY, async (i) => {
      // The attack: a poisoned opening under an Idempotency-Key ...
      const bad = poisonedOpening(i, TEMPLATE_ID, APPLICANTS);
      const key = `poison-open-${i}`;
      await check(bad, { 'Idempotency-Key': key });
      // ... and the same applicant's healthy opening under the same key: the refusal claimed nothing.
      const opened = await post('/v1/cases', bad.as, healthyOpening(TEMPLATE_ID, applicantOf(bad.as)), 201, { 'Idempotency-Key': key });
      expect(opened.headers.get('idempotent-replayed')).toBeNull();
      const caseId: string = opened.body.caseId;
      healthy[i] = caseId;

      // Every fifth case also receives one of the 10 poisoned updates, while it is open.
      const kind = i % 5 === 0 ? UPDATE_KINDS[i / 5] : undefined;
      if (kind) {
        targets.set(caseId, kind);
        if (kind === 'supplement') {
          // Where a supplement is awaited, so that only the text stands between it and the case.
          const asked = await post(
            `/v1/cases/${caseId}/tasks/health/decision`,
            staff('health'),
            { outcome: 'request-info', requestedDocuments: ['floor plan'] },
            200,
          );
          expect(asked.body.status).toBe('awaiting-supplement');
        }
        // A supplement names the applicant's own upload, so that only its note's text is wrong.
        const documents = kind === 'supplement' ? [await uploadDocument(stack.baseUrl, bad.as, `floor-plan-${i}`)] : [];
        await check(poisonedUpdate(kind, i / 5, caseId, 'health', staff('health'), bad.as, documents));
        if (kind === 'supplement') {
          // A document's name reaches a case only as the uploaded file's name, which the store cleans:
          // a file named with a control character (the C1 NEL, which a multipart part header carries
          // as it is) is filed, and the case records its name without it.
          const named = await uploadDocument(stack.baseUrl, bad.as, `floor plan ${i} ${NEL.text}`);
          poisonNamed.set(caseId, named);
          const filed = await post(`/v1/cases/${caseId}/supplements`, bad.as, { documents: [named] }, 200);
          expect(filed.body.status).toBe('in-review');
          expect(filed.body.supplements[0].documents).toEqual([
            { digest: named.digest, name: `floor plan ${i} AcmeLtd.pdf`, mediaType: 'application/pdf', size: expect.any(Number) },
          ]);
          expect(filed.body.supplements[0].documents[0].size).toBeGreaterThan(0);
          expect(findTextFault(filed.body.supplements[0].documents[0], 'document')).toBeUndefined();
        }
      }
      for (const dept of DEPTS) {
        const t = performance.now();
        await post(`/v1/cases/${caseId}/tasks/${dept}/decision`, staff(dept), { outcome: 'approve', comment: `${dept} ok` }, 200);
        decisionMs.push(performance.now() - t);
      }
    });

    expect(faults).toEqual([]);
    expect(refused).toBe(60);
    expect(targets.size).toBe(10);
    expect(poisonNamed.size).toBe([...targets.values()].filter((k) => k === 'supplement').length);

    // Every healthy case approved, projected, and holding none of the attack's text.
    await waitFor(
      () => projectedApproved(healthy),
      (n) => n === healthy.length,
      30_000,
    );
    for (const caseId of healthy) {
      const view = (await call('GET', `/v1/cases/${caseId}`, { as: auditor })).body;
      expect(view.status, caseId).toBe('approved');
      expect(view.decision.number).toMatch(/^OSA-\d{4}-\d{6}$/);
      expect(view.comments, caseId).toEqual([]);
      expect(view.supplements.length, caseId).toBe(targets.get(caseId) === 'supplement' ? 1 : 0);
      if (poisonNamed.has(caseId))
        expect(
          view.supplements[0].documents.map((d: any) => d.digest),
          caseId,
        ).toEqual([poisonNamed.get(caseId)!.digest]);
      expect(findTextFault(view, 'view'), caseId).toBeUndefined();
    }

    // No workflow runs unlisted: Temporal holds exactly the cases GET /v1/cases lists, all completed.
    const onTemporal = await waitFor(workflowsOnTemporal, (ws) => ws.filter((w) => w.status === 'COMPLETED').length >= healthy.length);
    const listed = await listedCaseIds();
    expect(onTemporal.map((w) => w.id).sort()).toEqual([...listed].sort());
    expect([...listed].sort()).toEqual([...healthy].sort());
    expect(onTemporal.filter((w) => w.status !== 'COMPLETED')).toEqual([]);
    const { rows } = await stack.db.pool.query('SELECT count(*)::int AS n FROM cases');
    expect(rows[0].n).toBe(healthy.length);

    const incidents = await call('GET', '/v1/incidents', { as: admin });
    expect(incidents.status).toBe(200);
    expect(incidents.body).toEqual([]);
    const ready = await readiness();
    expect(ready.incidents).toBe(0);

    console.log(
      'poison through the API',
      JSON.stringify({
        refused,
        healthy: healthy.length,
        decisions: latency(decisionMs),
        worker: ready.worker,
        seconds: ((performance.now() - started) / 1000).toFixed(1),
      }),
    );
  });

  test('past the API: 20 poisoned workflows raise incidents (22P02) and hold nothing; healthy cases complete and the worker stops at once', async () => {
    const bad: string[] = [];
    const ownerOf = new Map<string, Actor>();
    const healthy: string[] = [];
    const openMs: number[] = [];
    const decisionMs: number[] = [];
    const deps = { client: stack.client, pool: stack.db.pool, taskQueue: stack.config.TEMPORAL_TASK_QUEUE };

    await inParallel(20, CONCURRENCY, async (i) => {
      const who = APPLICANTS[i % APPLICANTS.length]!;
      const poison = LONE_SURROGATES[i % LONE_SURROGATES.length]!;
      const badId = await startBypassingEdge(deps, { templateId: TEMPLATE_ID, openedBy: who.as, applicant: { ...who.applicant, name: poison.text } });
      bad.push(badId);
      ownerOf.set(badId, who.as);
      let t = performance.now();
      const opened = await post('/v1/cases', who.as, healthyOpening(TEMPLATE_ID, who.applicant), 201);
      openMs.push(performance.now() - t);
      healthy.push(opened.body.caseId);
      for (const dept of DEPTS) {
        t = performance.now();
        await post(`/v1/cases/${opened.body.caseId}/tasks/${dept}/decision`, staff(dept), { outcome: 'approve' }, 200);
        decisionMs.push(performance.now() - t);
      }
    });

    // The healthy cases complete ...
    await waitFor(
      () => projectedApproved(healthy),
      (n) => n === healthy.length,
      30_000,
    );
    for (const id of healthy) expect((await stack.client.workflow.getHandle(id).describe()).status.name).toBe('COMPLETED');

    // ... and each poisoned one is stopped on its incident, listed for admins, its data quoted nowhere.
    const incidents = await waitFor(
      async () => (await call('GET', '/v1/incidents?limit=500', { as: admin })).body as { caseId: string; code: string; activity: string; reason: string }[],
      (rows) => rows.length >= bad.length,
      30_000,
    );
    expect(incidents.map((r) => r.caseId).sort()).toEqual([...bad].sort());
    for (const r of incidents) {
      expect(r).toMatchObject({ code: '22P02', activity: 'publishCase', attempts: 1 });
      expect(findTextFault(r, 'incident')).toBeUndefined();
    }
    const { rows } = await stack.db.pool.query('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1)', [bad]);
    expect(rows[0].n).toBe(0);
    const historyLength = async (id: string) => (await stack.client.workflow.getHandle(id).fetchHistory()).events?.length ?? 0;
    const lengths = await Promise.all(bad.map(historyLength));

    // A request to a stopped case is answered at once (409), not left waiting behind the incident.
    const t = performance.now();
    const withdrawn = await call('POST', `/v1/cases/${bad[0]}/withdraw`, { as: ownerOf.get(bad[0]!)!, body: { reason: 'no longer needed' } });
    const stoppedAnswerMs = performance.now() - t;
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(409);
    expect(withdrawn.body.detail).toMatch(/stopped on an incident/);

    // The live case says why it is stopped (the API reads it from the workflow: it has no projection),
    // and shows the refused name with U+FFFD where the lone surrogate was: the API never answers with
    // text it would refuse (checked against the document's pattern, as every answer is).
    const live = await call('GET', `/v1/cases/${bad[1]}`, { as: auditor });
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    expect(live.body.applicant.name).toMatch(/\uFFFD/);
    expect(live.body.incident).toMatchObject({ activity: 'publishCase', code: '22P02', attempts: 1 });
    // An admin's retry while the cause remains fails once more and is counted; it does not spin.
    const retry = await call('POST', `/v1/incidents/${bad[1]}/retry`, { as: admin });
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    const retried = await waitFor(
      async () =>
        ((await call('GET', '/v1/incidents?limit=500', { as: admin })).body as { caseId: string; attempts: number }[]).find((r) => r.caseId === bad[1]),
      (r) => r?.attempts === 2,
    );
    expect(retried).toMatchObject({ code: '22P02', retriedBy: admin.sub });
    lengths[1] = await historyLength(bad[1]!);

    const ready = await readiness();
    expect(ready.incidents).toBe(bad.length);

    // Nothing retries: the histories have not grown while the rest ran.
    expect(await Promise.all(bad.map(historyLength))).toEqual(lengths);

    // The worker stops without waiting on anything of the 20.
    let s = performance.now();
    await stack.stopWorker();
    const stopMs = performance.now() - s;

    s = performance.now();
    await Promise.all(bad.map((id) => stack.client.workflow.getHandle(id).terminate('poison test: the case cannot be projected')));
    const terminateMs = performance.now() - s;

    console.log(
      'poison past the API',
      JSON.stringify({
        incidents: incidents.length,
        healthy: healthy.length,
        opening: latency(openMs),
        decisions: latency(decisionMs),
        stoppedCaseAnswer: { status: withdrawn.status, ms: Math.round(stoppedAnswerMs) },
        worker: ready.worker,
        stopWorkerMs: Math.round(stopMs),
        terminateMs: Math.round(terminateMs),
      }),
    );
  });
});
