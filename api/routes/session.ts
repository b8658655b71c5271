/**
 * How the web app signs in. `GET /v1/session/config` tells it which way: OpenID Connect (authorization
 * code with PKCE against AUTH_ISSUER, client OIDC_CLIENT_ID) or, while the API runs on the public
 * development secret (`npm start` without AUTH_JWT_SECRET/AUTH_JWKS_URL), a "sign in as" form that
 * asks `POST /v1/session/dev-token` for a token. That route is registered only then: with a real
 * secret or a JWKS it does not exist (404), so no one can mint a token through the API.
 */
import { SignJWT } from 'jose';
import { z } from 'zod';
import { ROLES } from '../../common/types.js';
import { Text } from '../../templates/schema.js';
import type { AuthSettings } from '../../infra/auth-settings.js';
import type { Config } from '../../infra/config.js';
import type { Routes } from '../route.js';

/** The longest a development token lives (and never longer than AUTH_MAX_TOKEN_AGE). */
export const DEV_TOKEN_MAX_SECONDS = 12 * 3600;

// The project's rule for free text (not empty, not blank), so its OpenAPI pattern says so too.
const Name = Text(200);
const Key = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:@-]{1,64}$/, 'letters, digits and . _ : @ -');

export const DevTokenBody = z
  .strictObject({
    sub: Key,
    name: Name,
    roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
    dept: Key.optional(),
    org: Key.optional(),
  })
  .meta({ id: 'DevTokenRequest' });

export const SessionConfigSchema = z
  .object({
    mode: z.enum(['development', 'oidc']),
    issuer: z.string().optional().meta({ description: 'the OpenID provider (AUTH_ISSUER); absent when not configured' }),
    clientId: z.string().optional().meta({ description: "the web app's OIDC client id (OIDC_CLIENT_ID)" }),
    scopes: z.string().optional().meta({ description: 'space-separated scopes to ask for (OIDC_SCOPES)' }),
  })
  .meta({ id: 'SessionConfig' });

export const isDevelopment = (auth: AuthSettings): auth is Extract<AuthSettings, { mode: 'secret' }> => auth.mode === 'secret' && auth.development;

export function sessionRoutes(routes: Routes, config: Config, auth: AuthSettings): void {
  routes.add({
    method: 'get',
    path: '/v1/session/config',
    summary: 'How the web app signs in: OpenID Connect, or the development form',
    tag: 'session',
    public: true,
    responses: { 200: { description: 'Sign-in settings', schema: SessionConfigSchema } },
    handler: async () => {
      if (isDevelopment(auth)) return { body: { mode: 'development' } };
      return {
        body: {
          mode: 'oidc',
          ...(config.AUTH_ISSUER ? { issuer: config.AUTH_ISSUER } : {}),
          ...(config.OIDC_CLIENT_ID ? { clientId: config.OIDC_CLIENT_ID } : {}),
          scopes: config.OIDC_SCOPES,
        },
      };
    },
  });

  if (!isDevelopment(auth)) return;
  const key = new TextEncoder().encode(auth.secret);
  const lifetime = Math.min(DEV_TOKEN_MAX_SECONDS, auth.maxTokenAgeSeconds);
  routes.add({
    method: 'post',
    path: '/v1/session/dev-token',
    summary: 'Development only: a token for anyone (exists only while the API runs on the public development secret)',
    tag: 'session',
    public: true,
    body: DevTokenBody,
    responses: {
      200: {
        description: 'A token signed with the development secret',
        schema: z.object({ token: z.string(), expiresAt: z.string().meta({ format: 'date-time' }) }).meta({ id: 'DevToken' }),
      },
    },
    handler: async ({ body }) => {
      const claims: Record<string, unknown> = { name: body.name, roles: [...new Set(body.roles)] };
      if (body.dept) claims.dept = body.dept;
      if (body.org) claims.org = body.org;
      const now = Math.floor(Date.now() / 1000);
      let jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(body.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetime);
      if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
      if (auth.audience) jwt = jwt.setAudience(auth.audience);
      return { body: { token: await jwt.sign(key), expiresAt: new Date((now + lifetime) * 1000).toISOString() } };
    },
  });
}
