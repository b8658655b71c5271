/**
 * Personal data is encrypted in Temporal, on the real stack: what Temporal holds (and
 * the real `temporal` CLI prints) has no applicant contact or pledge in clear; the API, the timeline
 * and the raw history still show them to those allowed; the archive keeps the ciphertext and its
 * chain still verifies; a rotated key list reads old cases and writes with the new key; and the
 * codec endpoint serves the Web UI and the CLI (decoding for auditors, each decode in the access
 * log; encoding for admins; CORS for the UI's origin).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { decodeHistoryJson } from '../../audit/decoded-history.js';
import type { Actor } from '../../common/types.js';
import { resolveTemporalCli } from '../../infra/binaries.js';
import { ENCODING, KEY_ID_METADATA } from '../../infra/payload-codec.js';
import { decideUpdate, getCaseQuery } from '../../workflows/definitions.js';
import { archiveClosedCases } from '../../workers/archiver.js';
import { createCaseWorker } from '../../workers/worker.js';
import { applicant, opener, staff } from '../support/fixtures.js';
import { codecFor, dataConverterFor, randomKeyEntry } from '../support/payload-keys.js';
import { api, startStack, tokenFor, type Stack } from '../support/stack.js';
import { bundle } from '../support/temporal.js';

const run = promisify(execFile);
const KEY_A = randomKeyEntry('key-a');
const KEY_B = randomKeyEntry('key-b');
const auditor: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: ['auditor'] };
const supervisor: Actor = { sub: 'sam', name: 'Sam Supervisor', roles: ['supervisor'], dept: 'health' };
const admin: Actor = { sub: 'root', name: 'Admin', roles: ['admin'] };
const pledge = { signedBy: 'Zhang Wei, legal representative', text: 'We pledge to obtain every missing qualification in time.' };
const PERSONAL = [applicant.contact.name, applicant.contact.phone, applicant.contact.email, pledge.text];
const ENCRYPTED_B64 = Buffer.from(ENCODING).toString('base64');
const UI_ORIGIN = 'http://localhost:8233';

let stack: Stack;
let call: ReturnType<typeof api>;
const cli = resolveTemporalCli();

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'), { PAYLOAD_KEYS: KEY_A });
  call = api(stack.baseUrl);
});
afterAll(async () => {
  await stack?.teardown();
});

async function openCase(templateId: string, details: Record<string, unknown>): Promise<any> {
  const r = await call('POST', '/v1/cases', { as: opener, body: { templateId, applicant, details } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function temporal(...args: string[]): Promise<string> {
  if (!cli) throw new Error('the temporal CLI is not installed (scripts/setup-tools.sh)');
  const { stdout } = await run(cli, [...args, '--address', stack.address, '--namespace', stack.namespace], { maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

/** What core writes in plain beside a local activity's (encrypted) result. */
const LOCAL_ACTIVITY_MARKER_KEYS = ['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'original_schedule_time', 'seq'];

const decodedJson = (p: { data?: string }) => Buffer.from(p.data ?? '', 'base64').toString('utf8');

/** Every payload in a JSON history (by shape), with where it sits, its encoding and its data as text. */
function payloadsIn(node: unknown, at = ''): { at: string; encoding: string; text: string }[] {
  if (!node || typeof node !== 'object') return [];
  const meta = (node as { metadata?: Record<string, string> }).metadata;
  if (meta && typeof meta.encoding === 'string') {
    return [{ at, encoding: Buffer.from(meta.encoding, 'base64').toString(), text: decodedJson(node as { data?: string }) }];
  }
  return Object.entries(node).flatMap(([k, v]) => payloadsIn(v, `${at}.${k}`));
}

/**
 * What a reader without the keys sees: every payload is encrypted, except search attributes (the
 * server must read those to index them), patch markers (the SDK records a `patched()` id in
 * plain: `{"id":"…","deprecated":false}`) and local-activity markers' bookkeeping (core records
 * `{"seq","attempt","activity_id","activity_type",…}` in plain; the result itself is encrypted), and
 * none of them, decoded, holds personal data.
 */
function expectNoPersonalDataInClear(history: unknown, encrypted = true): void {
  const payloads = payloadsIn(history);
  if (encrypted) expect(payloads.filter((p) => p.encoding === ENCODING).length).toBeGreaterThan(0);
  const plain = payloads.filter((p) => p.encoding !== ENCODING);
  for (const p of plain) expect(p.at).toMatch(/searchAttributes|markerRecordedEventAttributes\.details\.(patch-data|data)/);
  for (const p of plain.filter((x) => /details\.data/.test(x.at))) expect(Object.keys(JSON.parse(p.text)).sort()).toEqual(LOCAL_ACTIVITY_MARKER_KEYS);
  for (const p of plain) for (const s of PERSONAL) expect(p.text).not.toContain(s);
  for (const s of PERSONAL) expect(JSON.stringify(history)).not.toContain(s);
}

test('Temporal (as the temporal CLI shows it) holds no contact or pledge in clear; the API and an auditor through the codec endpoint still read them', async () => {
  const opened = await openCase('produce-first-epidemic-supplies', { pledge, products: [{ name: 'medical protective suits' }] });
  const caseId: string = opened.caseId;
  // The opening department is on the case, so it sees the contact person (property-level access).
  expect(opened.applicant).toEqual({ creditCode: applicant.creditCode, name: applicant.name, contact: applicant.contact });
  const read = await call('GET', `/v1/cases/${caseId}`, { as: opener });
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ status: 'in-review', applicant: { name: applicant.name } });
  expect(read.body.pledge).toMatchObject(pledge);

  const shown = await temporal('workflow', 'show', '--workflow-id', caseId, '--output', 'json');
  expect(shown).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
  expectNoPersonalDataInClear(JSON.parse(shown));
  // Nor in search attributes or memo (ApplicantCode, the public credit code, is the only applicant datum).
  const described = await temporal('workflow', 'describe', '--workflow-id', caseId, '--output', 'json');
  expect(described).toContain('ApplicantCode');
  // (a description holds no encrypted payload: no memo; search attributes stay plain for indexing)
  expectNoPersonalDataInClear(JSON.parse(described), false);
  expect(payloadsIn(JSON.parse(described)).some((p) => p.text.includes(applicant.creditCode))).toBe(true);

  // The same CLI through the API's codec endpoint, with an auditor's token, shows them decoded.
  const decoded = await temporal(
    'workflow',
    'show',
    '--workflow-id',
    caseId,
    '--output',
    'json',
    '--codec-endpoint',
    `${stack.baseUrl}/codec`,
    '--codec-auth',
    `Bearer ${await tokenFor(auditor)}`,
  );
  expect(decoded).not.toContain(ENCRYPTED_B64);
  const start = JSON.parse(decoded).events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
  expect(JSON.parse(decodedJson(start)).applicant.contact).toEqual(applicant.contact);

  // The timeline (the pledge is part of the opening) is derived from decoded payloads.
  const timeline = await call('GET', `/v1/cases/${caseId}/history`, { as: auditor });
  expect(timeline.status, JSON.stringify(timeline.body)).toBe(200);
  expect(timeline.body[0]).toMatchObject({ type: 'case-opened', details: { pledge } });
});

test('timeline and raw history show auditors decoded data; the archive keeps the ciphertext and its chain verifies', async () => {
  const opened = await openCase('mask-line-fast-track', {});
  const caseId: string = opened.caseId;
  for (const t of opened.tasks) {
    const r = await call('POST', `/v1/cases/${caseId}/tasks/${t.taskId}/decision`, {
      as: staff(t.dept),
      body: { outcome: 'approve', comment: `checked by ${t.dept}` },
    });
    expect(r.status).toBe(200);
  }
  await stack.client.workflow.getHandle(caseId).result();

  const checkRaw = (body: any) => {
    const input = body.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    expect(Buffer.from(input.metadata.encoding, 'base64').toString()).toBe('json/plain');
    expect(JSON.parse(decodedJson(input)).applicant.contact).toEqual(applicant.contact);
    expect(JSON.stringify(body)).not.toContain(ENCRYPTED_B64);
  };
  const raw = await call('GET', `/v1/cases/${caseId}/history/raw`, { as: auditor });
  expect(raw.status).toBe(200);
  checkRaw(raw.body);
  const timeline = await call('GET', `/v1/cases/${caseId}/history`, { as: supervisor });
  expect(timeline.status).toBe(200);
  expect(timeline.body[0]).toMatchObject({ type: 'case-opened', details: { applicant: { creditCode: applicant.creditCode, name: applicant.name } } });
  const decisions = timeline.body.filter((e: any) => e.type === 'decision');
  expect(decisions.map((e: any) => e.details.comment).sort()).toEqual(opened.tasks.map((t: any) => `checked by ${t.dept}`).sort());
  expect(timeline.body.at(-1)).toMatchObject({ type: 'case-closed', details: { status: 'approved' } });

  await vi.waitFor(
    async () => {
      await archiveClosedCases(stack.db.pool, stack.client, pino({ level: 'silent' }));
      expect((await stack.db.pool.query('SELECT 1 FROM archived_cases WHERE case_id = $1', [caseId])).rowCount).toBe(1);
    },
    { timeout: 15_000, interval: 200 },
  );
  const { rows } = await stack.db.pool.query<{ event: string }>('SELECT event::text AS event FROM history_archive WHERE case_id = $1 ORDER BY event_id', [
    caseId,
  ]);
  expectNoPersonalDataInClear({ events: rows.map((r) => JSON.parse(r.event)) });
  expect(rows.map((r) => r.event).join('\n')).not.toContain('checked by health');

  const verified = await call('GET', `/v1/cases/${caseId}/audit/verify`, { as: auditor });
  expect(verified.body).toMatchObject({ valid: true, entries: rows.length });
  const fromArchive = await call('GET', `/v1/cases/${caseId}/history/raw`, { as: auditor });
  expect(fromArchive.headers.get('x-history-source')).toBe('archive');
  checkRaw(fromArchive.body);
  expect(fromArchive.body).toEqual(raw.body);
  const archivedTimeline = await call('GET', `/v1/cases/${caseId}/history`, { as: auditor });
  expect(archivedTimeline.headers.get('x-history-source')).toBe('archive');
  expect(archivedTimeline.body).toEqual(timeline.body);
});

describe('codec endpoint (Temporal codec-server protocol)', () => {
  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify({ phone: applicant.contact.phone })).toString('base64'),
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}, as: Actor | null = auditor) =>
    call('POST', path, { as: as ?? undefined, body, headers });

  test('an admin encodes, an auditor decodes (round trip); the ciphertext names its key; plain payloads decode as they are', async () => {
    const enc = await post('/codec/encode', { payloads: [plain] }, { 'x-namespace': stack.namespace }, admin);
    expect(enc.status, JSON.stringify(enc.body)).toBe(200);
    const [e] = enc.body.payloads;
    expect(e.metadata.encoding).toBe(ENCRYPTED_B64);
    expect(Buffer.from(e.metadata[KEY_ID_METADATA], 'base64').toString()).toBe('key-a');
    expect(decodedJson(e)).not.toContain(applicant.contact.phone);
    const dec = await post('/codec/decode', { payloads: [e, plain] }, { 'x-namespace': stack.namespace });
    expect(dec.status).toBe(200);
    expect(dec.body.payloads).toEqual([plain, plain]);
  });

  test('401 without a token, 403 for a non-auditor, 400 for bad base64, a foreign key or another namespace', async () => {
    const none = await post('/codec/decode', { payloads: [plain] }, { origin: UI_ORIGIN }, null);
    expect(none.status).toBe(401);
    // Errors carry the CORS headers too, so the UI can show why.
    expect(none.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect((await post('/codec/decode', { payloads: [plain] }, {}, staff('health'))).status).toBe(403);
    expect((await post('/codec/encode', { payloads: [plain] }, {}, supervisor)).status).toBe(403);
    // Encoding writes under the production key: admins only, not auditors.
    const auditorEncodes = await post('/codec/encode', { payloads: [plain] }, { 'x-namespace': stack.namespace }, auditor);
    expect(auditorEncodes.status).toBe(403);
    expect(auditorEncodes.body.payloads).toBeUndefined();
    expect((await post('/codec/decode', { payloads: [plain] }, {}, admin)).status).toBe(403);
    expect((await post('/codec/decode', { payloads: [{ data: 'not base64!' }] })).status).toBe(400);
    const [foreign] = await codecFor(KEY_B).encode([{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('{}') }]);
    const wire = {
      metadata: Object.fromEntries(Object.entries(foreign?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v as Uint8Array).toString('base64')])),
      data: Buffer.from(foreign?.data ?? []).toString('base64'),
    };
    const unknownKey = await post('/codec/decode', { payloads: [plain, wire] });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.detail).toMatch(/payloads\[1\]: payload encrypted with key "key-b", which is not among the configured keys/);
    const tampered = { ...wire, metadata: { ...wire.metadata, [KEY_ID_METADATA]: Buffer.from('key-a').toString('base64') } };
    expect((await post('/codec/decode', { payloads: [tampered] })).body.detail).toMatch(/failed authentication/);
    expect((await post('/codec/decode', { payloads: [plain] }, { 'x-namespace': 'someone-else' })).status).toBe(400);
  });

  test('CORS preflight for the Web UI origin; other origins get no CORS headers', async () => {
    const pre = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/).sort()).toEqual(['authorization', 'content-type', 'x-namespace']);
    const foreign = await fetch(`${stack.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const ok = await post('/codec/decode', { payloads: [plain] }, { origin: UI_ORIGIN });
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    // The rest of the API is not opened to the UI's origin.
    expect((await call('GET', '/healthz', { headers: { origin: UI_ORIGIN } })).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('every answered decode is in the access log: who, when, the namespace, how many payloads, the origin; refused ones are not', async () => {
    const reader: Actor = { sub: 'ulla', name: 'Ulla Codec', roles: ['auditor'], dept: 'inspection' };
    const before = Date.now();
    const [e] = (await post('/codec/encode', { payloads: [plain] }, {}, admin)).body.payloads;
    const dec = await post(
      '/codec/decode',
      { payloads: [e, plain, e] },
      { 'x-namespace': stack.namespace, origin: UI_ORIGIN, 'x-request-id': 'codec-read-1' },
      reader,
    );
    expect(dec.status).toBe(200);
    expect((await post('/codec/decode', { payloads: [] }, {}, reader)).status).toBe(200);
    // Refused: another namespace, bad input, a role that may not decode (the log has nothing of them).
    expect((await post('/codec/decode', { payloads: [plain] }, { 'x-namespace': 'someone-else' }, reader)).status).toBe(400);
    expect((await post('/codec/decode', { payloads: [{ data: 'not base64!' }] }, {}, reader)).status).toBe(400);

    const log = await call('GET', `/v1/audit/access?sub=ulla`, { as: auditor });
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(log.body.items).toHaveLength(2);
    const [empty, read] = log.body.items;
    expect(read).toMatchObject({
      caseId: null,
      action: 'codec-decode',
      actor: { sub: 'ulla', name: 'Ulla Codec', roles: ['auditor'], dept: 'inspection' },
      status: 200,
      requestId: 'codec-read-1',
      codec: { namespace: stack.namespace, payloads: 3, origin: UI_ORIGIN },
    });
    expect(new Date(read.at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(read.at).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(empty).toMatchObject({ action: 'codec-decode', codec: { namespace: stack.namespace, payloads: 0 } });
    expect(empty.codec.origin).toBeUndefined();
    // The log can be filtered to decodes; encoding reads nothing and is not logged.
    const decodes = await call('GET', '/v1/audit/access?action=codec-decode&limit=200', { as: auditor });
    expect(decodes.status).toBe(200);
    expect(decodes.body.items.every((i: any) => i.action === 'codec-decode' && i.caseId === null)).toBe(true);
    expect(decodes.body.items.some((i: any) => i.actor.sub === 'root')).toBe(false);
  });

  test('both routes are in /openapi.json', async () => {
    const doc = (await call('GET', '/openapi.json')).body;
    expect(doc.paths['/codec/decode'].post.description).toContain('auditor');
    expect(doc.paths['/codec/encode'].post.description).toContain('admin');
    expect(doc.paths['/codec/encode'].post.description).not.toContain('auditor');
    expect(doc.paths['/codec/encode'].post.requestBody.content['application/json'].schema).toBeDefined();
  });
});

// Last: it leaves the case with payloads the stack's own worker (key A only) cannot read.
test('key rotation: a case started with key A is read and decided with [B, A], its new payloads use B; B alone cannot read A', async () => {
  const opened = await openCase('mask-line-fast-track', {});
  const caseId: string = opened.caseId;
  await stack.stopWorker();

  const rotated = dataConverterFor(`${KEY_B},${KEY_A}`);
  const [nativeConnection, connection, workflowBundle] = await Promise.all([
    NativeConnection.connect({ address: stack.address }),
    Connection.connect({ address: stack.address }),
    bundle(),
  ]);
  const client = new Client({ connection, namespace: stack.namespace, dataConverter: rotated });
  const worker = await createCaseWorker({
    connection: nativeConnection,
    namespace: stack.namespace,
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    pool: stack.db.pool,
    dataConverter: rotated,
  });
  try {
    await worker.runUntil(async () => {
      const handle = client.workflow.getHandle(caseId);
      // A fresh worker replays the history from the start: key A's payloads must decode.
      const view = await handle.query(getCaseQuery);
      expect(view.applicant.name).toBe(applicant.name);
      const task = opened.tasks[0];
      await handle.executeUpdate(decideUpdate, {
        args: [{ taskId: task.taskId, outcome: 'approve', comment: 'rotated', actor: staff(task.dept) }],
      });
      const decided = await handle.query(getCaseQuery);
      expect(decided.tasks.find((t) => t.taskId === task.taskId)?.outcome).toBe('approve');
    });
    const history = JSON.parse(historyToJSON(await client.workflow.getHandle(caseId).fetchHistory()));
    const keyOf = (p: any) => Buffer.from(p.metadata[KEY_ID_METADATA], 'base64').toString();
    const startInput = history.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    expect(keyOf(startInput)).toBe('key-a');
    const accepted = history.events.find((e: any) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED');
    expect(keyOf(accepted.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest.input.args.payloads[0])).toBe('key-b');
    const completed = history.events.find((e: any) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED');
    expect(keyOf(completed.workflowExecutionUpdateCompletedEventAttributes.outcome.success.payloads[0])).toBe('key-b');

    // The rotated list reads everything; B alone fails clearly on A's payloads.
    const readable = await decodeHistoryJson(history, [codecFor(`${KEY_B},${KEY_A}`)]);
    expect(JSON.stringify(readable)).not.toContain(ENCRYPTED_B64);
    await expect(decodeHistoryJson(history, [codecFor(KEY_B)])).rejects.toThrow(/key "key-a", which is not among the configured keys \(key-b\)/);
  } finally {
    await nativeConnection.close();
    await connection.close();
  }
});
