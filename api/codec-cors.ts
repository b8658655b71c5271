/**
 * CORS for the codec endpoint: the Temporal Web UI runs on its own origin and calls /codec/* from
 * the browser, with the user's Authorization header (and cookies when "include credentials" is on),
 * so it needs a preflight answer and Access-Control-Allow-Origin on every answer, errors included.
 * Only the configured origins are allowed; the rest of the API sends no CORS headers at all.
 */
import type { RequestHandler } from 'express';
import type { Config } from '../infra/config.js';
import { forbidden } from './problem.js';

export function codecCorsOrigins(config: Pick<Config, 'CODEC_CORS_ORIGIN' | 'TEMPORAL_UI_PORT'>): string[] {
  if (config.CODEC_CORS_ORIGIN) return config.CODEC_CORS_ORIGIN.split(',').map((o) => o.trim());
  return [`http://localhost:${config.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`];
}

export function codecCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    const ok = typeof origin === 'string' && allowed.has(origin);
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (!ok) return next(forbidden(`origin ${typeof origin === 'string' ? origin : '(none)'} may not call the codec endpoint`));
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
