/**
 * The OpenAPI document as the app serves it at /openapi.json, built in-process: the app is created
 * (nothing listens, nothing connects) on the development secret, so the document includes the
 * development sign-in route too. Used by `npm run gen:api` and `npm run gen:api-reference`.
 */
import { Client } from '@temporalio/client';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import { createPool } from '../db/pool.js';
import { resolveAuth } from '../infra/auth-settings.js';
import { loadConfig } from '../infra/config.js';

/** The OpenAPI document as the app serves it at /openapi.json. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({});
  // Never connected: the document is built from the route declarations alone.
  const pool = createPool('postgres://127.0.0.1:1/unused', 1);
  const app = createApp({
    client: new Client(),
    pool,
    logger: pino({ level: 'silent' }),
    config,
    auth: resolveAuth(config, { allowDevelopmentSecret: true }),
    webDir: false,
  });
  await pool.end();
  return app.locals.openapi as Record<string, unknown>;
}
