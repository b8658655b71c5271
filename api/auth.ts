/**
 * Bearer JWT authentication. Locally HS256 with AUTH_JWT_SECRET (`npm run token` signs one); in
 * production a JWKS URL with issuer and audience. The verified claims become the request's Actor,
 * which travels into every workflow decision so the history names who did it.
 */
import type { RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { z } from 'zod';
import { ROLES, type Actor, type Role } from '../common/types.js';
import { CLOCK_TOLERANCE_SECONDS, JWKS_ALGORITHMS, type AuthSettings } from '../infra/auth-settings.js';
import { findTextFault } from '../common/text-rule.js';
import { badRequest, forbidden, Problem } from './problem.js';

const Claims = z.object({
  sub: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  roles: z.array(z.enum(ROLES)).min(1),
  dept: z.string().min(1).max(64).optional(),
  org: z.string().min(1).max(64).optional(),
});

/** A verified token whose claims break the text rule: answered 400 naming the claim, not 401. */
export class IllFormedClaim extends Error {
  constructor(
    readonly path: string,
    readonly fault: string,
  ) {
    super(`the token's claim ${path} ${fault}`);
  }
}

export interface Authenticator {
  verify(token: string): Promise<Actor>;
}

export function createAuthenticator(auth: AuthSettings): Authenticator {
  // Every token must say when it was issued and when it expires; one older than the maximum age is
  // refused even if its `exp` lies further ahead.
  const options: JWTVerifyOptions = {
    issuer: auth.issuer,
    audience: auth.audience,
    requiredClaims: ['exp', 'iat', 'sub'],
    maxTokenAge: auth.maxTokenAgeSeconds,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
  };
  const verifyWith = (token: string) =>
    auth.mode === 'jwks'
      ? jwtVerify(token, jwks(auth.jwksUrl), { ...options, algorithms: [...JWKS_ALGORITHMS] })
      : jwtVerify(token, new TextEncoder().encode(auth.secret), { ...options, algorithms: ['HS256'] });
  return {
    async verify(token) {
      const { payload } = await verifyWith(token);
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw new Error(`token claims: ${claims.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')}`);
      const { sub, name, roles, dept, org } = claims.data;
      // Signed, yet unfit to name anyone: the claims become the actor recorded in every history and
      // the key of the caller's rate limit, so they follow the body's text rule (common/text-rule.ts).
      const fault = findTextFault({ sub, name, dept, org }, 'token');
      if (fault) throw new IllFormedClaim(fault.path, fault.message);
      return { sub, name, roles, ...(dept ? { dept } : {}), ...(org ? { org } : {}) };
    },
  };
}

const keySets = new Map<string, JWTVerifyGetKey>();
/** One cached key set per URL (jose refetches it on an unknown `kid`, with a cooldown). */
function jwks(url: string): JWTVerifyGetKey {
  let set = keySets.get(url);
  if (!set) keySets.set(url, (set = createRemoteJWKSet(new URL(url))));
  return set;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

/** One answer for every failure, so a 401 tells an attacker nothing about why the token failed. */
export const UNAUTHENTICATED_DETAIL = 'the bearer token is missing, invalid or expired';
const unauthenticated = () => new Problem(401, UNAUTHENTICATED_DETAIL);

export function authenticate(auth: Authenticator): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    res.setHeader('WWW-Authenticate', 'Bearer');
    if (!match) return next(unauthenticated());
    try {
      req.actor = await auth.verify(match[1] as string);
      res.removeHeader('WWW-Authenticate');
      next();
    } catch (err) {
      // The signature held (the caller holds a valid token), so saying which claim is unfit tells an attacker nothing.
      if (err instanceof IllFormedClaim) return next(badRequest(err.message, [{ path: err.path, message: err.fault }]));
      // Why it failed is for the log, not for the caller.
      req.log?.info({ reason: err instanceof Error ? err.message : 'unreadable' }, 'token refused');
      next(unauthenticated());
    }
  };
}

export function actorOf(req: { actor?: Actor }): Actor {
  if (!req.actor) throw unauthenticated();
  return req.actor;
}

/** Refuses with 403 unless the actor holds one of `roles`. */
export function requireRole(actor: Actor, roles: readonly Role[], doing: string): void {
  if (!actor.roles.some((r) => roles.includes(r))) throw forbidden(`${doing} needs one of the roles ${roles.join(', ')}`);
}
