/**
 * Authentication: the production entries refuse to start without token verification; tokens need
 * `exp` and `iat`, a maximum age and a 30-second clock tolerance apply; in JWKS mode (a real local
 * JWKS served over HTTP, keys generated here) only asymmetric algorithms pass.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { createApp } from '../../api/app.js';
import { UNAUTHENTICATED_DETAIL } from '../../api/auth.js';
import { AuthConfigError, listenHost, resolveAuth } from '../../infra/auth-settings.js';
import { DEV_JWT_SECRET, loadConfig } from '../../infra/config.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'a-test-secret-that-is-at-least-32-bytes';
const now = () => Math.floor(Date.now() / 1000);

let db: TestDatabase;
let client: Client;
const servers: Server[] = [];

/** Serves `app` on a free loopback port. */
async function serve(app: Express | RequestListener): Promise<string> {
  const server = createServer(app as RequestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(baseUrl: string, token: string) {
  const res = await fetch(`${baseUrl}/v1/templates`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}

const claims = { name: 'Audrey', roles: ['auditor'] };

beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
  // Template routes need PostgreSQL only; the client connects lazily and is never used.
  client = new Client();
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await client?.connection.close().catch(() => undefined);
  await db?.drop();
});

describe('settings', () => {
  test('production refuses to run without a secret or a JWKS; development falls back to loopback only', () => {
    expect(() => resolveAuth(loadConfig({}), { allowDevelopmentSecret: false })).toThrow(AuthConfigError);
    expect(() => resolveAuth(loadConfig({}), { allowDevelopmentSecret: false })).toThrow(/AUTH_JWT_SECRET.*AUTH_JWKS_URL.*AUTH_ISSUER.*AUTH_AUDIENCE/);
    expect(() => resolveAuth(loadConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks' }), { allowDevelopmentSecret: false })).toThrow(
      /AUTH_ISSUER and AUTH_AUDIENCE/,
    );
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'too-short-a-secret' })).toThrow(/AUTH_JWT_SECRET: must be at least 32 bytes/);

    const dev = resolveAuth(loadConfig({ HOST: '0.0.0.0' }), { allowDevelopmentSecret: true });
    expect(dev).toMatchObject({ mode: 'secret', secret: DEV_JWT_SECRET, development: true });
    expect(listenHost(loadConfig({ HOST: '0.0.0.0' }), dev)).toBe('127.0.0.1');

    const real = resolveAuth(loadConfig({ AUTH_JWT_SECRET: SECRET }), { allowDevelopmentSecret: true });
    expect(real).toMatchObject({ mode: 'secret', development: false, maxTokenAgeSeconds: 12 * 3600 });
    expect(listenHost(loadConfig({ AUTH_JWT_SECRET: SECRET }), real)).toBe('0.0.0.0');
    expect(listenHost(loadConfig({ AUTH_JWT_SECRET: SECRET, HOST: '10.1.2.3' }), real)).toBe('10.1.2.3');
  });

  test.each([
    ['npm run api', 'api/main.ts'],
    ['npm run worker', 'workers/main.ts'],
  ])('%s exits non-zero, naming the variables, when no verification is configured', (_name, entry) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' };
    const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), [entry], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBeNull();
    expect(r.stderr).toMatch(/AUTH_JWT_SECRET/);
    expect(r.stderr).toMatch(/AUTH_JWKS_URL/);
  });
});

describe('HS256 tokens', () => {
  let baseUrl: string;
  const key = new TextEncoder().encode(SECRET);
  const token = (iat: number | undefined, exp: number | undefined) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('audrey');
    if (iat !== undefined) jwt = jwt.setIssuedAt(iat);
    if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
    return jwt.sign(key);
  };

  beforeAll(async () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_MAX_TOKEN_AGE: 'PT12H' });
    baseUrl = await serve(createApp({ client, pool: db.pool, logger: pino({ level: 'silent' }), config }));
  });

  test.each([
    ['a fresh token', now(), now() + 3600, 200],
    ['expired 20 s ago (within the 30 s tolerance)', now() - 600, now() - 20, 200],
    ['expired 60 s ago', now() - 600, now() - 60, 401],
    ['issued 13 h ago, exp still ahead (older than AUTH_MAX_TOKEN_AGE)', now() - 13 * 3600, now() + 3600, 401],
    ['without exp', now(), undefined, 401],
    ['without iat', undefined, now() + 3600, 401],
  ])('%s → %i', async (_name, iat, exp, status) => {
    const r = await get(baseUrl, await token(iat, exp));
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (status === 401) expect(r.body.detail).toBe(UNAUTHENTICATED_DETAIL);
  });
});

describe('JWKS mode against a real local JWKS', () => {
  const ISSUER = 'https://id.example.gov.cn';
  const AUDIENCE = 'onestop-api';
  let baseUrl: string;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;
  let rsaJwk: JWK;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
    const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
    const jwksUrl = `${await serve((_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [rsaJwk, ecJwk] }));
    })}/.well-known/jwks.json`;
    const config = loadConfig({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    baseUrl = await serve(createApp({ client, pool: db.pool, logger: pino({ level: 'silent' }), config }));
  });

  const signed = (alg: string, kid: string, key: CryptoKey | Uint8Array, over: { iss?: string; aud?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setSubject('audrey')
      .setIssuer(over.iss ?? ISSUER)
      .setAudience(over.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);

  test('RS256 and ES256 tokens from the issuer pass', async () => {
    expect((await get(baseUrl, await signed('RS256', 'rsa-1', rsa.privateKey))).status).toBe(200);
    expect((await get(baseUrl, await signed('ES256', 'ec-1', ec.privateKey))).status).toBe(200);
  });

  test('another issuer or audience, another key, or HS256 keyed with the public key: 401', async () => {
    const stranger = await generateKeyPair('RS256');
    const cases = [
      await signed('RS256', 'rsa-1', rsa.privateKey, { iss: 'https://evil.example' }),
      await signed('RS256', 'rsa-1', rsa.privateKey, { aud: 'another-api' }),
      await signed('RS256', 'rsa-1', stranger.privateKey),
      // The classic algorithm confusion: the public key's bytes used as an HMAC secret.
      await signed('HS256', 'rsa-1', new TextEncoder().encode(JSON.stringify(rsaJwk))),
      await signed('HS256', 'rsa-1', new TextEncoder().encode(rsaJwk.n as string)),
    ];
    for (const token of cases) {
      const r = await get(baseUrl, token);
      expect(r.status).toBe(401);
      expect(r.body.detail).toBe(UNAUTHENTICATED_DETAIL);
    }
  });
});
