/**
 * A minimal OpenID provider for the web app's sign-in test: discovery, an authorization endpoint
 * that signs one fixed user straight in, a token endpoint that checks the PKCE verifier against the
 * challenge (S256), and a JWKS. Its access tokens carry the API's claims and are RS256-signed, as a
 * production provider's must be. CORS is open (the browser calls the token endpoint from the app).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Actor } from '../../common/types.js';

export interface TestProvider {
  issuer: string;
  jwksUrl: string;
  audience: string;
  /** Token requests whose PKCE verifier matched the challenge. */
  pkceVerified: number;
  close(): Promise<void>;
}

export async function startOidcProvider(user: Actor, clientId: string, audience = 'onestop'): Promise<TestProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; redirectUri: string; nonce?: string }>();
  let issuer = '';
  const state = { pkceVerified: 0 };

  const server: Server = createServer(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/logout`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      if (p.get('client_id') !== clientId || p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
        return json(400, { error: 'invalid_request' });
      }
      const code = randomUUID();
      codes.set(code, { challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')!, nonce: p.get('nonce') ?? undefined });
      const back = new URL(p.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (!grant || form.get('redirect_uri') !== grant.redirectUri || createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
        return json(400, { error: 'invalid_grant' });
      }
      state.pkceVerified++;
      const claims: Record<string, unknown> = { name: user.name, roles: user.roles };
      if (user.dept) claims.dept = user.dept;
      if (user.org) claims.org = user.org;
      const sign = (extra: Record<string, unknown>, aud: string) =>
        new SignJWT({ ...claims, ...extra })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(issuer)
          .setAudience(aud)
          .setSubject(user.sub)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(privateKey);
      return json(200, {
        access_token: await sign({}, audience),
        id_token: await sign(grant.nonce ? { nonce: grant.nonce } : {}, clientId),
        token_type: 'Bearer',
        expires_in: 3600,
        scope: form.get('scope') ?? 'openid profile',
      });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    audience,
    get pkceVerified() {
      return state.pkceVerified;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // the browser keeps its connections alive
        server.close(() => resolve());
      }),
  };
}
