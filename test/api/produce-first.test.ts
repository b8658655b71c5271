/**
 * Produce first, certify later through the HTTP API on the real stack (Temporal dev server,
 * PostgreSQL, worker, app): opening on a pledge, the provisional permit, certificates and their
 * verification, every refusal, certification and the auditor's timeline. The statuses that need
 * days to pass (overdue, suspended, revoked) are watched with a copy of the template in seconds.
 */
import { afterAll, beforeAll, describe, expect, test, inject } from 'vitest';
import type { Actor } from '../../common/types.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, applicantActor, staff } from '../support/fixtures.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const stranger: Actor = { ...applicantActor, sub: 'other-user', org: '91110000600037341L' };

const TEMPLATE = 'produce-first-epidemic-supplies';
const PIR = 'product-inspection-report';
const PL = 'production-licence';
const MDR = 'medical-device-registration';
const ALL = [PL, MDR, PIR]; // template order
const DAY = 24 * 3600_000;

const pledge = { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to obtain every missing qualification in time.' };
const details = (extra: Record<string, unknown> = {}) => ({ pledge, products: [{ name: 'medical protective suits' }], ...extra });
const openBody = (d: Record<string, unknown> = details(), templateId = TEMPLATE) => ({ templateId, applicant, details: d });

async function openCase(d: Record<string, unknown> = details(), templateId = TEMPLATE, as: Actor = opener) {
  const r = await call('POST', '/v1/cases', { as, body: openBody(d, templateId) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown>) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body });
const certificate = (qualification: string, extra: Record<string, unknown> = {}) => ({
  qualification,
  number: `CERT-${qualification}`,
  issuer: 'Fujian Provincial Market Regulation Administration',
  issuedAt: '2020-03-01T08:00:00Z',
  ...extra,
});
/** The digest of each certificate's document, by the label it was uploaded with (its number). */
const uploaded = new Map<string, string>();
/**
 * Files a certificate as `as`. A whole certificate (one with a number) names a document uploaded
 * first by the filer, labelled with its number; an auditor, who uploads nothing but may name any
 * document, names one the enterprise uploaded.
 */
async function file(caseId: string, body: Record<string, unknown>, as: Actor = applicantActor) {
  if (typeof body.number === 'string' && !('document' in body)) {
    const document = await uploadDocument(stack.baseUrl, as.roles.includes('auditor') ? applicantActor : as, body.number);
    uploaded.set(body.number, document.digest);
    body = { ...body, document };
  }
  return call('POST', `/v1/cases/${caseId}/certificates`, { as, body });
}
/** The document a certificate numbered `number` was filed with, as the case records it. */
const filedAs = (number: string) => ({ digest: uploaded.get(number), name: `${number}.pdf`, mediaType: 'application/pdf', size: expect.any(Number) });
const getCase = async (caseId: string) => (await call('GET', `/v1/cases/${caseId}`, { as: auditor })).body;
const ob = (c: any, q: string) => c.obligations.find((o: any) => o.qualification === q);
const task = (c: any, id: string) => c.tasks.find((t: any) => t.taskId === id);

function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, detail?: RegExp) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  if (detail) expect(r.body.detail).toMatch(detail);
}

async function ok(p: Promise<{ status: number; body: any }>) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function waitFor<T>(get: () => Promise<T>, until: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (until(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met in time; last value: ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function countCases(): Promise<number> {
  const { rows } = await stack.db.pool.query('SELECT count(*)::int AS n FROM cases');
  return rows[0].n;
}

async function approveEligibility(caseId: string) {
  return ok(decide(caseId, 'eligibility', staff('industry-it'), { outcome: 'approve', comment: 'capacity checked' }));
}

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('opening a produce-first case', () => {
  test('400: unknown `missing` ids (pointing at each), no pledge, an unknown field, no products; nothing is opened', async () => {
    // First in this file, so that no earlier case's projection is still on its way.
    const before = await countCases();
    const unknown = await call('POST', '/v1/cases', { as: opener, body: openBody(details({ missing: [PIR, 'ce-mark', PL, 'iso-13485'] })) });
    expectProblem(unknown, 400);
    expect(unknown.body.errors).toEqual([
      { path: 'body.details.missing.1', message: expect.stringMatching(/^not an obligation of this template: ce-mark \(its obligations are .+\)$/) },
      { path: 'body.details.missing.3', message: expect.stringMatching(/^not an obligation of this template: iso-13485 /) },
    ]);
    const noPledge = await call('POST', '/v1/cases', { as: opener, body: openBody({ products: [{ name: 'masks' }] }) });
    expectProblem(noPledge, 400);
    expect(noPledge.body.errors.map((e: any) => e.path)).toEqual(['body.details.pledge']);
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody(details({ colour: 'blue' })) }), 400, /Unrecognized key/);
    const noProducts = await call('POST', '/v1/cases', { as: opener, body: openBody(details({ products: [] })) });
    expectProblem(noProducts, 400);
    expect(noProducts.body.errors.map((e: any) => e.path)).toEqual(['body.details.products']);
    const badPledge = await call('POST', '/v1/cases', { as: opener, body: openBody(details({ pledge: { signedBy: 'x', text: 'y', extra: 1 } })) });
    expectProblem(badPledge, 400, /Unrecognized key/);
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody(details({ missing: [] })) }), 400);
    expect(await countCases()).toBe(before);
  });

  test('201 with the pledge and only the missing obligations; every obligation when `missing` is omitted', async () => {
    const one = await openCase(details({ missing: [PIR, PIR] }));
    expect(one).toMatchObject({
      templateId: TEMPLATE,
      kind: 'produce-first-certify-later',
      status: 'in-review',
      permit: null,
      suspensions: [],
      openedBy: 'alice',
    });
    expect(one.pledge).toEqual({ ...pledge, signedAt: one.openedAt });
    expect(one.details.missing).toEqual([PIR]);
    expect(one.obligations).toEqual([
      {
        qualification: PIR,
        dept: 'market-regulation',
        title: 'Product inspection report',
        due: 'P15D',
        status: 'pending',
        dueAt: null,
        overdueAt: null,
        remindersSent: [],
        rejectionReason: null,
        filings: [],
      },
    ]);
    expect(one.tasks.map((t: any) => [t.taskId, t.dept, t.status])).toEqual([['eligibility', 'industry-it', 'open']]);
    expect(Date.parse(one.sla.deadlineAt) - Date.parse(one.openedAt)).toBe(DAY);

    const all = await openCase(details(), TEMPLATE, applicantActor);
    expect(all.details.missing).toEqual(ALL);
    expect(all.obligations.map((o: any) => [o.qualification, o.dept, o.due])).toEqual([
      [PL, 'market-regulation', 'P30D'],
      [MDR, 'drug-administration', 'P60D'],
      [PIR, 'market-regulation', 'P15D'],
    ]);
  });
});

describe('a produce-first case from the pledge to the licence', () => {
  test('permit, certificates, verification (rejected, filed again), every refusal, certification and the timeline', async () => {
    const c = await openCase();
    const id = c.caseId;

    // No certificate before the permit.
    expectProblem(await file(id, certificate(PIR)), 409, /provisional permit/);

    // Eligibility asks for a document: the clock stops until the supplement.
    const asked = await ok(decide(id, 'eligibility', staff('industry-it'), { outcome: 'request-info', requestedDocuments: ['capacity statement'] }));
    expect(asked).toMatchObject({ status: 'awaiting-supplement', sla: { paused: true } });
    const capacity = await uploadDocument(stack.baseUrl, applicantActor, 'capacity-statement');
    const resumed = await ok(call('POST', `/v1/cases/${id}/supplements`, { as: applicantActor, body: { documents: [capacity] } }));
    expect(resumed.status).toBe('in-review');

    // Eligibility approved: the provisional permit, and every due date counted from it.
    const permitted = await approveEligibility(id);
    expect(permitted.status).toBe('provisional');
    expect(permitted.permit.number).toMatch(/^PFP-\d{4}-\d{6}$/);
    const issuedAt = Date.parse(permitted.permit.issuedAt);
    expect(permitted.obligations.map((o: any) => [o.qualification, o.status, Date.parse(o.dueAt) - issuedAt])).toEqual([
      [PL, 'pending', 30 * DAY],
      [MDR, 'pending', 60 * DAY],
      [PIR, 'pending', 15 * DAY],
    ]);
    const listed = await waitFor(
      async () => (await call('GET', '/v1/cases?status=provisional', { as: auditor })).body.items as any[],
      // The list may first show the permit a moment before its number is issued.
      (items) => items.some((x) => x.caseId === id && x.permit?.number),
    );
    expect(listed.find((x) => x.caseId === id).permit).toEqual(permitted.permit);

    // Filing a certificate: submitted, and its verification task opens for its department.
    const filed = await ok(file(id, certificate(PIR, { number: 'SJ-1' })));
    expect(ob(filed, PIR)).toMatchObject({ status: 'submitted' });
    expect(ob(filed, PIR).filings).toEqual([
      expect.objectContaining({ number: 'SJ-1', filedBy: 'acme-user', outcome: 'pending', issuedAt: '2020-03-01T08:00:00Z', document: filedAs('SJ-1') }),
    ]);
    expect(ob(filed, PIR).filings[0].document.size).toBeGreaterThan(0);
    expect(task(filed, `verify:${PIR}`)).toMatchObject({ dept: 'market-regulation', status: 'open' });

    // Refusals on filing.
    expectProblem(await file(id, certificate('ce-mark')), 404, /no obligation ce-mark/);
    const unknownField = await file(id, { ...certificate(PL), colour: 'blue' });
    expectProblem(unknownField, 400, /Unrecognized key/);
    const badDate = await file(id, certificate(PL, { issuedAt: 'last Tuesday' }));
    expectProblem(badDate, 400);
    expect(badDate.body.errors.map((e: any) => e.path)).toEqual(['body.issuedAt']);
    expectProblem(await file(id, { qualification: PL }), 400);
    expectProblem(await file(id, certificate(PIR)), 409, /already awaiting verification/);
    expectProblem(await file(id, certificate(PL), stranger), 404); // another enterprise cannot tell the case exists
    expectProblem(await file(id, certificate(PL), auditor), 403);
    expectProblem(await file(id, certificate(PL), staff('market-regulation', 'mr-chief', ['supervisor'])), 403);

    // Refusals on verification.
    expectProblem(await decide(id, `verify:${PIR}`, staff('industry-it'), { outcome: 'approve' }), 403, /belongs to department market-regulation/);
    // A department with no task on the case cannot tell that it exists.
    expectProblem(await decide(id, `verify:${PIR}`, staff('drug-administration'), { outcome: 'approve' }), 404);
    expectProblem(await decide(id, `verify:${PIR}`, { ...opener, dept: 'market-regulation' }, { outcome: 'approve' }), 403, /four eyes/);
    expectProblem(
      await decide(id, `verify:${PIR}`, staff('market-regulation'), { outcome: 'request-info', requestedDocuments: ['x'] }),
      400,
      /verified or rejected/,
    );
    expectProblem(await decide(id, `verify:${PL}`, staff('market-regulation'), { outcome: 'approve' }), 404, /no task verify:production-licence/);
    const unchanged = await getCase(id);
    expect(ob(unchanged, PIR).status).toBe('submitted');
    expect(ob(unchanged, PL).status).toBe('pending');

    // Rejected (task id with a raw colon): back to pending with the reason.
    const reason = 'the laboratory is not CNAS-accredited';
    const rejected = await ok(decide(id, `verify:${PIR}`, staff('market-regulation'), { outcome: 'reject', comment: reason }));
    expect(ob(rejected, PIR)).toMatchObject({ status: 'pending', rejectionReason: reason });
    expect(task(rejected, `verify:${PIR}`)).toMatchObject({ status: 'decided', outcome: 'reject', decidedBy: 'market-regulation-officer' });

    // Filed again, verified (task id with an encoded colon).
    const again = await ok(file(id, certificate(PIR, { number: 'SJ-2' })));
    expect(task(again, `verify:${PIR}`)).toMatchObject({ status: 'open', outcome: null });
    const verified = await ok(decide(id, `verify%3A${PIR}`, staff('market-regulation'), { outcome: 'approve', comment: 'accredited report' }));
    expect(ob(verified, PIR)).toMatchObject({ status: 'verified', rejectionReason: null });
    expect(ob(verified, PIR).filings.map((f: any) => [f.number, f.outcome])).toEqual([
      ['SJ-1', 'rejected'],
      ['SJ-2', 'verified'],
    ]);
    expectProblem(await file(id, certificate(PIR)), 409, /already verified/);

    // The other two, filed by a caseworker and by the enterprise; the last verification certifies.
    await ok(file(id, certificate(PL), staff('service-centre', 'bob')));
    expect(ob(await ok(decide(id, `verify:${PL}`, staff('market-regulation', 'mr-chief', ['supervisor']), { outcome: 'approve' })), PL).status).toBe(
      'verified',
    );
    await ok(file(id, certificate(MDR)));
    const certified = await ok(decide(id, `verify%3a${MDR}`, staff('drug-administration'), { outcome: 'approve', comment: 'registration confirmed' }));
    expect(certified.status).toBe('certified');
    expect(certified.closedAt).toEqual(expect.any(String));
    expect(certified.decision).toMatchObject({ status: 'certified', by: 'drug-administration-officer', reasons: [] });
    const licence = certified.decision.number;
    expect(licence).toMatch(/^PFL-\d{4}-\d{6}$/);
    expect(certified.obligations.every((o: any) => o.status === 'verified')).toBe(true);

    const read = await waitFor(
      () => getCase(id),
      (v) => v.status === 'certified' && v.decision?.number === licence,
    );
    expect(read.permit).toEqual(permitted.permit);
    expectProblem(await file(id, certificate(PIR)), 409, /closed/);
    await waitFor(
      async () => (await call('GET', '/v1/cases?status=certified', { as: auditor })).body.items as any[],
      (items) => items.some((x) => x.caseId === id),
    );

    // The auditor's timeline: the pledge, the permit, every filing and decision with its actor, the close.
    const history = await call('GET', `/v1/cases/${id}/history`, { as: auditor });
    expect(history.status).toBe(200);
    const entries: any[] = history.body;
    // What the applicant was told is checked by the workflow tests; here, the events themselves.
    expect(entries.filter((e) => e.type !== 'applicant-notified').map((e) => [e.type, e.actor?.sub ?? null, e.taskId ?? null])).toEqual([
      ['case-opened', 'alice', null],
      ['decision', 'industry-it-officer', 'eligibility'],
      ['clock-stopped', 'industry-it-officer', 'eligibility'],
      ['supplement-filed', 'acme-user', null],
      ['clock-resumed', 'acme-user', null],
      ['decision', 'industry-it-officer', 'eligibility'],
      ['permit-issued', 'system', null],
      ['certificate-filed', 'acme-user', `verify:${PIR}`],
      ['decision', 'market-regulation-officer', `verify:${PIR}`],
      ['certificate-filed', 'acme-user', `verify:${PIR}`],
      ['decision', 'market-regulation-officer', `verify:${PIR}`],
      ['certificate-filed', 'bob', `verify:${PL}`],
      ['decision', 'mr-chief', `verify:${PL}`],
      ['certificate-filed', 'acme-user', `verify:${MDR}`],
      ['decision', 'drug-administration-officer', `verify:${MDR}`],
      ['case-closed', null, null],
    ]);
    expect(entries[0].details).toMatchObject({ kind: 'produce-first-certify-later', pledge, missing: ALL, tasks: ['eligibility'] });
    expect(entries.find((e) => e.type === 'permit-issued').details.message).toContain(permitted.permit.number);
    expect(entries.filter((e) => e.type === 'decision').map((e) => e.details.outcome)).toEqual([
      'request-info',
      'approve',
      'reject',
      'approve',
      'approve',
      'approve',
    ]);
    expect(entries.find((e) => e.type === 'decision' && e.details.outcome === 'reject').details.comment).toBe(reason);
    expect(entries.find((e) => e.type === 'certificate-filed').details).toEqual({
      qualification: PIR,
      number: 'SJ-1',
      issuer: 'Fujian Provincial Market Regulation Administration',
      issuedAt: '2020-03-01T08:00:00Z',
      document: filedAs('SJ-1'),
    });
    expect(entries.find((e) => e.type === 'certificate-filed').details.document.size).toBeGreaterThan(0);
    expect(entries[entries.length - 1].details).toMatchObject({ status: 'certified', decision: { number: licence } });
  });

  test('eligibility rejected: the case is rejected and closed, certificates get 409', async () => {
    const c = await openCase(details({ missing: [PIR] }));
    const rejected = await ok(decide(c.caseId, 'eligibility', staff('industry-it'), { outcome: 'reject', comment: 'no clean room' }));
    expect(rejected).toMatchObject({
      status: 'rejected',
      permit: null,
      decision: { status: 'rejected', number: null, reasons: [{ taskId: 'eligibility', reason: 'no clean room' }] },
    });
    await waitFor(
      () => getCase(c.caseId),
      (v) => v.status === 'rejected' && v.closedAt !== null,
    );
    expectProblem(await file(c.caseId, certificate(PIR)), 409, /closed/);
    expectProblem(await decide(c.caseId, 'eligibility', staff('industry-it'), { outcome: 'approve' }), 409, /closed/);
  });
});

describe('the deadlines of a produce-first case, in seconds', () => {
  test('overdue, suspended, reinstated and certified; revoked when the suspension lasts', async () => {
    const quick = {
      id: 'produce-first-quick',
      title: 'Produce first, certify later (seconds, to watch the deadlines)',
      kind: 'produce-first-certify-later',
      eligibility: { dept: 'industry-it', sla: 'PT1H' },
      obligations: [
        { qualification: 'hygiene-certificate', dept: 'health', title: 'Hygiene certificate', due: 'PT3S' },
        { qualification: 'fire-inspection', dept: 'fire-safety', title: 'Fire inspection', due: 'PT1H' },
      ],
      reminders: ['PT1S'],
      grace: 'PT2S',
      revokeAfter: 'PT8S',
    };
    const deployed = await call('POST', '/v1/templates', { as: admin, body: quick });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);

    const a = await openCase(details(), quick.id); // both obligations: will be reinstated, then certified
    const b = await openCase(details({ missing: ['hygiene-certificate'] }), quick.id); // will be revoked
    await approveEligibility(a.caseId);
    await approveEligibility(b.caseId);

    // Both: reminded, overdue, then suspended.
    const suspended = await waitFor(
      () => getCase(a.caseId),
      (v) => v.status === 'suspended',
    );
    const hygiene = ob(suspended, 'hygiene-certificate');
    expect(hygiene.status).toBe('overdue');
    expect(hygiene.remindersSent.map((r: any) => r.before)).toEqual(['PT1S']);
    expect(Date.parse(hygiene.overdueAt)).toBeGreaterThanOrEqual(Date.parse(hygiene.dueAt));
    expect(suspended.escalations).toEqual([expect.objectContaining({ taskId: 'verify:hygiene-certificate', action: 'supervisor', level: 1 })]);
    expect(suspended.suspensions).toEqual([
      {
        at: expect.any(String),
        reason: 'Hygiene certificate not verified within PT3S and the PT2S grace period',
        revokeAt: expect.any(String),
        reinstatedAt: null,
      },
    ]);
    expect(Date.parse(suspended.suspensions[0].revokeAt) - Date.parse(suspended.suspensions[0].at)).toBe(8000);
    expect(ob(suspended, 'fire-inspection').status).toBe('pending');
    await waitFor(
      async () => (await call('GET', '/v1/cases?status=suspended', { as: auditor })).body.items as any[],
      (items) => items.some((x) => x.caseId === a.caseId),
    );

    // A: the overdue certificate is filed (submitted, still suspended) and verified: reinstated.
    const filed = await ok(file(a.caseId, certificate('hygiene-certificate')));
    expect(filed.status).toBe('suspended');
    expect(ob(filed, 'hygiene-certificate').status).toBe('submitted');
    const reinstated = await ok(decide(a.caseId, 'verify:hygiene-certificate', staff('health'), { outcome: 'approve' }));
    expect(reinstated.status).toBe('provisional');
    expect(reinstated.suspensions[0].reinstatedAt).toEqual(expect.any(String));

    // B: never verified: revoked revokeAfter after its suspension, closed.
    const revoked = await waitFor(
      () => getCase(b.caseId),
      (v) => v.status === 'revoked',
      30_000,
    );
    expect(revoked.closedAt).toEqual(expect.any(String));
    expect(Date.parse(revoked.closedAt)).toBeGreaterThanOrEqual(Date.parse(revoked.suspensions[0].revokeAt));
    expect(revoked.decision).toMatchObject({
      status: 'revoked',
      by: 'system',
      number: null,
      reasons: [{ taskId: null, reason: expect.stringMatching(/^revoked after PT8S of suspension/) }],
    });
    expect(ob(revoked, 'hygiene-certificate').status).toBe('overdue');
    expectProblem(await file(b.caseId, certificate('hygiene-certificate')), 409, /closed \(revoked\)/);

    // A stayed provisional past its revokeAt, and certifies with its last certificate.
    expect((await getCase(a.caseId)).status).toBe('provisional');
    await ok(file(a.caseId, certificate('fire-inspection')));
    const certified = await ok(decide(a.caseId, 'verify:fire-inspection', staff('fire-safety'), { outcome: 'approve' }));
    expect(certified.status).toBe('certified');
    expect(certified.decision.number).toMatch(/^PFL-/);

    // Reminders, overdue, suspension and reinstatement are in the timeline, by the engine.
    const history = (await call('GET', `/v1/cases/${a.caseId}/history`, { as: auditor })).body as any[];
    const system = history.filter((e) => e.actor?.sub === 'system' && e.type !== 'applicant-notified').map((e) => e.type);
    expect(system).toEqual(['permit-issued', 'obligation-reminder', 'obligation-overdue', 'suspended', 'reinstated']);
    const bHistory = (await call('GET', `/v1/cases/${b.caseId}/history`, { as: auditor })).body as any[];
    expect(bHistory.filter((e) => e.type !== 'applicant-notified').map((e) => e.type)).toEqual([
      'case-opened',
      'decision',
      'permit-issued',
      'obligation-reminder',
      'obligation-overdue',
      'suspended',
      'case-closed',
    ]);
    expect(bHistory[bHistory.length - 1].details).toMatchObject({ status: 'revoked' });
  });
});
