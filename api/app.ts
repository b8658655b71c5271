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
import { ERROR_SERIALIZERS, REDACT_PATHS } from '../infra/logger.js';
import { authenticate, createAuthenticator } from './auth.js';
import { resolveAuth, type AuthSettings } from '../infra/auth-settings.js';
import { verifyJson, verifyText } from './body-guard.js';
import { CaseService } from './case-service.js';
import { HistoryService } from './history-service.js';
import { codecCors, codecCorsOrigins } from './codec-cors.js';
import { localUiCodecAccess } from './local-ui-access.js';
import { problemHandler } from './problem.js';
import { createLimiters } from './rate-limit.js';
import { publishTextRule, TEXT_RULE_DESCRIPTION } from './openapi-text.js';
import { methodNotAllowed, Routes } from './route.js';
import { auditRoutes } from './routes/audit.js';
import { calendarRoutes } from './routes/calendars.js';
import { caseRoutes } from './routes/cases.js';
import { caseDocumentRoutes } from './routes/case-documents.js';
import { caseFileRoutes } from './routes/case-files.js';
import { codecRoutes } from './routes/codec.js';
import { directoryRoutes } from './routes/directory.js';
import { documentRoutes } from './routes/documents.js';
import { PgDocumentStore } from './documents/pg-store.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { keySmeRoutes } from './routes/key-smes.js';
import { notificationRoutes } from './routes/notifications.js';
import { reportRoutes, type Clock } from './routes/reports.js';
import { isDevelopment, sessionRoutes } from './routes/session.js';
import { taskRoutes } from './routes/tasks.js';
import { templateRoutes } from './routes/templates.js';
import { verifyRoutes } from './routes/verify.js';
import { WEB_DIST, webApp } from './web.js';

export interface AppDeps {
  client: Client;
  pool: Pool;
  logger: Logger;
  config: Config;
  /** How tokens are verified; by default from the config, refusing the development secret. */
  auth?: AuthSettings;
  /** The built web app served at `/` (default dist/web, when built); `false` serves none. */
  webDir?: string | false;
  /** The reports' present (default the system clock); tests on the time-skipping server pass its clock. */
  clock?: Clock;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

export function createApp({
  client,
  pool,
  logger,
  config,
  auth = resolveAuth(config, { allowDevelopmentSecret: false }),
  webDir = WEB_DIST,
  clock,
}: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Whose X-Forwarded-For to believe (TRUST_PROXY; none by default): req.ip keys the per-address limit.
  app.set('trust proxy', config.TRUST_PROXY);
  // Security headers on every answer, errors included; API answers are never cached (they carry
  // one caller's view of a case, and a shared cache must not hand it to another).
  app.use(helmet({ contentSecurityPolicy: { directives: contentSecurityPolicy(config, auth) } }));
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
      serializers: { err: ERROR_SERIALIZERS.err },
    }),
  );
  // Before anything that can refuse, so every answer to the Web UI (a 429 too) carries its CORS headers.
  app.use('/codec', codecCors(codecCorsOrigins(config)));
  const localUi = localUiCodecAccess(auth, codecCorsOrigins(config));
  if (localUi) app.use('/codec', localUi);
  // 1 MB is ample for any case document reference list; larger bodies are refused with 413. The
  // verify hook refuses deep nesting on the raw bytes, before JSON.parse (api/body-guard.ts); the text
  // rule is applied by each route, once the caller is known (api/route.ts).
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'], verify: verifyJson }));
  app.use(express.text({ type: 'text/csv', limit: '1mb', verify: verifyText }));

  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const router = express.Router();
  const limiters = createLimiters(pool, config, logger);
  const routes = new Routes(router, registry, authenticate(createAuthenticator(auth)), limiters);

  healthRoutes(routes, pool, client, { taskQueue: config.TEMPORAL_TASK_QUEUE, maxTaskAgeMs: config.READY_MAX_TASK_AGE_MS });
  templateRoutes(routes, pool);
  calendarRoutes(routes, pool, config.IDEMPOTENCY_KEY_TTL);
  keySmeRoutes(routes, pool);
  const documents = new PgDocumentStore(pool);
  const cases = new CaseService({ client, pool, documents, taskQueue: config.TEMPORAL_TASK_QUEUE, idempotencyTtlMs: config.IDEMPOTENCY_KEY_TTL });
  caseRoutes(routes, cases, pool);
  auditRoutes(routes, cases, new HistoryService({ client, pool }), pool);
  taskRoutes(routes, cases, pool);
  codecRoutes(routes, client, pool);
  sessionRoutes(routes, config, auth);
  reportRoutes(routes, pool, clock);
  directoryRoutes(routes, pool, config.IDEMPOTENCY_KEY_TTL);
  notificationRoutes(routes, cases, pool, config.IDEMPOTENCY_KEY_TTL);
  incidentRoutes(routes, cases, pool);
  documentRoutes(routes, documents, pool, config);
  caseDocumentRoutes(routes, cases, config);
  caseFileRoutes(routes, cases, documents, pool);
  verifyRoutes(routes, pool, config);

  const openapi = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'OneStop API',
      version: '1.0.0',
      description: TEXT_RULE_DESCRIPTION,
    },
    servers: [{ url: '/' }],
  });
  publishTextRule(openapi);
  // Kept on the app too, so that scripts/gen-api.ts can read it without listening.
  app.locals.openapi = openapi;
  router.get('/openapi.json', limiters.address, (_req, res) => {
    res.json(openapi);
  });

  routes.declareFallbacks();

  // The web app: its files before the API (they never share a path), index.html for the app's own
  // paths after it, so that API paths keep their 404/405 problem answers.
  const web = webDir === false ? undefined : webApp(webDir);
  if (web) app.use(web.files);
  app.use(router);
  if (web) app.use(web.fallback);
  app.use(methodNotAllowed);
  app.use(problemHandler);
  return app;
}

/**
 * Helmet's default policy (scripts, styles, images from this origin only; no inline scripts), which
 * the built web app keeps to. The app may also talk to the OpenID provider (discovery, token
 * endpoint). Locally, on the development secret, the API is plain HTTP on 127.0.0.1, so requests are
 * not upgraded to HTTPS.
 */
function contentSecurityPolicy(config: Config, auth: AuthSettings): Record<string, string[] | null> {
  const connect = ["'self'"];
  if (config.AUTH_ISSUER && URL.canParse(config.AUTH_ISSUER)) connect.push(new URL(config.AUTH_ISSUER).origin);
  return {
    'connect-src': connect,
    ...(isDevelopment(auth) ? { 'upgrade-insecure-requests': null } : {}),
  };
}
