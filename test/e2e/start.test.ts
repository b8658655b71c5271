/**
 * `npm start` as a user meets it: the whole stack from scripts/start.ts in a child process, with its
 * own data folder and ports. A case opened before Ctrl-C is found where it was after a restart.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { resolveTemporalCli } from '../../infra/binaries.js';
import { getFreePort } from '../../infra/ports.js';
import { applicant, opener, staff } from '../support/fixtures.js';
import type { Actor } from '../../common/types.js';
import { DEV_JWT_SECRET } from '../../infra/config.js';
import { api, tokenFor } from '../support/stack.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'onestop-e2e-'));
chmodSync(dataDir, 0o755); // embedded PostgreSQL runs as its own user when we are root
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) await stop(child);
  rmSync(dataDir, { recursive: true, force: true });
});

/** What the last start printed, for assertions on its messages. */
let lastOutput = '';

async function start(env: Record<string, string>): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, as a terminal's Ctrl-C would signal
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${out.slice(-3000)}`)), 120_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      lastOutput = out;
      if (out.includes('OneStop is up')) {
        clearTimeout(timer);
        resolve();
      }
    };
    p.stdout?.on('data', onData);
    p.stderr?.on('data', onData);
    p.once('exit', (code) => reject(new Error(`start exited with ${code}:\n${out.slice(-3000)}`)));
  });
  return p;
}

async function stop(p: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
  process.kill(-(p.pid as number), 'SIGINT');
  return exited;
}

test('npm start serves a case; Ctrl-C stops everything; a second start finds the case where it was', async () => {
  const [port, temporalPort, uiPort, pgPort] = await Promise.all([getFreePort(), getFreePort(), getFreePort(), getFreePort()]);
  const env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_DEV_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    EMBEDDED_PG_PORT: String(pgPort),
    AUTH_JWT_SECRET: 'test-secret-for-onestop-api-tests',
    LOG_LEVEL: 'info',
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    PAYLOAD_KEYS: '',
    PAYLOAD_KEYS_FILE: '',
  };
  const callWithSecret = api(`http://127.0.0.1:${port}`);
  const first = callWithSecret;

  child = await start(env);
  const opened = await first('POST', '/v1/cases', {
    as: opener,
    body: { templateId: 'epidemic-supplies-project', applicant, details: { product: 'protective suits' } },
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const { caseId, tasks } = opened.body;
  expect(tasks).toHaveLength(5);
  expect((await first('POST', `/v1/cases/${caseId}/tasks/health/decision`, { as: staff('health'), body: { outcome: 'approve' } })).status).toBe(200);

  // Without PAYLOAD_KEYS, npm start made a local key (owner-only) and the dev UI decodes through the API.
  const keyFile = path.join(dataDir, 'payload-keys');
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  const key = readFileSync(keyFile, 'utf8');
  const settings = await (await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`)).json();
  expect(settings.Codec.Endpoint).toBe(`http://localhost:${port}/codec`);

  // Operators can find open cases by search attribute.
  const cli = resolveTemporalCli();
  if (cli) {
    const listed = execFileSync(cli, ['workflow', 'list', '--address', `127.0.0.1:${temporalPort}`, '--query', "CaseStatus='in-review'"], { encoding: 'utf8' });
    expect(listed).toContain(caseId);
  }

  // With a real secret the Web UI's codec calls need a token like every other request.
  const uiOrigin = `http://localhost:${uiPort}`;
  const codec = (headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${port}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"payloads":[]}' });
  expect((await codec({ origin: uiOrigin })).status).toBe(401);

  // 130 = ended by SIGINT after a clean shutdown (the convention for Ctrl-C).
  const firstExit = await stop(child);
  expect([0, 130], `npm start ended with ${firstExit}; its output:\n${lastOutput.slice(-3000)}`).toContain(firstExit);
  expect(await portIsFree(temporalPort)).toBe(true);
  expect(await portIsFree(pgPort)).toBe(true);

  // Restarted without a secret: the public development secret, served on 127.0.0.1 only, said at start.
  child = await start({ ...env, AUTH_JWT_SECRET: '', HOST: '0.0.0.0' });
  expect(lastOutput).toMatch(/PUBLIC development token secret: listening on 127\.0\.0\.1 only/);
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (outside) expect(await portIsFree(port, outside)).toBe(true);
  // The dev server's UI has no sign-in: on the development secret its codec calls are a local auditor's.
  expect((await codec({ origin: uiOrigin })).status).toBe(200);
  expect((await codec({})).status).toBe(401);
  expect((await codec({ origin: 'http://evil.example' })).status).toBe(401);
  // The web app at `/` (built by npm start when missing), with the development sign-in.
  const page = await fetch(`http://127.0.0.1:${port}/inbox`);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  const html = await page.text();
  expect(html).toContain('<div id="app"></div>');
  expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[\w-]+\.js">/);
  expect(await (await fetch(`http://127.0.0.1:${port}/v1/session/config`)).json()).toEqual({ mode: 'development' });
  const devToken = (actor: Actor) => tokenFor(actor, DEV_JWT_SECRET);
  const call = async (method: string, path: string, opts: { as: Actor; body?: unknown }) =>
    callWithSecret(method, path, { token: await devToken(opts.as), body: opts.body });

  // The same key is reused, so the case opened before the restart is still readable.
  expect(readFileSync(keyFile, 'utf8')).toBe(key);
  const after = await call('GET', `/v1/cases/${caseId}`, { as: opener });
  expect(after.status).toBe(200);
  expect(after.body.status).toBe('in-review');
  expect(after.body.tasks.find((t: { taskId: string }) => t.taskId === 'health').outcome).toBe('approve');
  for (const t of tasks.filter((t: { taskId: string }) => t.taskId !== 'health')) {
    const r = await call('POST', `/v1/cases/${caseId}/tasks/${t.taskId}/decision`, { as: staff(t.dept), body: { outcome: 'approve' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  const final = await call('GET', `/v1/cases/${caseId}`, { as: opener });
  expect(final.body.status).toBe('approved');
  expect(final.body.decision.followUps.map((f: { dept: string }) => f.dept)).toEqual(['natural-resources', 'water-utility', 'power-grid']);
  const secondExit = await stop(child);
  expect([0, 130], `npm start ended with ${secondExit}; its output:\n${lastOutput.slice(-3000)}`).toContain(secondExit);
});

function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}
