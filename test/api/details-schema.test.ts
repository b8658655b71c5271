/**
 * What the opening form reads, against the real stack: GET /v1/templates/{id}/details-schema for
 * every builtin template (claims in the template's currency, produce-first's missing qualifications
 * exactly its obligations, one-stop's free-form details), ?version=, 404s and 400s; a property check
 * per process kind that the schema and the server agree (an opening the schema describes is opened,
 * one it refuses is refused at its path), with an independent validator (Ajv, draft 2020-12); and the
 * key-SME lookup the form shows (caseworkers any enterprise, applicants their own only).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { creditCodeCheckChar } from '../../common/credit-code.js';
import type { Actor } from '../../common/types.js';
import { applicant, applicantActor, opener } from '../support/fixtures.js';
import { api, startStack, type Stack } from '../support/stack.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

let stack: Stack;
let call: ReturnType<typeof api>;

const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const BUILTINS = {
  'liability-claim-fast-channel': 'claim-prepayment',
  'mask-line-fast-track': 'one-stop-approval',
  'epidemic-supplies-project': 'one-stop-approval',
  'produce-first-epidemic-supplies': 'produce-first-certify-later',
} as const;

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

async function detailsSchema(id: string, query = ''): Promise<any> {
  const r = await call('GET', `/v1/templates/${id}/details-schema${query}`, { as: opener });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function template(id: string): Promise<any> {
  const r = await call('GET', `/v1/templates/${id}`, { as: opener });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

describe('GET /v1/templates/{id}/details-schema', () => {
  test.each(Object.entries(BUILTINS))('%s: its template, version and kind, with a draft 2020-12 schema', async (id, kind) => {
    const t = await template(id);
    const d = await detailsSchema(id);
    expect(d).toMatchObject({ templateId: id, version: t.version, kind, title: t.title });
    expect(d.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(d.schema.type).toBe('object');
  });

  test("claims: the claimed amount is money in the template's currency", async () => {
    const t = await template('liability-claim-fast-channel');
    const { schema } = await detailsSchema('liability-claim-fast-channel');
    const money = schema.properties.claimedAmount;
    expect(Object.keys(money.properties).sort()).toEqual(['amount', 'currency']);
    expect(money.properties.amount.type).toBe('integer');
    expect(money.properties.currency.const).toBe(t.prepayment.approvalThreshold.currency);
    expect(schema.required).toEqual(expect.arrayContaining(['policyNumber', 'claimedAmount', 'loss']));
  });

  test("produce-first: the missing qualifications are exactly the template's obligations", async () => {
    const t = await template('produce-first-epidemic-supplies');
    const { schema } = await detailsSchema('produce-first-epidemic-supplies');
    expect(schema.properties.missing.items.enum).toEqual(t.obligations.map((o: any) => o.qualification));
    expect(schema.properties.products).toMatchObject({ type: 'array', minItems: 1 });
  });

  test('one-stop: free-form details, named fields of any value', async () => {
    const { schema } = await detailsSchema('mask-line-fast-track');
    expect(schema.properties).toBeUndefined();
    expect(schema.additionalProperties).toEqual({});
  });

  test('?version= answers that version; without it, the latest', async () => {
    const base = { ...(await template('produce-first-epidemic-supplies')), id: 'details-schema-versions' };
    for (const k of ['version', 'deployedBy', 'deployedAt']) delete base[k];
    const first = await call('POST', '/v1/templates', { as: admin, body: base });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const second = await call('POST', '/v1/templates', { as: admin, body: { ...base, obligations: base.obligations.slice(0, 1) } });
    expect(second.status, JSON.stringify(second.body)).toBe(201);

    const latest = await detailsSchema('details-schema-versions');
    expect(latest.version).toBe(second.body.version);
    expect(latest.schema.properties.missing.items.enum).toEqual([base.obligations[0].qualification]);
    const older = await detailsSchema('details-schema-versions', `?version=${first.body.version}`);
    expect(older.version).toBe(first.body.version);
    expect(older.schema.properties.missing.items.enum).toEqual(base.obligations.map((o: any) => o.qualification));
  });

  test.each([
    ['an unknown template', '/v1/templates/no-such-template/details-schema', 404],
    ['an unknown version', '/v1/templates/mask-line-fast-track/details-schema?version=99', 404],
    ['a bad id', '/v1/templates/Not_A_Slug!/details-schema', 400],
    ['a bad version', '/v1/templates/mask-line-fast-track/details-schema?version=0', 400],
  ])('%s: %s is %i with problem details', async (_what, path, status) => {
    const r = await call('GET', path, { as: opener });
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ status, detail: expect.any(String) });
  });
});

// ---- the schema and the server agree ------------------------------------------------------

const text = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .,-]{0,30}$/);
const blank = fc.constantFrom('', '   ');
/** Mostly what the schema describes, sometimes not: a field left out, blank, of the wrong kind. */
const sometimes = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 4, arbitrary: good }, ...bad.map((b) => ({ weight: 1, arbitrary: b })));

const claimDetails = fc.record(
  {
    policyNumber: sometimes(text, blank, fc.integer()),
    claimedAmount: fc.record({
      amount: sometimes(fc.integer({ min: 1, max: 10 ** 12 }), fc.constantFrom(0, -100, 1.5)),
      currency: sometimes(fc.constant('CNY'), fc.constantFrom('USD', 'cny')),
    }),
    loss: fc.record({
      description: sometimes(text, blank),
      occurredAt: sometimes(fc.constantFrom('2026-03-01', '2026-03-01T08:30:00+08:00', '2026-03-01T00:30:00Z'), fc.constantFrom('yesterday', '2026-02-30')),
    }),
  },
  { requiredKeys: ['claimedAmount', 'loss'] },
);

const OBLIGATIONS = ['production-licence', 'medical-device-registration', 'product-inspection-report'];
const produceFirstDetails = fc.record(
  {
    pledge: fc.record({ signedBy: sometimes(text, blank), text: sometimes(text, blank) }),
    products: sometimes(fc.array(fc.record({ name: text, description: text }, { requiredKeys: ['name'] }), { minLength: 1, maxLength: 3 }), fc.constant([])),
    missing: sometimes(fc.subarray(OBLIGATIONS, { minLength: 1 }), fc.constant([]), fc.constant(['no-such-qualification'])),
  },
  { requiredKeys: ['products'] },
);

const oneStopDetails = sometimes(
  fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z]{0,15}$/), fc.oneof(text, fc.integer(), fc.boolean()), { maxKeys: 4 }),
  fc.constantFrom('masks', 42),
  fc.array(fc.integer(), { maxLength: 2 }),
);

const KINDS = [
  { templateId: 'liability-claim-fast-channel', details: claimDetails as fc.Arbitrary<unknown> },
  { templateId: 'produce-first-epidemic-supplies', details: produceFirstDetails as fc.Arbitrary<unknown> },
  { templateId: 'mask-line-fast-track', details: oneStopDetails },
];

describe('an opening the schema describes is opened, one it refuses is refused', () => {
  test.each(KINDS)('$templateId', async ({ templateId, details }) => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const valid: ValidateFunction = ajv.compile((await detailsSchema(templateId)).schema);
    const seen = { opened: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(details, async (d) => {
        const r = await call('POST', '/v1/cases', { as: opener, body: { templateId, applicant, details: d } });
        if (valid(d)) {
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          seen.opened++;
        } else {
          expect(r.status, `${JSON.stringify(d)} → ${JSON.stringify(r.body)}`).toBe(400);
          expect(r.body.errors.length).toBeGreaterThan(0);
          for (const e of r.body.errors) expect(e.path).toMatch(/^body\.details(\.|$)/);
          seen.refused++;
        }
      }),
      { numRuns: 14, seed: 20261204 },
    );
    expect(seen.opened, 'some openings the schema describes').toBeGreaterThan(0);
    expect(seen.refused, 'some it refuses').toBeGreaterThan(0);
  });
});

// ---- the key-SME lookup the form shows ----------------------------------------------------

describe('GET /v1/key-smes/{creditCode} for the opening form', () => {
  const unlisted = (() => {
    const first17 = '91110108MA0000777';
    return first17 + creditCodeCheckChar(first17);
  })();
  const otherApplicant: Actor = { sub: 'other-user', name: 'Li Na', roles: ['applicant'], org: unlisted };
  const caseworker: Actor = { ...opener, sub: 'form-caseworker' };

  beforeAll(async () => {
    const r = await call('PUT', `/v1/key-smes/${applicant.creditCode}`, { as: admin, body: { name: applicant.name, reason: 'mask maker' } });
    expect([200, 201]).toContain(r.status);
  });

  const listed = async () => (await call('GET', '/v1/key-smes', { as: admin })).body;

  test.each([
    ['a caseworker, a listed enterprise', 200, caseworker, applicant.creditCode],
    ['a caseworker, an unlisted one', 404, caseworker, unlisted],
    ['an applicant, its own listed enterprise', 200, applicantActor, applicant.creditCode],
    ['an applicant, its own unlisted enterprise', 404, otherApplicant, unlisted],
    ["an applicant, another's listed enterprise", 403, otherApplicant, applicant.creditCode],
    ["an applicant, another's unlisted enterprise", 403, applicantActor, unlisted],
  ] as const)('%s: %i', async (_who, status, as, code) => {
    const before = await listed();
    const r = await call('GET', `/v1/key-smes/${code}`, { as });
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (status === 200) expect(r.body).toMatchObject({ creditCode: code, name: applicant.name });
    else expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // Another's refusal says nothing of whether it is listed: the same words either way.
    if (status === 403) expect(r.body.detail).toBe('an applicant may look up only its own enterprise');
    expect(await listed()).toEqual(before);
  });

  test('a code whose check character is wrong is 400, at its path', async () => {
    const bad = applicant.creditCode.slice(0, 17) + (applicant.creditCode.endsWith('3') ? '4' : '3');
    const r = await call('GET', `/v1/key-smes/${bad}`, { as: caseworker });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors.map((e: any) => e.path)).toEqual(['path.creditCode']);
  });
});
