/**
 * Claims with prepayment through the HTTP API on the real stack (Temporal dev server, PostgreSQL,
 * worker, app), with the built-in `liability-claim-fast-channel` template (cap 0.5 of the claim,
 * approval by claims supervision above 100000.00 CNY): opening and its refusals, decisions with
 * amounts and theirs, the path to `settled`, payments made once under concurrent and repeated
 * requests, and the auditor's timeline.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, staff } from '../support/fixtures.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const TEMPLATE = 'liability-claim-fast-channel';
const opener: Actor = { sub: 'alice', name: 'Alice Li', roles: ['caseworker'], dept: 'service-centre' };
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const desk = staff('claims-desk');
const adjuster = staff('claims-adjusting');
const chief = staff('claims-supervision', 'claims-chief', ['supervisor']);

/** 500000.00 CNY claimed: cap 250000.00 CNY. */
const CLAIMED = 50_000_000;
const cny = (amount: number) => ({ amount, currency: 'CNY' });
const details = (overrides: Record<string, unknown> = {}) => ({
  policyNumber: 'PL-2020-000123',
  claimedAmount: cny(CLAIMED),
  loss: { description: 'production halted for 21 days by the quarantine order', occurredAt: '2020-02-01T00:00:00Z' },
  ...overrides,
});
const openBody = (d: Record<string, unknown> = details(), documents?: { digest: string }[]) => ({
  templateId: TEMPLATE,
  applicant,
  details: d,
  ...(documents ? { documents } : {}),
});

/** Opens a claim; its evidence, if any, is documents the opener uploaded. */
async function openClaim(d: Record<string, unknown> = details(), documents?: { digest: string }[]) {
  const r = await call('POST', '/v1/cases', { as: opener, body: openBody(d, documents) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body, headers });

function expectProblem(r: { status: number; body: any; headers: Headers }, status: number, detail?: RegExp | string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  if (typeof detail === 'string') expect(r.body.detail).toContain(detail);
  else if (detail) expect(r.body.detail).toMatch(detail);
}

async function ok(p: Promise<{ status: number; body: any }>) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function ledger(caseId: string): Promise<{ purpose: string; amount: number; currency: string }[]> {
  const { rows } = await stack.db.pool.query('SELECT purpose, amount::int AS amount, currency FROM payments WHERE case_id = $1 ORDER BY paid_at, purpose', [
    caseId,
  ]);
  return rows;
}

async function countCases(): Promise<number> {
  const { rows } = await stack.db.pool.query('SELECT count(*)::int AS n FROM cases');
  return rows[0].n;
}

const task = (c: any, id: string) => c.tasks.find((t: any) => t.taskId === id);

/** Accepts the claim (claims desk). */
const accept = (caseId: string) => ok(decide(caseId, 'acknowledge', desk, { outcome: 'approve', comment: 'covered by the policy' }));

/** Ends a claim the test left open: withdrawn before any payment, settled at the advance after one. */
async function finish(c: any) {
  const now = (await call('GET', `/v1/cases/${c.caseId}`, { as: auditor })).body;
  if (now.closedAt) return;
  const prepaid = now.payments.find((p: any) => p.purpose === 'prepayment');
  if (prepaid) await ok(decide(c.caseId, 'assessment', adjuster, { outcome: 'approve', amount: prepaid.amount }));
  else await ok(call('POST', `/v1/cases/${c.caseId}/withdraw`, { as: opener, body: { reason: 'test finished' } }));
}

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('opening a claim', () => {
  test('400: a float, a negative amount, an unknown currency, another currency than the policy, an unknown field; nothing is opened', async () => {
    // First in this file, so that no earlier case's projection is still on its way.
    const before = await countCases();
    const float = await call('POST', '/v1/cases', { as: opener, body: openBody(details({ claimedAmount: { amount: 100.5, currency: 'CNY' } })) });
    expectProblem(float, 400, /integer count of minor units/);
    expect(float.body.errors.map((e: any) => e.path)).toEqual(['body.details.claimedAmount.amount']);
    const negative = await call('POST', '/v1/cases', { as: opener, body: openBody(details({ claimedAmount: { amount: -100, currency: 'CNY' } })) });
    expectProblem(negative, 400, /not negative/);
    expect(negative.body.errors.map((e: any) => e.path)).toContain('body.details.claimedAmount.amount');
    const unknownCurrency = await call('POST', '/v1/cases', { as: opener, body: openBody(details({ claimedAmount: { amount: 100, currency: 'XXY' } })) });
    // The template names the one currency its claims are in: any other, known or not, is refused as not that one.
    expectProblem(unknownCurrency, 400, /are in CNY, not XXY/);
    expect(unknownCurrency.body.errors.map((e: any) => e.path)).toEqual(['body.details.claimedAmount.currency']);
    const mismatch = await call('POST', '/v1/cases', { as: opener, body: openBody(details({ claimedAmount: { amount: 100, currency: 'USD' } })) });
    expectProblem(mismatch, 400, /in CNY/);
    expect(mismatch.body.errors).toEqual([
      { path: 'body.details.claimedAmount.currency', message: expect.stringMatching(/^claims under [a-z-]+ are in CNY, not USD$/) },
    ]);
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody(details({ insurer: 'PICC' })) }), 400, /Unrecognized key/);
    // Evidence is no longer part of the details: it is the opening's documents (uploaded files).
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody(details({ evidence: [] })) }), 400, /Unrecognized key/);
    expectProblem(
      await call('POST', '/v1/cases', { as: opener, body: openBody(details({ claimedAmount: { amount: 100, currency: 'CNY', fx: 1 } })) }),
      400,
      /Unrecognized key/,
    );
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody(details({ claimedAmount: { amount: '100', currency: 'CNY' } })) }), 400);
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody(details({ claimedAmount: { amount: 0, currency: 'CNY' } })) }), 400, /positive/);
    const { policyNumber: _p, ...noPolicy } = details();
    expectProblem(await call('POST', '/v1/cases', { as: opener, body: openBody(noPolicy) }), 400, /policyNumber/);
    expect(await countCases()).toBe(before);
  });

  test('201 with the built-in template: acknowledge task, cap, 24 h deadline', async () => {
    const c = await openClaim();
    expect(c).toMatchObject({
      templateId: TEMPLATE,
      kind: 'claim-prepayment',
      status: 'in-review',
      openedBy: 'alice',
      acceptedAt: null,
      payments: [],
      settlement: null,
      prepayment: { cap: cny(25_000_000), proposed: null, proposedBy: null, approvedBy: null, declined: false },
    });
    expect(c.details).toEqual(details());
    expect(c.tasks.map((t: any) => [t.taskId, t.dept, t.status])).toEqual([['acknowledge', 'claims-desk', 'open']]);
    expect(Date.parse(c.sla.deadlineAt) - Date.parse(c.openedAt)).toBe(24 * 3600_000);
    await finish(c);
  });
});

describe('deciding a claim', () => {
  test('refusals: 400 amount on acknowledge, float or mismatched currency, missing amount; 409 over the cap with the cap; 403 four eyes on the approval', async () => {
    const c = await openClaim();
    expectProblem(await decide(c.caseId, 'acknowledge', desk, { outcome: 'approve', amount: cny(100) }), 400, /amount/);
    await accept(c.caseId);

    const overCap = await decide(c.caseId, 'prepayment', adjuster, { outcome: 'approve', amount: cny(25_000_001) });
    expectProblem(overCap, 409, 'cap of 250000.00 CNY');
    expectProblem(
      await decide(c.caseId, 'prepayment', adjuster, { outcome: 'approve', amount: { amount: 1_000_000, currency: 'USD' } }),
      400,
      /the claim is in CNY/,
    );
    expectProblem(await decide(c.caseId, 'prepayment', adjuster, { outcome: 'approve', amount: { amount: 100.5, currency: 'CNY' } }), 400, /integer/);
    expectProblem(await decide(c.caseId, 'prepayment', adjuster, { outcome: 'approve', amount: { amount: -1, currency: 'CNY' } }), 400, /not negative/);
    expectProblem(await decide(c.caseId, 'prepayment', adjuster, { outcome: 'approve' }), 400, /needs an amount/);
    // Claims supervision has no task on the case yet, so the case does not exist for it.
    expectProblem(await decide(c.caseId, 'prepayment', chief, { outcome: 'approve', amount: cny(1_000_000) }), 404);
    expect(await ledger(c.caseId)).toEqual([]);

    // Above the threshold: claims supervision must approve, and not the adjuster who proposed it.
    const proposed = await ok(decide(c.caseId, 'prepayment', adjuster, { outcome: 'approve', amount: cny(20_000_000) }));
    expect(proposed.status).toBe('accepted');
    expect(task(proposed, 'prepayment-approval')).toMatchObject({ dept: 'claims-supervision', status: 'open' });
    const sameAdjuster = staff('claims-supervision', adjuster.sub, ['supervisor']);
    expectProblem(await decide(c.caseId, 'prepayment-approval', sameAdjuster, { outcome: 'approve' }), 403, /four eyes/);
    expectProblem(await decide(c.caseId, 'prepayment-approval', chief, { outcome: 'approve', amount: cny(20_000_000) }), 400, /amount/);
    expect(task((await call('GET', `/v1/cases/${c.caseId}`, { as: auditor })).body, 'prepayment-approval').status).toBe('open');
    expect(await ledger(c.caseId)).toEqual([]);
    await finish(c);
  });

  test('the whole path to settled: payments listed, settlement figures, the timeline with actors, amounts and the payment', async () => {
    const order = await uploadDocument(stack.baseUrl, opener, 'quarantine-order');
    const c = await openClaim(details(), [order]);
    const evidence = { digest: order.digest, name: 'quarantine-order.pdf', mediaType: 'application/pdf', size: expect.any(Number) };
    expect(c.documents).toEqual([evidence]);
    expect(c.documents[0].size).toBeGreaterThan(0);
    await accept(c.caseId);
    await ok(decide(c.caseId, 'prepayment', adjuster, { outcome: 'approve', amount: cny(20_000_000), comment: 'half the documented loss' }));
    const prepaid = await ok(decide(c.caseId, 'prepayment-approval', chief, { outcome: 'approve', comment: 'agreed' }));
    expect(prepaid.status).toBe('prepaid');
    expect(prepaid.prepayment).toMatchObject({ proposed: cny(20_000_000), proposedBy: adjuster.sub, approvedBy: chief.sub });
    expect(prepaid.payments.map((p: any) => [p.purpose, p.amount, p.payee])).toEqual([
      ['prepayment', cny(20_000_000), { creditCode: applicant.creditCode, name: applicant.name }],
    ]);
    expect(task(prepaid, 'assessment').status).toBe('open');

    const settled = await ok(
      decide(c.caseId, 'assessment', adjuster, { outcome: 'approve', amount: cny(32_000_000), comment: 'assessed on the adjuster report' }),
    );
    expect(settled.status).toBe('settled');
    expect(settled.closedAt).toEqual(expect.any(String));
    expect(settled.settlement).toEqual({ assessed: cny(32_000_000), prepaid: cny(20_000_000), remainder: cny(12_000_000), recovery: null });
    expect(settled.payments.map((p: any) => [p.purpose, p.amount])).toEqual([
      ['prepayment', cny(20_000_000)],
      ['settlement', cny(12_000_000)],
    ]);
    expect(await ledger(c.caseId)).toEqual([
      { purpose: 'prepayment', amount: 20_000_000, currency: 'CNY' },
      { purpose: 'settlement', amount: 12_000_000, currency: 'CNY' },
    ]);

    // Closed: read from the projection, and further decisions are 409.
    const read = await ok(call('GET', `/v1/cases/${c.caseId}`, { as: auditor }));
    expect(read.status).toBe('settled');
    expect(read.payments).toEqual(settled.payments);
    expect(read.settlement).toEqual(settled.settlement);
    expectProblem(await decide(c.caseId, 'assessment', adjuster, { outcome: 'approve', amount: cny(1) }), 409, /closed/);

    const history = await ok(call('GET', `/v1/cases/${c.caseId}/history`, { as: auditor }));
    expect(history[0]).toMatchObject({
      type: 'case-opened',
      actor: { sub: 'alice' },
      details: { policyNumber: 'PL-2020-000123', claimedAmount: cny(CLAIMED), documents: [evidence] },
    });
    expect(history[0].details).not.toHaveProperty('evidence');
    const decisions = history.filter((e: any) => e.type === 'decision');
    expect(decisions.map((e: any) => [e.taskId, e.actor.sub, e.details.outcome, e.details.amount ?? null])).toEqual([
      ['acknowledge', desk.sub, 'approve', null],
      ['prepayment', adjuster.sub, 'approve', cny(20_000_000)],
      ['prepayment-approval', chief.sub, 'approve', null],
      ['assessment', adjuster.sub, 'approve', cny(32_000_000)],
    ]);
    expect(decisions[2].actor).toMatchObject({ name: chief.name, dept: 'claims-supervision' });
    const payments = history.filter((e: any) => e.type === 'payment');
    expect(payments.map((e: any) => [e.details.purpose, e.details.amount])).toEqual([
      ['prepayment', cny(20_000_000)],
      ['settlement', cny(12_000_000)],
    ]);
    const types = history.map((e: any) => e.type);
    expect(types.indexOf('payment')).toBeGreaterThan(types.indexOf('decision'));
    expect(history[history.length - 1]).toMatchObject({ type: 'case-closed', details: { status: 'settled' } });
  });
});

describe('paying exactly once', () => {
  test('two concurrent identical decisions without an Idempotency-Key: one 200, one 409, one ledger row', async () => {
    const c = await openClaim();
    await accept(c.caseId);
    const body = { outcome: 'approve', amount: cny(8_000_000) };
    const [a, b] = await Promise.all([decide(c.caseId, 'prepayment', adjuster, body), decide(c.caseId, 'prepayment', adjuster, body)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [won, lost] = a.status === 200 ? [a, b] : [b, a];
    expectProblem(lost, 409, /already decided/);
    expect(won.body.status).toBe('prepaid');
    expect(won.body.payments).toHaveLength(1);
    expect(await ledger(c.caseId)).toEqual([{ purpose: 'prepayment', amount: 8_000_000, currency: 'CNY' }]);
    await finish(c);
  });

  test('the same decision twice with the same Idempotency-Key: both 200, one payment', async () => {
    const c = await openClaim();
    await accept(c.caseId);
    const key = { 'Idempotency-Key': `prepay-${c.caseId}` };
    const body = { outcome: 'approve', amount: cny(9_000_000) };
    const first = await decide(c.caseId, 'prepayment', adjuster, body, key);
    const second = await decide(c.caseId, 'prepayment', adjuster, body, key);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.payments).toEqual(first.body.payments);
    expect(first.body.payments).toHaveLength(1);
    expect(await ledger(c.caseId)).toEqual([{ purpose: 'prepayment', amount: 9_000_000, currency: 'CNY' }]);
    const history = await ok(call('GET', `/v1/cases/${c.caseId}/history`, { as: auditor }));
    expect(history.filter((e: any) => e.type === 'decision' && e.taskId === 'prepayment')).toHaveLength(1);
    expect(history.filter((e: any) => e.type === 'payment')).toHaveLength(1);

    // The settling decision too: a retry after the case closed returns the same outcome, no second payment.
    const settleKey = { 'Idempotency-Key': `settle-${c.caseId}` };
    const settle = { outcome: 'approve', amount: cny(15_000_000) };
    const settled = await decide(c.caseId, 'assessment', adjuster, settle, settleKey);
    expect(settled.status, JSON.stringify(settled.body)).toBe(200);
    expect(settled.body.status).toBe('settled');
    const retried = await decide(c.caseId, 'assessment', adjuster, settle, settleKey);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.settlement).toEqual(settled.body.settlement);
    expect(await ledger(c.caseId)).toEqual([
      { purpose: 'prepayment', amount: 9_000_000, currency: 'CNY' },
      { purpose: 'settlement', amount: 6_000_000, currency: 'CNY' },
    ]);
    // A different request on the closed case is still 409.
    expectProblem(await decide(c.caseId, 'assessment', adjuster, settle, { 'Idempotency-Key': `other-${c.caseId}` }), 409, /closed/);
  });
});
