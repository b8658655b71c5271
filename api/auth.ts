/**
 * Bearer JWT authentication. Locally HS256 with AUTH_JWT_SECRET (`npm run token` signs one); in
 * production a JWKS URL with issuer and audience. The verified claims become the request's Actor,
 * which travels into every workflow decision so the history names who did it.
 */
import type { RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ROLES, type Actor, type Role } from '../common/types.js';
import { DEV_JWT_SECRET, type Config } from '../infra/config.js';
import { forbidden, Problem } from './problem.js';

const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1),
  dept: z.string().min(1).max(64).optional(),
  org: z.string().min(1).max(64).optional(),
});

export interface Authenticator {
  verify(token: string): Promise<Actor>;
}

export function createAuthenticator(config: Config): Authenticator {
  const options = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE };
  const key: Uint8Array | JWTVerifyGetKey = config.AUTH_JWKS_URL
    ? createRemoteJWKSet(new URL(config.AUTH_JWKS_URL))
    : new TextEncoder().encode(config.AUTH_JWT_SECRET ?? DEV_JWT_SECRET);
  const algorithms = config.AUTH_JWKS_URL ? undefined : ['HS256'];
  return {
    async verify(token) {
      const { payload } = await jwtVerify(token, key as Uint8Array, { ...options, algorithms });
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw new Error(`token claims: ${claims.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`);
      const { sub, name, roles, dept, org } = claims.data;
      return { sub, name, roles, ...(dept ? { dept } : {}), ...(org ? { org } : {}) };
    },
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

const unauthenticated = (detail: string) => new Problem(401, detail);

export function authenticate(auth: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    res.setHeader('WWW-Authenticate', 'Bearer');
    if (!match) return next(unauthenticated('an Authorization: Bearer <JWT> header is required'));
    try {
      req.actor = await auth.verify(match[1] as string);
      res.removeHeader('WWW-Authenticate');
      next();
    } catch (err) {
      next(unauthenticated(`the bearer token is not valid: ${err instanceof Error ? err.message : 'unreadable'}`));
    }
  };
}

export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw unauthenticated('not authenticated');
  return req.actor;
}

/** Refuses with 403 unless the actor holds one of `roles`. */
export function requireRole(actor: Actor, roles: readonly Role[], doing: string): void {
  if (!actor.roles.some((r) => roles.includes(r))) throw forbidden(`${doing} needs one of the roles ${roles.join(', ')}`);
}
