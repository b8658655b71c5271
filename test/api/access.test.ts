/**
 * The access rules that the matrix alone does not show: the table says what docs/access.md documents,
 * four eyes closes its holes (a certificate's filer, a supplement's filer), a caseworker acting for
 * the enterprise is recorded as such, and a request the case's process does not have is a 409.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { ACCESS } from '../../api/access-policy.js';
import type { Actor } from '../../common/types.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, applicantActor } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;

const person = (sub: string, dept: string, roles: Actor['roles'] = ['caseworker']): Actor => ({ sub, name: sub, roles, dept });
const auditor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };

async function ok(p: Promise<{ status: number; body: any }>, status = 200) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

async function refused(p: Promise<{ status: number; body: any }>, status: number, detail: RegExp) {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.detail).toMatch(detail);
}

const open = (as: Actor, templateId: string, details: Record<string, unknown> = {}) =>
  ok(call('POST', '/v1/cases', { as, body: { templateId, applicant, details } }), 201);
const decide = (caseId: string, taskId: string, as: Actor, body: Record<string, unknown>) =>
  call('POST', `/v1/cases/${caseId}/tasks/${taskId}/decision`, { as, body });
const timeline = async (caseId: string) => ok(call('GET', `/v1/cases/${caseId}/history`, { as: auditor }));

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('the access table', () => {
  test('says what docs/access.md documents (a change here is a change of the rules)', () => {
    const involved = ['opening-dept', 'task-dept'];
    expect(ACCESS['GET /v1/cases/:caseId']).toEqual({ applicant: ['own-enterprise'], caseworker: involved, supervisor: involved, auditor: ['any'] });
    expect(ACCESS['GET /v1/cases']).toEqual({ applicant: ['own-enterprise'], caseworker: involved, supervisor: involved, auditor: ['any'] });
    for (const route of ['POST /v1/cases/:caseId/supplements', 'POST /v1/cases/:caseId/certificates', 'POST /v1/cases/:caseId/withdraw'] as const) {
      expect(ACCESS[route]).toEqual({ applicant: ['own-enterprise'], caseworker: ['opening-dept'] });
    }
    expect(ACCESS['GET /v1/cases/:caseId/history']).toEqual({ auditor: ['any'], supervisor: involved });
    expect(ACCESS['GET /v1/cases/:caseId/history/raw']).toEqual({ auditor: ['any'] });
    expect(ACCESS['property: applicant.contact']).toEqual({ caseworker: involved, supervisor: involved, auditor: ['any'] });
    // Admins manage templates and the key-SME list; they do not read case contents.
    for (const [route, rule] of Object.entries(ACCESS)) {
      if (route.includes('/v1/cases')) expect(rule, route).not.toHaveProperty('admin');
    }
  });
});

describe('four eyes', () => {
  test('whoever filed a certificate may not verify it', async () => {
    // Market regulation opened the case, so its caseworkers may file for the enterprise, and verify.
    const c = await open(person('mr-opener', 'market-regulation'), 'produce-first-epidemic-supplies', {
      pledge: { signedBy: 'Zhang Wei', text: 'We pledge.' },
      products: [{ name: 'suits' }],
      missing: ['product-inspection-report'],
    });
    await ok(decide(c.caseId, 'eligibility', person('it-officer', 'industry-it'), { outcome: 'approve' }));
    const filer = person('mr-filer', 'market-regulation');
    const document = await uploadDocument(stack.baseUrl, filer, 'pir');
    const filed = await ok(
      call('POST', `/v1/cases/${c.caseId}/certificates`, {
        as: filer,
        body: { qualification: 'product-inspection-report', number: 'PIR-1', issuer: 'Lab', issuedAt: '2020-03-01', document },
      }),
    );
    expect(filed.obligations[0].filings[0].filedBy).toBe('mr-filer');
    await refused(
      decide(c.caseId, 'verify:product-inspection-report', filer, { outcome: 'approve' }),
      403,
      /four eyes: you are the person who filed this certificate/,
    );
    const verified = await ok(decide(c.caseId, 'verify:product-inspection-report', person('mr-verifier', 'market-regulation'), { outcome: 'approve' }));
    expect(verified.status).toBe('certified');

    const filedEntry = (await timeline(c.caseId)).find((e: any) => e.type === 'certificate-filed');
    expect(filedEntry).toMatchObject({ actor: { sub: 'mr-filer', dept: 'market-regulation' }, details: { onBehalfOf: applicant.creditCode } });
  });

  test('whoever filed a supplement may not decide the task that asked for it', async () => {
    const c = await open(person('h-opener', 'health'), 'mask-line-fast-track');
    const asker = person('h-asker', 'health');
    await ok(decide(c.caseId, 'health', asker, { outcome: 'request-info', requestedDocuments: ['floor plan'] }));
    const filer = person('h-filer', 'health');
    const plan = await uploadDocument(stack.baseUrl, filer, 'floor-plan');
    const resumed = await ok(call('POST', `/v1/cases/${c.caseId}/supplements`, { as: filer, body: { documents: [plan] } }));
    expect(resumed.status).toBe('in-review');
    await refused(decide(c.caseId, 'health', filer, { outcome: 'approve' }), 403, /four eyes: you are the person who filed the supplement/);
    // Other tasks were not asked, so the filer's department colleagues and the filer elsewhere are unaffected.
    const decided = await ok(decide(c.caseId, 'health', asker, { outcome: 'approve' }));
    expect(decided.tasks.find((t: any) => t.taskId === 'health')).toMatchObject({ outcome: 'approve', decidedBy: 'h-asker' });

    const entries = await timeline(c.caseId);
    expect(entries.find((e: any) => e.type === 'supplement-filed')).toMatchObject({ actor: { sub: 'h-filer' }, details: { onBehalfOf: applicant.creditCode } });
  });

  test('the applicant itself is recorded without an on-behalf mark', async () => {
    const c = await open(person('sc-opener', 'service-centre'), 'mask-line-fast-track');
    await ok(call('POST', `/v1/cases/${c.caseId}/withdraw`, { as: applicantActor, body: { reason: 'plans changed' } }));
    const entry = (await timeline(c.caseId)).find((e: any) => e.type === 'withdrawn');
    expect(entry).toMatchObject({ actor: { sub: applicantActor.sub }, details: { reason: 'plans changed' } });
    expect(entry.details).not.toHaveProperty('onBehalfOf');
  });
});

describe('requests a process does not have', () => {
  test('a certificate for a one-stop or a claim case is a 409 naming the process, and changes nothing', async () => {
    const opener = person('sc-opener', 'service-centre');
    const oneStop = await open(opener, 'mask-line-fast-track');
    const claim = await open(opener, 'liability-claim-fast-channel', {
      policyNumber: 'PL-1',
      claimedAmount: { amount: 1_000_000, currency: 'CNY' },
      loss: { description: 'water damage', occurredAt: '2020-02-01' },
    });
    const document = await uploadDocument(stack.baseUrl, applicantActor, 'production-licence');
    const cert = { qualification: 'production-licence', number: 'PL-1', issuer: 'x', issuedAt: '2020-03-01', document };
    for (const [c, kind] of [
      [oneStop, 'one-stop-approval'],
      [claim, 'claim-prepayment'],
    ] as const) {
      const r = await call('POST', `/v1/cases/${c.caseId}/certificates`, { as: applicantActor, body: cert });
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body.detail).toContain(kind);
      const after = await ok(call('GET', `/v1/cases/${c.caseId}`, { as: auditor }));
      expect(after.status).toBe('in-review');
    }
  });
});
