/**
 * How tokens are verified, decided once at start. Production names either an HS256 secret of at
 * least 32 bytes or a JWKS with its issuer and audience; nothing else starts. Only local
 * development (`npm start`) may fall back to the public development secret, and then the API
 * listens on 127.0.0.1 alone, so a token anyone can mint reaches nothing but the developer's machine.
 */
import { durationMs } from '../common/duration.js';
import { DEV_JWT_SECRET, type Config } from './config.js';

export type AuthSettings =
  | { mode: 'secret'; secret: string; development: boolean; issuer?: string; audience?: string; maxTokenAgeSeconds: number }
  | { mode: 'jwks'; jwksUrl: string; issuer: string; audience: string; maxTokenAgeSeconds: number };

/** Algorithms a JWKS may sign with: asymmetric only, so a public key can never act as an HMAC secret. */
export const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/** Seconds of clock difference tolerated between the token issuer and this server. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}

export const AUTH_CONFIG_HELP = 'set AUTH_JWT_SECRET (an HS256 secret of at least 32 bytes) or AUTH_JWKS_URL with AUTH_ISSUER and AUTH_AUDIENCE';

export function resolveAuth(config: Config, opts: { allowDevelopmentSecret: boolean }): AuthSettings {
  const maxTokenAgeSeconds = Math.floor(durationMs(config.AUTH_MAX_TOKEN_AGE) / 1000);
  if (config.AUTH_JWKS_URL) {
    if (!config.AUTH_ISSUER || !config.AUTH_AUDIENCE) {
      throw new AuthConfigError(`AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE too; ${AUTH_CONFIG_HELP}`);
    }
    return { mode: 'jwks', jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, maxTokenAgeSeconds };
  }
  const common = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, maxTokenAgeSeconds };
  if (config.AUTH_JWT_SECRET) return { mode: 'secret', secret: config.AUTH_JWT_SECRET, development: false, ...common };
  if (!opts.allowDevelopmentSecret) throw new AuthConfigError(`no token verification is configured: ${AUTH_CONFIG_HELP}`);
  return { mode: 'secret', secret: DEV_JWT_SECRET, development: true, ...common };
}

/** The address to listen on: HOST, else every interface; loopback only with the development secret. */
export function listenHost(config: Config, auth: AuthSettings): string {
  if (auth.mode === 'secret' && auth.development) return '127.0.0.1';
  return config.HOST ?? '0.0.0.0';
}
