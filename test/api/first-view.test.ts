/**
 * An opening is answered from the case's input (publication/first-view.ts), not by asking its workflow.
 * For every built-in template, with its calendar and with a wall-clock and a working-time variant,
 * the 201 body must be the case exactly as its workflow then shows it (the query) and publishes it
 * (the projection behind lists): the same code, the same input, the same instant. Only `remainingMs`
 * differs, which the API counts to the moment of each answer.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { CaseStatusKey } from '../../common/search-attributes.js';
import type { Actor } from '../../common/types.js';
import { loadBuiltinTemplates } from '../../templates/builtin.js';
import { uploadDocument } from '../support/documents.js';
import { applicant, opener } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

let stack: Stack;
let call: ReturnType<typeof api>;
const auditor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };
const admin: Actor = { sub: 'root', name: 'Root', roles: ['admin'] };

const DETAILS: Record<string, Record<string, unknown>> = {
  'one-stop-approval': { product: 'masks' },
  'produce-first-certify-later': {
    pledge: { signedBy: 'Zhang Wei', text: 'We will obtain every certificate in time.' },
    products: [{ name: 'medical masks' }],
  },
  'claim-prepayment': {
    policyNumber: 'PL-2020-0001',
    claimedAmount: { amount: 50_000_000, currency: 'CNY' },
    loss: { description: 'production halted by quarantine', occurredAt: '2020-02-01' },
  },
};

/** The case without `remainingMs`, which the API counts down to each answer's own moment. */
const timeless = (c: { tasks: { remainingMs: unknown }[] }) => ({ ...c, tasks: c.tasks.map(({ remainingMs: _, ...t }) => t) });

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

describe('the answer to an opening is the case its workflow shows', () => {
  const templates = loadBuiltinTemplates();
  test.each(templates.map((t) => [t.id, t.kind] as const))('%s (%s)', async (templateId, kind) => {
    // Opened with a document, which the first view must show as the workflow records it.
    const notice = await uploadDocument(stack.baseUrl, opener, `notice-${templateId}`);
    const opened = await call('POST', '/v1/cases', { as: opener, body: { templateId, applicant, details: DETAILS[kind], documents: [notice] } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.tasks.length).toBeGreaterThan(0);
    expect(opened.body.documents).toEqual([
      { digest: notice.digest, name: `notice-${templateId}.pdf`, mediaType: 'application/pdf', size: expect.any(Number) },
    ]);
    expect(opened.body.documents[0].size).toBeGreaterThan(0);

    const read = await call('GET', `/v1/cases/${opened.body.caseId}`, { as: opener });
    expect(read.status).toBe(200);
    expect(timeless(read.body)).toEqual(timeless(opened.body));

    // The projection (what lists show) is the workflow's first publication: the same case.
    const listed = await waitFor(
      async () => {
        const r = await call('GET', `/v1/cases?templateId=${templateId}&limit=200`, { as: auditor });
        return r.body.items.find((c: { caseId: string }) => c.caseId === opened.body.caseId);
      },
      (c) => c !== undefined,
    );
    expect(listed.sla).toEqual(opened.body.sla);
    expect(listed.status).toBe(opened.body.status);
    expect(listed.openedAt).toBe(opened.body.openedAt);

    // Its search attributes were set as it started, and its first publication did not write them again.
    const handle = stack.client.workflow.getHandle(opened.body.caseId);
    expect((await handle.describe()).typedSearchAttributes.get(CaseStatusKey)).toBe(opened.body.status);
    // Once the first workflow task has completed (its publication's marker is in the history):
    const events = await waitFor(
      async () => (await handle.fetchHistory()).events ?? [],
      (es) => es.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
    );
    const upserts = events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes);
    const caseUpserts = upserts.filter((e) =>
      Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}).includes('CaseStatus'),
    );
    expect(caseUpserts).toEqual([]);
  });

  test('a template counted in working days, opened on its calendar', async () => {
    const deployed = await call('POST', '/v1/templates', {
      as: admin,
      body: { ...templates.find((t) => t.id === 'mask-line-fast-track'), id: 'first-view-working-days', sla: { workingDays: 2 }, calendar: 'cn-mainland' },
      headers: { 'idempotency-key': 'first-view-working-days' },
    });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(201);
    const opened = await call('POST', '/v1/cases', { as: opener, body: { templateId: 'first-view-working-days', applicant, details: {} } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    expect(opened.body.sla.calendar).toEqual({ id: 'cn-mainland', version: expect.any(Number) });
    expect(opened.body.documents).toEqual([]); // opened without documents
    const read = await call('GET', `/v1/cases/${opened.body.caseId}`, { as: opener });
    expect(timeless(read.body)).toEqual(timeless(opened.body));
  });
});
