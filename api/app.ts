/** The HTTP API: an Express 5 app over a Temporal client and a PostgreSQL pool. */
import { randomUUID } from 'node:crypto';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Pool } from '../db/pool.js';
import type { Config } from '../infra/config.js';
import { REDACT_PATHS } from '../infra/logger.js';
import { authenticate, createAuthenticator } from './auth.js';
import { resolveAuth, type AuthSettings } from '../infra/auth-settings.js';
import { refuseNulInUrl, verifyJson, verifyText } from './body-guard.js';
import { CaseService } from './case-service.js';
import { codecCors, codecCorsOrigins } from './codec-cors.js';
import { localUiCodecAccess } from './local-ui-access.js';
import { problemHandler } from './problem.js';
import { createLimiters } from './rate-limit.js';
import { methodNotAllowed, Routes } from './route.js';
import { auditRoutes } from './routes/audit.js';
import { caseRoutes } from './routes/cases.js';
import { codecRoutes } from './routes/codec.js';
import { healthRoutes } from './routes/health.js';
import { keySmeRoutes } from './routes/key-smes.js';
import { taskRoutes } from './routes/tasks.js';
import { templateRoutes } from './routes/templates.js';

export interface AppDeps {
  client: Client;
  pool: Pool;
  logger: Logger;
  config: Config;
  /** How tokens are verified; by default from the config, refusing the development secret. */
  auth?: AuthSettings;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

export function createApp({ client, pool, logger, config, auth = resolveAuth(config, { allowDevelopmentSecret: false }) }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Whose X-Forwarded-For to believe (TRUST_PROXY; none by default): req.ip keys the per-address limit.
  app.set('trust proxy', config.TRUST_PROXY);
  // Security headers on every answer, errors included; API answers are never cached (they carry
  // one caller's view of a case, and a shared cache must not hand it to another).
  app.use(helmet());
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    }),
  );
  // Before anything that can refuse, so every answer to the Web UI (a 429 too) carries its CORS headers.
  app.use('/codec', codecCors(codecCorsOrigins(config)));
  const localUi = localUiCodecAccess(auth, codecCorsOrigins(config));
  if (localUi) app.use('/codec', localUi);
  app.use(refuseNulInUrl);
  // 1 MB is ample for any case document reference list; larger bodies are refused with 413. The
  // verify hooks refuse deep nesting and NUL on the raw bytes, before JSON.parse (api/body-guard.ts).
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'], verify: verifyJson }));
  app.use(express.text({ type: 'text/csv', limit: '1mb', verify: verifyText }));

  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const router = express.Router();
  const limiters = createLimiters(pool, config, logger);
  const routes = new Routes(router, registry, authenticate(createAuthenticator(auth)), limiters);

  healthRoutes(routes, pool, client);
  templateRoutes(routes, pool);
  keySmeRoutes(routes, pool);
  const cases = new CaseService({ client, pool, taskQueue: config.TEMPORAL_TASK_QUEUE, idempotencyTtlMs: config.IDEMPOTENCY_KEY_TTL });
  caseRoutes(routes, cases, pool, client);
  auditRoutes(routes, cases, pool, client);
  taskRoutes(routes, cases, pool);
  codecRoutes(routes, client);

  const openapi = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'OneStop API', version: '1.0.0', description:
        'One-stop government approvals on Temporal. Besides what each schema says: no string (JSON value or key, CSV, path or query) may contain NUL (U+0000), which PostgreSQL text cannot hold (400); JSON nests at most 32 levels (400); bodies are at most 1 MB (413), UTF-8 (415).',
    },
    servers: [{ url: '/' }],
  });
  router.get('/openapi.json', limiters.address, (_req, res) => {
    res.json(openapi);
  });

  routes.declareFallbacks();

  app.use(router);
  app.use(methodNotAllowed);
  app.use(problemHandler);
  return app;
}
