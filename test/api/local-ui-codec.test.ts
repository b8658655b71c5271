/**
 * The local Temporal Web UI of `npm start` (no sign-in) on the development secret: its decodes are
 * signed in as the local auditor and logged as that auditor's reads; its encodes are not signed in
 * at all, since encoding is for admins only (api/local-ui-access.ts). Real stack.
 */
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { codecCorsOrigins } from '../../api/codec-cors.js';
import { LOCAL_UI_ACTOR } from '../../api/local-ui-access.js';
import type { Actor } from '../../common/types.js';
import { DEV_JWT_SECRET } from '../../infra/config.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';

let stack: Stack;
let call: ReturnType<typeof api>;
let uiOrigin: string;
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"a":1}').toString('base64') };

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'), {}, { developmentAuth: true });
  call = api(stack.baseUrl);
  uiOrigin = codecCorsOrigins(stack.config)[0]!;
});
afterAll(async () => {
  await stack?.teardown();
});

const devToken = (actor: Actor) => tokenFor(actor, DEV_JWT_SECRET);
const codec = async (op: 'decode' | 'encode', headers: Record<string, string>, token?: string) =>
  call('POST', `/codec/${op}`, { body: { payloads: [plain] }, headers: { 'x-namespace': stack.namespace, ...headers }, ...(token ? { token } : {}) });

test("the UI's decodes are the local auditor's, and in the access log as such", async () => {
  const r = await codec('decode', { origin: uiOrigin });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.payloads).toEqual([plain]);
  expect((await codec('decode', { origin: 'http://evil.example' })).status).toBe(401);
  expect((await codec('decode', {})).status).toBe(401);

  const log = await call('GET', `/v1/audit/access?sub=${LOCAL_UI_ACTOR.sub}`, { token: await devToken(auditor) });
  expect(log.status, JSON.stringify(log.body)).toBe(200);
  expect(log.body.items).toHaveLength(1);
  expect(log.body.items[0]).toMatchObject({
    caseId: null,
    action: 'codec-decode',
    actor: { sub: LOCAL_UI_ACTOR.sub, name: LOCAL_UI_ACTOR.name, roles: ['auditor'] },
    status: 200,
    codec: { namespace: stack.namespace, payloads: 1, origin: uiOrigin },
  });
});

test("the UI's encodes get no local sign-in (admins only): 401 without a token, 403 for an auditor's, 200 for an admin's", async () => {
  const none = await codec('encode', { origin: uiOrigin });
  expect(none.status).toBe(401);
  expect(none.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  expect((await codec('encode', { origin: uiOrigin }, await devToken(auditor))).status).toBe(403);
  const ok = await codec('encode', { origin: uiOrigin }, await devToken(admin));
  expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  expect(Buffer.from(ok.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
});
