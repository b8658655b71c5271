/**
 * GET /v1/template-schemas: each process's template schema as JSON Schema, the one deploys are
 * validated with. Checked with an independent JSON Schema validator (Ajv, draft 2020-12): every
 * built-in template is valid under its kind's schema, and what the schema refuses the deploy route
 * refuses too, at the same field, deploying nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { Actor } from '../../common/types.js';
import { CASE_KINDS, PROCESSES } from '../../processes/registry.js';
import { api, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const applicantActor: Actor = { sub: 'acme-user', name: 'Zhang Wei', roles: ['applicant'], org: '91350100M000100Y43' };

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'));
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

/** The built-in templates of every process, as shipped. */
const builtins = PROCESSES.flatMap((p) => {
  const dir = path.resolve('processes', p.folder, 'builtin');
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown> & { kind: string; id: string });
});

async function validators() {
  const r = await call('GET', '/v1/template-schemas', { as: applicantActor });
  expect(r.status).toBe(200);
  // Formats are the server's to judge (zod's own patterns ride along in the schema).
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  return new Map((r.body as { kind: string; schema: object }[]).map((s) => [s.kind, ajv.compile(s.schema)]));
}

test('one schema per process kind, readable by every role', async () => {
  const r = await call('GET', '/v1/template-schemas', { as: applicantActor });
  expect(r.body.map((s: any) => s.kind)).toEqual([...CASE_KINDS]);
  for (const s of r.body) expect(s.schema.properties.kind).toEqual({ type: 'string', const: s.kind });
  expect((await call('GET', '/v1/template-schemas')).status).toBe(401);
});

test('every built-in template is valid under its kind’s published schema', async () => {
  const byKind = await validators();
  expect(builtins.length).toBeGreaterThanOrEqual(PROCESSES.length);
  for (const t of builtins) {
    const validate = byKind.get(t.kind)!;
    expect(validate(t), `${t.id}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }
});

test('what the schema refuses, deploying refuses at the same field, and nothing is deployed', async () => {
  const byKind = await validators();
  const one = builtins.find((t) => t.kind === 'one-stop-approval')!;
  const bad = { ...one, id: 'schema-refusal-check', sla: 'two days' };
  const validate = byKind.get(one.kind)!;
  expect(validate(bad)).toBe(false);
  expect(validate.errors!.some((e) => e.instancePath === '/sla')).toBe(true);
  const r = await call('POST', '/v1/templates', { as: admin, body: bad });
  expect(r.status).toBe(400);
  expect(r.body.errors.map((e: any) => e.path)).toContain('body.sla');
  expect((await call('GET', '/v1/templates/schema-refusal-check', { as: admin })).status).toBe(404);
});
