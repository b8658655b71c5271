/**
 * The production entries (`npm run api`, `npm run worker`) refuse to start without payload keys, or
 * with a bad one, before they touch anything: personal data never goes to Temporal in clear. The API
 * also refuses the public development key of the documents' verification codes.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
import { TEST_PAYLOAD_KEYS } from '../support/payload-keys.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function runEntry(entry: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // A database nobody listens on: the key check must come first.
    const p = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      // Token verification is configured, so the key check is what stops them.
      env: {
        ...process.env,
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        AUTH_JWT_SECRET: 'a-test-secret-that-is-at-least-32-bytes',
        PAYLOAD_KEYS: '',
        PAYLOAD_KEYS_FILE: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    p.stdout.on('data', (b: Buffer) => (output += b.toString()));
    p.stderr.on('data', (b: Buffer) => (output += b.toString()));
    p.once('exit', (code) => resolve({ code, output }));
  });
}

test.each(['api/main.ts', 'workers/main.ts'])('%s exits non-zero without keys, naming PAYLOAD_KEYS / PAYLOAD_KEYS_FILE', async (entry) => {
  const none = await runEntry(entry, {});
  expect(none.code).not.toBe(0);
  expect(none.output).toMatch(/payload encryption keys are required: set PAYLOAD_KEYS .* or PAYLOAD_KEYS_FILE/);
  expect(none.output).not.toMatch(/ECONNREFUSED/);

  const short = await runEntry(entry, { PAYLOAD_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` });
  expect(short.code).not.toBe(0);
  expect(short.output).toMatch(/PAYLOAD_KEYS: key "k1" is 16 bytes; AES-256 needs 32/);
});

test('api/main.ts exits non-zero on the development verification key, naming VERIFY_SECRET', async () => {
  const dev = await runEntry('api/main.ts', { PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, VERIFY_SECRET: '' });
  expect(dev.code).not.toBe(0);
  expect(dev.output).toMatch(/refusing to start: set VERIFY_SECRET/);
  expect(dev.output).not.toMatch(/ECONNREFUSED/);
});
