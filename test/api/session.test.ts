/**
 * What the web app needs of the server, against the real stack: how to sign in (`/v1/session/config`),
 * development tokens that exist only on the development secret, the app served at `/` with its CSP
 * and SPA fallback while API paths keep their problem answers, and the dashboard figures.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createApp } from '../../api/app.js';
import type { Actor } from '../../common/types.js';
import { loadConfig } from '../../infra/config.js';
import { applicant, opener, staff } from '../support/fixtures.js';
import { api, startStack, UNLIMITED, type Stack } from '../support/stack.js';

let stack: Stack;
let dev: ReturnType<typeof api>;
/** A second app on the same services with a real secret and OIDC settings, serving a stand-in web app. */
let prodUrl: string;
let prod: ReturnType<typeof api>;
let prodServer: Server;

beforeAll(async () => {
  stack = await startStack(inject('databaseUrl'), {}, { developmentAuth: true });
  dev = api(stack.baseUrl);
  const webDir = mkdtempSync(path.join(tmpdir(), 'onestop-web-'));
  mkdirSync(path.join(webDir, 'assets'));
  writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>OneStop</title><script type="module" src="/assets/app-1.js"></script>');
  writeFileSync(path.join(webDir, 'assets', 'app-1.js'), 'console.log(1)');
  const config = loadConfig({
    AUTH_JWT_SECRET: 'a-production-secret-of-at-least-32-bytes',
    AUTH_ISSUER: 'https://idp.example.org/realms/gov',
    OIDC_CLIENT_ID: 'onestop-web',
    PAYLOAD_KEYS: stack.config.PAYLOAD_KEYS,
    ...UNLIMITED,
  });
  const app = createApp({ client: stack.client, pool: stack.db.pool, logger: pino({ level: 'silent' }), config, webDir });
  prodServer = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  prodUrl = `http://127.0.0.1:${(prodServer.address() as AddressInfo).port}`;
  prod = api(prodUrl);
});

afterAll(async () => {
  await new Promise<void>((resolve) => prodServer?.close(() => resolve()));
  await stack?.teardown();
});

describe('sign-in', () => {
  test('on the development secret: the form, and tokens the API accepts', async () => {
    const config = await dev('GET', '/v1/session/config');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({ mode: 'development' });

    const r = await dev('POST', '/v1/session/dev-token', { body: { sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const claims = decodeJwt(r.body.token);
    expect(claims).toMatchObject({ sub: 'hu', name: 'Hu Min', roles: ['caseworker'], dept: 'health' });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(12 * 3600);
    expect(Date.parse(r.body.expiresAt)).toBe(claims.exp! * 1000);
    const list = await dev('GET', '/v1/cases', { token: r.body.token });
    expect(list.status).toBe(200);
  });

  test('development tokens are validated', async () => {
    for (const body of [
      { sub: 'x', name: 'X', roles: [] },
      { sub: 'x', name: 'X', roles: ['root'] },
      { sub: 'x y', name: 'X', roles: ['auditor'] },
      { sub: 'x', name: '', roles: ['auditor'] },
      { sub: 'x', name: 'X', roles: ['auditor'], extra: 1 },
    ]) {
      const r = await dev('POST', '/v1/session/dev-token', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors.length).toBeGreaterThan(0);
    }
  });

  test('with a real secret: OIDC settings, and no development tokens at all', async () => {
    const config = await prod('GET', '/v1/session/config');
    expect(config.body).toEqual({ mode: 'oidc', issuer: 'https://idp.example.org/realms/gov', clientId: 'onestop-web', scopes: 'openid profile' });
    const r = await prod('POST', '/v1/session/dev-token', { body: { sub: 'x', name: 'X', roles: ['auditor'] }, unchecked: 'the route does not exist here' });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const doc = await prod('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).not.toContain('/v1/session/dev-token');
  });
});

describe('the web app at /', () => {
  test("index.html for the app's paths; files; API paths keep their problems", async () => {
    for (const p of ['/', '/inbox', '/cases/case-123', '/audit?status=approved']) {
      const r = await fetch(prodUrl + p);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(await r.text()).toContain('<title>OneStop</title>');
      expect(r.headers.get('cache-control')).toBe('no-cache');
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self' https://idp.example.org");
    }
    const asset = await fetch(`${prodUrl}/assets/app-1.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${prodUrl}/assets/missing.js`)).status).toBe(404);
    for (const p of ['/v1/nothing', '/codec/nothing', '/v1']) {
      const r = await fetch(prodUrl + p);
      expect(r.status, p).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    const post = await fetch(`${prodUrl}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect((await fetch(`${prodUrl}/inbox`, { method: 'POST' })).status).toBe(404);
  });
});

/** A token from the development sign-in (the stack runs on the development secret). */
async function as(actor: Actor): Promise<{ token: string }> {
  const r = await dev('POST', '/v1/session/dev-token', { body: { sub: actor.sub, name: actor.name, roles: actor.roles, dept: actor.dept, org: actor.org } });
  return { token: r.body.token };
}

describe('dashboard', () => {
  test('figures from the projection, scoped like the case list', async () => {
    const auditor: Actor = { sub: 'audrey', name: 'Audrey', roles: ['auditor'] };
    const opened = await dev('POST', '/v1/cases', {
      ...(await as(opener)),
      body: { templateId: 'mask-line-fast-track', applicant, details: { product: 'masks' } },
    });
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;
    const decided = await dev('POST', `/v1/cases/${caseId}/tasks/health/decision`, { ...(await as(staff('health'))), body: { outcome: 'approve' } });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await expect
      .poll(
        async () => (await stack.db.pool.query("SELECT seq FROM cases WHERE case_id = $1 AND view->>'status' = $2", [caseId, decided.body.status])).rowCount,
      )
      .toBe(1);
    await expect
      .poll(
        async () => (await dev('GET', '/v1/reports/dashboard', { ...(await as(auditor)) })).body.timeToDecision.find((d: any) => d.dept === 'health')?.decided,
      )
      .toBe(1);
    const all = (await dev('GET', '/v1/reports/dashboard', { ...(await as(auditor)) })).body;
    expect(all.scope).toEqual({ dept: null });
    expect(all.openByStatus.reduce((n: number, s: any) => n + s.count, 0)).toBe(1);
    expect(all.openByDept.map((d: any) => d.dept).sort()).toEqual(['ecology', 'market-regulation']);
    expect(all.breaches).toEqual({ open: 0, total: 0 });
    expect(all.escalationsThisWeek.total).toBe(0);

    const elsewhere = (await dev('GET', '/v1/reports/dashboard', await as(staff('fire-safety', 'fs-sup', ['supervisor'])))).body;
    expect(elsewhere.scope).toEqual({ dept: 'fire-safety' });
    expect(elsewhere.openByStatus).toEqual([]);
    const ecology = (await dev('GET', '/v1/reports/dashboard', await as(staff('ecology', 'eco-sup', ['supervisor'])))).body;
    expect(ecology.openByStatus.reduce((n: number, s: any) => n + s.count, 0)).toBe(1);
  });
});
