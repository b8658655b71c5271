/** The payload codec, its key list, the history decoder and log redaction, without servers. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeHistoryJson } from '../../audit/decoded-history.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { ENCODING, KEY_ID_METADATA, PayloadDecryptionError } from '../../infra/payload-codec.js';
import { payloadToJson } from '../../infra/payload-json.js';
import { configuredPayloadKeys, ensureLocalPayloadKeyFile, parsePayloadKeys, requirePayloadKeys } from '../../infra/payload-keys.js';
import { codecFor, randomKeyEntry } from '../support/payload-keys.js';

const A = randomKeyEntry('a');
const B = randomKeyEntry('b');
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString();
const secret = { contact: { name: 'Zhang Wei', phone: '+86 591 8888 0000', email: 'zhang.wei@acme.example' } };
const plain = (): Payload => defaultPayloadConverter.toPayload(secret);

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'onestop-keys-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('AesGcmPayloadCodec', () => {
  test('encrypts with the newest key, names it, and decodes back to the same payload', async () => {
    const codec = codecFor(`${B},${A}`);
    const [enc] = await codec.encode([plain()]);
    expect(text(enc?.metadata?.encoding)).toBe(ENCODING);
    expect(text(enc?.metadata?.[KEY_ID_METADATA])).toBe('b');
    expect(text(enc?.data)).not.toContain('Zhang Wei');
    const [dec] = await codec.decode([enc as Payload]);
    expect(defaultPayloadConverter.fromPayload(dec as Payload)).toEqual(secret);
    expect(text(dec?.metadata?.encoding)).toBe('json/plain');
  });

  test('a fresh IV each time: the same payload never encrypts the same', async () => {
    const codec = codecFor(A);
    const [x, y] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(x?.data ?? []).equals(Buffer.from(y?.data ?? []))).toBe(false);
  });

  test('rotation: [B, A] reads what A wrote; A alone cannot read B, with an error naming the key', async () => {
    const [byA] = await codecFor(A).encode([plain()]);
    const [read] = await codecFor(`${B},${A}`).decode([byA as Payload]);
    expect(defaultPayloadConverter.fromPayload(read as Payload)).toEqual(secret);
    const [byB] = await codecFor(`${B},${A}`).encode([plain()]);
    const err = await codecFor(A)
      .decode([byB as Payload])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadDecryptionError);
    expect((err as Error).message).toMatch(/key "b", which is not among the configured keys \(a\)/);
  });

  test('altered ciphertext or a relabelled key id fails authentication; unencrypted payloads pass through', async () => {
    const codec = codecFor(`${A},${randomKeyEntry('c')}`);
    const [enc] = (await codec.encode([plain()])) as [Payload];
    const flipped = Buffer.from(enc.data ?? []);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...enc, data: flipped }])).rejects.toThrow(/failed authentication/);
    const relabelled = { ...enc, metadata: { ...enc.metadata, [KEY_ID_METADATA]: new TextEncoder().encode('c') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...enc, data: new Uint8Array(5) }])).rejects.toThrow(/too short/);
    const p = plain();
    expect(await codec.decode([p])).toEqual([p]);
  });
});

describe('key list', () => {
  test('newest first; bad entries are refused naming the variable, never echoing the key', () => {
    expect(parsePayloadKeys(`${B}, ${A}\n`, 'PAYLOAD_KEYS').map((k) => k.id)).toEqual(['b', 'a']);
    const short = `k1:${Buffer.alloc(16).toString('base64')}`;
    expect(() => parsePayloadKeys(short, 'PAYLOAD_KEYS')).toThrow(/^PAYLOAD_KEYS: key "k1" is 16 bytes; AES-256 needs 32/);
    expect(() => parsePayloadKeys('k1:not*base64', 'PAYLOAD_KEYS')).toThrow(/key "k1" is not base64/);
    expect(() => parsePayloadKeys(Buffer.alloc(32).toString('base64'), 'PAYLOAD_KEYS')).toThrow(/"id:base64key"/);
    expect(() => parsePayloadKeys(`${A},${A}`, 'PAYLOAD_KEYS')).toThrow(/listed twice/);
    expect(() => parsePayloadKeys(' , ', 'PAYLOAD_KEYS')).toThrow(/no keys/);
  });

  test('loadConfig stops on a bad key, naming PAYLOAD_KEYS or PAYLOAD_KEYS_FILE', () => {
    expect(() => loadConfig({ PAYLOAD_KEYS: `k1:${Buffer.alloc(31).toString('base64')}` })).toThrow(
      /invalid environment:\n {2}PAYLOAD_KEYS: key "k1" is 31 bytes/,
    );
    const file = path.join(tempDir(), 'keys');
    writeFileSync(file, 'k1:AAAA\n');
    expect(() => loadConfig({ PAYLOAD_KEYS_FILE: file })).toThrow(/PAYLOAD_KEYS_FILE \(.*\): key "k1" is 3 bytes/);
    expect(() => loadConfig({ PAYLOAD_KEYS_FILE: path.join(tempDir(), 'missing') })).toThrow(/PAYLOAD_KEYS_FILE: cannot read/);
    expect(() => loadConfig({ PAYLOAD_KEYS: A, PAYLOAD_KEYS_FILE: file })).toThrow(/not both/);
    expect(loadConfig({ PAYLOAD_KEYS: A }).PAYLOAD_KEYS).toBe(A);
  });

  test('production processes require keys', () => {
    expect(configuredPayloadKeys({})).toBeUndefined();
    expect(() => requirePayloadKeys({})).toThrow(/PAYLOAD_KEYS .*PAYLOAD_KEYS_FILE/);
  });

  test('npm start creates one local key file (0600) and reuses it', () => {
    const dir = tempDir();
    const first = ensureLocalPayloadKeyFile(path.join(dir, 'data'));
    expect(first.created).toBe(true);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const content = readFileSync(first.file, 'utf8');
    expect(configuredPayloadKeys({ PAYLOAD_KEYS_FILE: first.file })).toHaveLength(1);
    const again = ensureLocalPayloadKeyFile(path.join(dir, 'data'));
    expect(again).toEqual({ file: first.file, created: false });
    expect(readFileSync(first.file, 'utf8')).toBe(content);
  });
});

test('decodeHistoryJson decodes encrypted payloads wherever they are and leaves the rest', async () => {
  const codec = codecFor(A);
  const [enc1, enc2] = (await codec.encode([plain(), defaultPayloadConverter.toPayload('done')])) as [Payload, Payload];
  const sa = payloadToJson(defaultPayloadConverter.toPayload('in-review'));
  const history = {
    events: [
      {
        eventId: '1',
        workflowExecutionStartedEventAttributes: { input: { payloads: [payloadToJson(enc1)] }, searchAttributes: { indexedFields: { CaseStatus: sa } } },
      },
      { eventId: '2', workflowExecutionCompletedEventAttributes: { result: { payloads: [payloadToJson(enc2)] } } },
    ],
  };
  const decoded = await decodeHistoryJson(history, [codec]);
  const data = (p: { data?: string }) => JSON.parse(Buffer.from(p.data ?? '', 'base64').toString());
  expect(data(decoded.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!)).toEqual(secret);
  expect(data(decoded.events[1]!.workflowExecutionCompletedEventAttributes!.result.payloads[0]!)).toBe('done');
  expect(decoded.events[0]!.workflowExecutionStartedEventAttributes!.searchAttributes.indexedFields.CaseStatus).toEqual(sa);
  // The input is not changed (the archive's copy stays encoded).
  expect(history.events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]).toEqual(payloadToJson(enc1));
});

test('logs redact contacts, pledges, bodies and credentials', () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) });
  const logger = createLogger({ LOG_LEVEL: 'info' }, 'test', sink);
  logger.info({ applicant: { name: 'Acme', contact: secret.contact } }, 'opened');
  logger.info({ input: { applicant: { contact: secret.contact } }, details: { pledge: { text: 'We pledge everything' } } }, 'input');
  logger.info({ req: { headers: { authorization: 'Bearer abc.def', cookie: 's=1' }, body: { email: 'x@y.z' } } }, 'request');
  logger.info({ user: { email: 'a@b.c', phone: '123' } }, 'user');
  const out = lines.join('');
  for (const s of ['Zhang Wei', '+86 591', 'zhang.wei@', 'We pledge', 'abc.def', 's=1', 'x@y.z', 'a@b.c', '"123"']) expect(out).not.toContain(s);
  expect(out).toContain('Acme');
  expect(out).toContain('[redacted]');
});
