/**
 * The real stack for API tests: a Temporal dev server (in memory, free port), or the time-skipping
 * test server when a test needs time to pass, a fresh PostgreSQL database, a worker with the real
 * activities, and the Express app listening on a free port.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { searchAttributesForCli } from '../../common/search-attributes.js';
import type { Actor } from '../../common/types.js';
import { resolveAuth } from '../../infra/auth-settings.js';
import { loadConfig, type Config } from '../../infra/config.js';
import { dataConverterFromConfig } from '../../infra/temporal-connection.js';
import { startDevServer, type DevServer } from '../../infra/temporal-dev-server.js';
import { seedBuiltinCalendars } from '../../templates/builtin-calendars.js';
import { seedBuiltinTemplates } from '../../templates/builtin.js';
import { startArchiver } from '../../workers/archiver.js';
import { createCaseWorker } from '../../workers/worker.js';
import { freshDatabase, type TestDatabase } from './db.js';
import { OpenApiConformance } from './openapi-conformance.js';
import { TEST_PAYLOAD_KEYS } from './payload-keys.js';
import { bundle, quietRuntime, timeSkippingEnv } from './temporal.js';

export const TEST_SECRET = 'test-secret-for-onestop-api-tests';

/** Rate limits high enough that no test meets them (test/api/limits.test.ts sets its own). */
export const UNLIMITED = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
  RATE_LIMIT_OPEN_PER_MINUTE: '1000000',
  RATE_LIMIT_IMPORT_PER_MINUTE: '1000000',
  RATE_LIMIT_RAW_HISTORY_PER_MINUTE: '1000000',
};

export interface Stack {
  baseUrl: string;
  client: Client;
  /** The dev server's frontend (host:port) and namespace, for the CLI or extra clients and workers. */
  address: string;
  namespace: string;
  db: TestDatabase;
  config: Config;
  /** Stops the worker (as a crash or a deploy would) and starts a fresh one on the same queue. */
  restartWorker(): Promise<void>;
  /** With `timeSkipping`: the test server's clock, and moving it on (never backwards) to the instant `ms`. */
  time?: { now(): Promise<number>; advanceTo(ms: number): Promise<void> };
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  teardown(): Promise<void>;
}

export interface StackOptions {
  /** Run the API on the public development secret, as `npm start` does (the sign-in form, dev tokens). */
  developmentAuth?: boolean;
  /** Run the archiver of closed cases every this many milliseconds (off by default). */
  archiveIntervalMs?: number;
  /**
   * Run on the time-skipping test server instead of the dev server: time moves only through
   * `time.advanceTo`, and the API's reports take their present from the server's clock.
   */
  timeSkipping?: boolean;
  /**
   * Start the stack's own case worker (default true). Off when the test runs its workers elsewhere,
   * as separate processes (test/e2e/two-workers.test.ts); `startWorker` still starts one on demand.
   */
  caseWorker?: boolean;
}

export async function startStack(databaseServerUrl: string, overrides: Partial<Record<string, string>> = {}, options: StackOptions = {}): Promise<Stack> {
  quietRuntime(); // before the dev server, which starts through the SDK's Runtime
  // Bundled while the servers start, unless no worker is wanted (then on the first startWorker).
  let workflowBundle: Promise<WorkflowBundleWithSourceMap> | undefined = options.caseWorker === false ? undefined : bundle();
  const [temporal, db]: [Temporal, TestDatabase, unknown] = await Promise.all([
    options.timeSkipping ? timeSkippingTemporal() : devServerTemporal(),
    freshDatabase(databaseServerUrl),
    workflowBundle,
  ]);
  await seedBuiltinCalendars(db.pool);
  await seedBuiltinTemplates(db.pool);
  const config = loadConfig({ AUTH_JWT_SECRET: TEST_SECRET, TEMPORAL_TASK_QUEUE: 'api-test', PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, ...UNLIMITED, ...overrides });
  const dataConverter = dataConverterFromConfig(config);
  const { nativeConnection, connection } = temporal;
  const client = new Client({ connection, namespace: temporal.namespace, dataConverter });

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createCaseWorker({
      connection: nativeConnection,
      namespace: temporal.namespace,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowBundle: await (workflowBundle ??= bundle()),
      pool: db.pool,
      dataConverter,
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  };
  if (options.caseWorker !== false) await startWorker();

  const auth = options.developmentAuth ? resolveAuth({ ...config, AUTH_JWT_SECRET: undefined }, { allowDevelopmentSecret: true }) : undefined;
  const time = temporal.time;
  const clock = time ? async () => new Date(await time.now()) : undefined;
  const app = createApp({ client, pool: db.pool, logger: pino({ level: 'silent' }), config, ...(auth ? { auth } : {}), ...(clock ? { clock } : {}) });
  const stopArchiver = options.archiveIntervalMs ? startArchiver(db.pool, client, pino({ level: 'silent' }), options.archiveIntervalMs) : async () => {};
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = http.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    client,
    address: temporal.address,
    namespace: temporal.namespace,
    db,
    config,
    ...(time ? { time } : {}),
    stopWorker,
    startWorker,
    async restartWorker() {
      await stopWorker();
      await startWorker();
    },
    async teardown() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await stopArchiver();
      await stopWorker();
      await temporal.stop();
      await db.drop();
    },
  };
}

/** Where the stack's Temporal runs, and how to stop it. */
interface Temporal {
  address: string;
  namespace: string;
  nativeConnection: NativeConnection;
  connection: Connection;
  time?: Stack['time'];
  stop(): Promise<void>;
}

async function devServerTemporal(): Promise<Temporal> {
  const server: DevServer = await startDevServer({ uiPort: false, searchAttributes: searchAttributesForCli() });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  return {
    address: server.address,
    namespace: server.namespace,
    nativeConnection,
    connection,
    async stop() {
      await nativeConnection.close();
      await connection.close();
      await server.stop();
    },
  };
}

async function timeSkippingTemporal(): Promise<Temporal> {
  const env = await timeSkippingEnv();
  return {
    address: env.address,
    namespace: env.namespace ?? 'default',
    nativeConnection: env.nativeConnection,
    connection: env.connection,
    time: {
      now: () => env.currentTimeMs(),
      async advanceTo(ms) {
        const delta = ms - (await env.currentTimeMs());
        if (delta > 0) await env.sleep(delta);
      },
    },
    stop: () => env.teardown(),
  };
}

export async function tokenFor(actor: Actor, secret = TEST_SECRET): Promise<string> {
  const claims: Record<string, unknown> = { name: actor.name, roles: actor.roles };
  if (actor.dept) claims.dept = actor.dept;
  if (actor.org) claims.org = actor.org;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(actor.sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

/**
 * A small HTTP client: JSON in and out, with the actor's token. Every answer is checked against the
 * server's OpenAPI document (route, status, media type, body schema) unless `unchecked` says why not.
 */
export function api(baseUrl: string) {
  return async function call(
    method: string,
    path: string,
    opts: { as?: Actor; body?: unknown; raw?: string; headers?: Record<string, string>; token?: string; unchecked?: string } = {},
  ): Promise<{ status: number; body: any; headers: Headers }> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.as) headers.authorization = `Bearer ${await tokenFor(opts.as)}`;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    if (!opts.unchecked && path !== '/openapi.json') {
      (await OpenApiConformance.load(baseUrl)).check(method, path, { status: res.status, contentType: res.headers.get('content-type'), body });
    }
    return { status: res.status, body, headers: res.headers };
  };
}
