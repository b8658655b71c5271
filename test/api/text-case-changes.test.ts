/**
 * The text rule (common/text-rule.ts), property by property, on the routes that change a case, on
 * the real stack (Temporal dev server, PostgreSQL, worker, app): a decision's comment and requested
 * documents, a supplement's note, a produce-first certificate filing, a withdrawal's reason, a
 * comment, an assignment (and the inbox's assignee query). Documents are named by digest (uploaded
 * first): not text, so a digest the caller may not name is checked once per filing route, as a 400
 * at its field that changes nothing. Each property works on cases
 * it opened with ordinary text (test/support/text-stack.ts); what it sends and holds is
 * test/support/text-strings.ts. A refused change leaves the case as it was.
 *
 * Then, after the last test (in afterAll, so that the file has the tests it had before the split),
 * every case used still takes a decision (none is stuck; a withdrawn one is closed) and no incident
 * names one (`expectAfterwards`). This file refuses no opening, so there is no workflow to look for.
 *
 * numRuns: RANDOM_RUNS (test/support/text-strings.ts, where its measurement is) over the 8 fixed
 * examples per field: 48 to 56 runs per property, each a workflow update or two.
 * Measured: 20 s for this file alone on the 2-core machine, 40 s beside the other two and two
 * CPU-bound processes (stack start included).
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { uploadDocument } from '../support/documents.js';
import { opener } from '../support/fixtures.js';
import { startStack } from '../support/stack.js';
import {
  auditor,
  call,
  decide,
  expectAfterwards,
  getCase,
  officerOf,
  openOk,
  projectionShows,
  snapshot,
  stack,
  supervisorOf,
  task,
  useStack,
  type UsedCase,
} from '../support/text-stack.js';
import { expectVerdict, holds, percent, textVerdict, units } from '../support/text-strings.js';
import { waitFor } from '../support/wait.js';

beforeAll(async () => {
  useStack(await startStack(inject('databaseUrl')));
});
afterAll(async () => {
  try {
    if (stack) await expectAfterwards({ used: 10 });
  } finally {
    await stack?.teardown();
  }
});

/**
 * Digests a filing by the opener may not name: not 64 lowercase hex digits (an old `doc://`
 * reference, upper case, one digit short), and well-formed ones the store does not give the opener
 * (never uploaded; uploaded by someone else).
 */
async function digestsNotTheOpeners(): Promise<string[]> {
  const others = (await uploadDocument(stack.baseUrl, officerOf('ecology'), 'uploaded-by-ecology')).digest;
  return ['doc://plan', others.toUpperCase(), others.slice(1), '0'.repeat(64), others];
}

/** A filing naming a digest in `body` it may not name is refused at `path`: the case is as it was, and no document was attached to it. */
async function expectDigestRefused(caseId: string, route: string, body: unknown, path: string): Promise<void> {
  const attached = async () => (await stack.db.pool.query('SELECT digest FROM document_refs WHERE case_id = $1 ORDER BY digest', [caseId])).rows;
  const before = { view: await snapshot(caseId), attached: await attached() };
  const r = await call('POST', `/v1/cases/${caseId}/${route}`, { as: opener, body });
  const what = `POST /v1/cases/:caseId/${route} with ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.body)}`;
  expect(r.status, what).toBe(400);
  expect(r.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
  expect(
    r.body.errors.map((e: any) => e.path),
    what,
  ).toEqual([path]);
  expect({ view: await snapshot(caseId), attached: await attached() }, what).toEqual(before);
}

// ---- the properties ---------------------------------------------------------------------------

describe('changing a case', () => {
  test("a decision's comment and requested documents (request-info on health, then a supplement reopens it)", async () => {
    const c = await openOk('one-stop');
    const plan = await uploadDocument(stack.baseUrl, opener, 'floor-plan');
    const fields = [
      { path: 'body.comment', max: 4000 },
      { path: 'body.requestedDocuments.0', max: 200 },
    ];
    await holds(
      0,
      async (s, f) => {
        const body =
          f === 0 ? { outcome: 'request-info', comment: s, requestedDocuments: ['floor plan'] } : { outcome: 'request-info', requestedDocuments: [s] };
        const verdict = textVerdict(s, fields[f]!.max);
        const before = await snapshot(c.caseId);
        const r = await decide(c.caseId, 'health', officerOf('health'), body);
        const what = `POST /v1/cases/:caseId/tasks/health/decision with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        const read = (view: any) => (f === 0 ? task(view, 'health').comment : task(view, 'health').requestedDocuments[0]);
        expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
        await projectionShows(c, (v) => v.status === 'awaiting-supplement' && read(v) === verdict.value, `${what}: the list (projection)`);
        // The supplement reopens the task for the next run.
        const sup = await call('POST', `/v1/cases/${c.caseId}/supplements`, { as: opener, body: { documents: [plan] } });
        expect(sup.status, JSON.stringify(sup.body)).toBe(200);
        expect(task(sup.body, 'health').status).toBe('open');
      },
      fields.length,
      (f) => fields[f]!.max,
    );
  });

  test("a supplement's note; a document the opener may not name is refused at its digest", async () => {
    const c = await openOk('one-stop');
    const plan = await uploadDocument(stack.baseUrl, opener, 'floor-plan');
    const fields = [{ path: 'body.note', max: 4000, read: (s: any) => s.note }];
    const awaitingSupplement = async () => {
      const now = await getCase(c.caseId);
      if (now.status !== 'awaiting-supplement') {
        const asked = await decide(c.caseId, 'health', officerOf('health'), { outcome: 'request-info', requestedDocuments: ['floor plan'] });
        expect(asked.status, JSON.stringify(asked.body)).toBe(200);
      }
    };
    await holds(
      0,
      async (s, f) => {
        await awaitingSupplement();
        const body = { documents: [plan], note: s };
        const verdict = textVerdict(s, fields[f]!.max);
        const before = await snapshot(c.caseId);
        const r = await call('POST', `/v1/cases/${c.caseId}/supplements`, { as: opener, body });
        const what = `POST /v1/cases/:caseId/supplements with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        const n = r.body.supplements.length;
        const read = (view: any) => view.supplements.length === n && fields[f]!.read(view.supplements.at(-1));
        expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
        await projectionShows(c, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
      },
      fields.length,
      (f) => fields[f]!.max,
    );
    await awaitingSupplement();
    for (const digest of await digestsNotTheOpeners()) {
      await expectDigestRefused(c.caseId, 'supplements', { documents: [{ digest }], note: 'the plan' }, 'body.documents.0.digest');
    }
  });

  test('a produce-first certificate filing: number, issuer; a document the opener may not name is refused at its digest', async () => {
    const QUALIFICATIONS = ['production-licence', 'medical-device-registration', 'product-inspection-report'];
    /** Provisional cases, each with the obligations not yet filed. */
    let current: { c: UsedCase; left: string[] } | undefined;
    const provisional = async () => {
      if (current?.left.length) return current;
      const c = await openOk('produce-first');
      const permit = await decide(c.caseId, 'eligibility', supervisorOf('industry-it'), { outcome: 'approve' });
      expect(permit.status, JSON.stringify(permit.body)).toBe(200);
      return (current = { c, left: [...QUALIFICATIONS] });
    };
    const fields = [
      { path: 'body.number', max: 100, key: 'number' },
      { path: 'body.issuer', max: 200, key: 'issuer' },
    ] as const;
    const document = await uploadDocument(stack.baseUrl, opener, 'certificate');
    await holds(
      0,
      async (s, f) => {
        const { c, left } = await provisional();
        const qualification = left[0]!;
        const body = {
          qualification,
          number: 'PL-1',
          issuer: 'Fujian Market Regulation',
          issuedAt: '2020-03-01',
          document,
          [fields[f]!.key]: s,
        };
        const verdict = textVerdict(s, fields[f]!.max);
        const before = await snapshot(c.caseId);
        const r = await call('POST', `/v1/cases/${c.caseId}/certificates`, { as: opener, body });
        const what = `POST /v1/cases/:caseId/certificates with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        left.shift();
        const read = (view: any) => view.obligations.find((o: any) => o.qualification === qualification).filings.at(-1)?.[fields[f]!.key];
        expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
        await projectionShows(c, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
      },
      fields.length,
      (f) => fields[f]!.max,
    );
    const { c, left } = await provisional();
    for (const digest of await digestsNotTheOpeners()) {
      const body = { qualification: left[0]!, number: 'PL-1', issuer: 'Fujian Market Regulation', issuedAt: '2020-03-01', document: { digest } };
      await expectDigestRefused(c.caseId, 'certificates', body, 'body.document.digest');
    }
  });

  test("a withdrawal's reason", async () => {
    let c: UsedCase | undefined;
    await holds(2000, async (s) => {
      c ??= await openOk('one-stop');
      const verdict = textVerdict(s, 2000);
      const before = await snapshot(c.caseId);
      const r = await call('POST', `/v1/cases/${c.caseId}/withdraw`, { as: opener, body: { reason: s } });
      const what = `POST /v1/cases/:caseId/withdraw with body.reason = ${units(s)}`;
      if (!expectVerdict(r, verdict, 'body.reason', what)) {
        expect(await snapshot(c.caseId), what).toEqual(before);
        return;
      }
      const read = (view: any) => view.status === 'withdrawn' && view.decision.reasons[0].reason;
      expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
      const withdrawn = c;
      c = undefined; // the next run withdraws another case
      await projectionShows(withdrawn, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
      expect(read(await getCase(withdrawn.caseId)), `${what}: the case, closed`).toBe(verdict.value);
    });
  });

  test("a comment's text", async () => {
    const c = await openOk('one-stop');
    await holds(4000, async (s) => {
      const verdict = textVerdict(s, 4000);
      const before = await snapshot(c.caseId);
      const r = await call('POST', `/v1/cases/${c.caseId}/comments`, { as: auditor, body: { text: s, taskId: 'health' } });
      const what = `POST /v1/cases/:caseId/comments with body.text = ${units(s)}`;
      if (!expectVerdict(r, verdict, 'body.text', what)) {
        expect(await snapshot(c.caseId), what).toEqual(before);
        return;
      }
      const n = r.body.comments.length;
      const read = (view: any) => view.comments.length === n && view.comments.at(-1).text;
      expect(read(r.body), `${what}: the answer`).toBe(verdict.value);
      expect(read(await getCase(c.caseId)), `${what}: the live case`).toBe(verdict.value);
      await projectionShows(c, (v) => read(v) === verdict.value, `${what}: the list (projection)`);
    });
  });

  test("an assignment's assignee and assignee name; the inbox's assignee query", async () => {
    const c = await openOk('one-stop');
    const fields = [
      { path: 'body.assignee', max: 200 },
      { path: 'body.assigneeName', max: 200 },
    ];
    let serialAssignee = 0;
    await holds(
      0,
      async (s, f) => {
        const other = `officer-${++serialAssignee}`;
        const body = f === 0 ? { assignee: s, assigneeName: 'Hu Min' } : { assignee: other, assigneeName: s };
        const verdict = textVerdict(s, 200);
        const before = await snapshot(c.caseId);
        const r = await call('POST', `/v1/cases/${c.caseId}/tasks/health/assign`, { as: supervisorOf('health'), body });
        const what = `POST /v1/cases/:caseId/tasks/health/assign with ${fields[f]!.path} = ${units(s)}`;
        if (!expectVerdict(r, verdict, fields[f]!.path, what)) {
          expect(await snapshot(c.caseId), what).toEqual(before);
          return;
        }
        const want = f === 0 ? { assignee: verdict.value, assigneeName: 'Hu Min' } : { assignee: other, assigneeName: verdict.value };
        const read = (view: any) => ({ assignee: task(view, 'health').assignee, assigneeName: task(view, 'health').assigneeName });
        expect(read(r.body), `${what}: the answer`).toEqual(want);
        expect(read(await getCase(c.caseId)), `${what}: the live case`).toEqual(want);
        await projectionShows(c, (v) => JSON.stringify(read(v)) === JSON.stringify(want), `${what}: the list (projection)`);
        // The inbox, asked for that assignee as it was sent (`me` and `none` are words of the query).
        if (f === 0 && !['me', 'none'].includes(verdict.value)) {
          const inbox = await waitFor(
            () => call('GET', `/v1/tasks?dept=health&assignee=${percent(s)}&limit=200`, { as: supervisorOf('health') }),
            (q) => q.status !== 200 || q.body.items.some((t: any) => t.caseId === c.caseId),
          );
          expect(inbox.status, `${what}: GET /v1/tasks?assignee= ${JSON.stringify(inbox.body).slice(0, 300)}`).toBe(200);
          expect(
            inbox.body.items.find((t: any) => t.caseId === c.caseId),
            `${what}: the inbox`,
          ).toMatchObject(want);
        }
      },
      fields.length,
    );
  });
});
