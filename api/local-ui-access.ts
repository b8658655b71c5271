/**
 * Local development only: the dev server's Temporal Web UI has no sign-in, so it cannot send the
 * auditor's token that the codec endpoint requires. While the API runs on the public development
 * secret (`npm start` without AUTH_JWT_SECRET: loopback only, where anyone can mint any token with
 * `npm run token` anyway), a decode request (`POST /codec/decode`) from the configured UI origin
 * without a token is signed in as a local auditor, through the same verification as any other token,
 * and logged in the access log as that auditor. Encoding is for admins only, so `/codec/encode` gets
 * no such sign-in: from the local UI it is 401, as any request without a token. With a real secret
 * or a JWKS this is never mounted: production UIs pass their own (OIDC) access token.
 */
import type { RequestHandler } from 'express';
import { SignJWT } from 'jose';
import type { AuthSettings } from '../infra/auth-settings.js';

export const LOCAL_UI_ACTOR = { sub: 'local-web-ui', name: 'Temporal Web UI (local development)', roles: ['auditor'] } as const;

export function localUiCodecAccess(auth: AuthSettings, uiOrigins: readonly string[]): RequestHandler | undefined {
  if (auth.mode !== 'secret' || !auth.development) return undefined;
  const key = new TextEncoder().encode(auth.secret);
  const origins = new Set(uiOrigins);
  return async (req, _res, next) => {
    const origin = req.headers.origin;
    // Mounted at /codec: only the decode route, the one an auditor may use.
    if (req.method !== 'POST' || req.path !== '/decode') return next();
    if (req.headers.authorization || typeof origin !== 'string' || !origins.has(origin)) return next();
    let jwt = new SignJWT({ name: LOCAL_UI_ACTOR.name, roles: [...LOCAL_UI_ACTOR.roles] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(LOCAL_UI_ACTOR.sub)
      .setIssuedAt()
      .setExpirationTime('1m');
    if (auth.issuer) jwt = jwt.setIssuer(auth.issuer);
    if (auth.audience) jwt = jwt.setAudience(auth.audience);
    const token = await jwt.sign(key);
    req.headers.authorization = `Bearer ${token}`;
    next();
  };
}
