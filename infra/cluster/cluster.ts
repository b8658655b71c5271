/**
 * OneStop in its production shape on one machine (docs/deployment.md, `npm run cluster`): Temporal
 * as separate services (frontend, history, matching, internal worker) on PostgreSQL with SQL
 * visibility, OneStop workers and API processes from their production entries with real secrets
 * and payload keys, and haproxy serving the web app and the API on one port over the API processes.
 * Every part is a process of its own that the drills can kill and start again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { Logger } from 'pino';
import { caseSearchAttributes, searchAttributesForCli } from '../../common/search-attributes.js';
import { projectRoot } from '../binaries.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../embedded-postgres.js';
import { ensureLocalPayloadKeyFile } from '../payload-keys.js';
import { getFreePort } from '../ports.js';
import { registerSearchAttributes } from '../search-attributes.js';
import { startDevServer } from '../temporal-dev-server.js';
import { Supervised } from './supervised.js';
import { setUpTemporalDatabases, type TemporalDatabaseSettings } from './temporal-databases.js';
import { ensureTemporalServer, type TemporalServerBuild } from './temporal-server.js';

export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];
/** Each service's gRPC port as an offset from the frontend's (deploy/temporal/temporal.yaml). */
const SERVICE_PORT_OFFSET: Record<TemporalService, number> = { frontend: 0, history: 1, matching: 2, worker: 6 };

export interface ClusterOptions {
  /** Everything the cluster keeps: PostgreSQL's data, secrets, payload keys, the bundle, logs. */
  dataDir: string;
  /** Another PostgreSQL server (OneStop's database there); the embedded one in dataDir/pg otherwise. */
  databaseUrl?: string;
  /** haproxy's port (8080); 0 for a free one. */
  port?: number;
  /** The Temporal frontend's gRPC port (7233); the other services' follow it (deploy/temporal/temporal.yaml). */
  temporalPortBase?: number;
  workers?: number;
  apis?: number;
  /** More environment for the OneStop processes (rate limits, log level, intervals). */
  env?: Record<string, string>;
  /**
   * `services` (the production shape, the default) or `dev-server`: the CLI's dev server in their
   * place, everything else the same. The bench runs both, so that their figures stand side by side.
   */
  temporal?: 'services' | 'dev-server';
  logger: Logger;
}

export interface ClusterSecrets {
  AUTH_JWT_SECRET: string;
  VERIFY_SECRET: string;
}

export interface Cluster {
  /** haproxy: the web app and the API. */
  url: string;
  temporalAddress: string;
  databaseUrl: string;
  secrets: ClusterSecrets;
  /** Each Temporal service's process (none with the dev server). */
  temporal: Partial<Record<TemporalService, Supervised>>;
  workers: Supervised[];
  apis: Supervised[];
  haproxy: Supervised;
  /** The embedded PostgreSQL's restart (stop, then start on the same data and port); undefined with DATABASE_URL. */
  restartPostgres?: () => Promise<void>;
  /** The server built (none with the dev server). */
  server?: TemporalServerBuild;
  stop(): Promise<void>;
}

/** Secrets made once per data folder and kept there (0600), so a restarted cluster accepts the same tokens. */
function clusterSecrets(dataDir: string): ClusterSecrets {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ClusterSecrets;
  const secrets = { AUTH_JWT_SECRET: randomBytes(32).toString('base64url'), VERIFY_SECRET: randomBytes(32).toString('base64url') };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return secrets;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `attempt` until it resolves or `timeoutMs` passes (then the last error is thrown). */
export async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`, { cause: err });
      await sleep(everyMs);
    }
  }
}

/** The namespace, registered on a fresh cluster (retention 30 days), and OneStop's search attributes on it. */
async function prepareNamespace(address: string, namespace: string, logger: Logger): Promise<void> {
  const connection = await eventually('the Temporal frontend answering', () => Connection.connect({ address, connectTimeout: 2000 }), 120_000, 500);
  try {
    await eventually('the cluster serving', () => connection.workflowService.getSystemInfo({}), 120_000, 500);
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('30 days') });
      logger.info({ namespace }, 'namespace registered');
    } catch (err) {
      if (!/already exists|AlreadyExists/i.test(String(err))) throw err;
    }
    await eventually('the namespace known to every service', () => connection.workflowService.describeNamespace({ namespace }), 60_000, 500);
    await eventually('search attributes registered', () => registerSearchAttributes(connection, namespace, caseSearchAttributes(), logger), 60_000, 1000);
    // SQL visibility takes a query on the attributes only once every service's cache has them.
    await eventually(
      'visibility answering queries on the search attributes',
      () => connection.workflowService.listWorkflowExecutions({ namespace, query: `CaseStatus = 'in-review' AND Priority = true`, pageSize: 1 }),
      60_000,
      500,
    );
  } finally {
    await connection.close();
  }
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const { logger } = opts;
  const dataDir = path.resolve(opts.dataDir);
  const logDir = path.join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((err) => logger.warn({ err }, 'error while stopping'));
    stops.length = 0;
  };
  try {
    const server = opts.temporal === 'dev-server' ? undefined : await ensureTemporalServer(undefined, (line) => logger.info(line));

    // PostgreSQL: OneStop's database and Temporal's two, on one server.
    let pg: EmbeddedPostgresHandle | undefined;
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await getFreePort(), logger });
      databaseUrl = pg.url;
      const handle = pg;
      stops.push(() => handle.stop());
    } else {
      databaseUrl = await ensureDatabase(databaseUrl, new URL(databaseUrl).pathname.slice(1) || 'onestop');
    }
    const db = new URL(databaseUrl);
    const dbSettings = {
      host: db.hostname,
      port: Number(db.port || 5432),
      user: decodeURIComponent(db.username),
      password: decodeURIComponent(db.password),
      database: 'temporal',
      visibilityDatabase: 'temporal_visibility',
    };
    // Temporal: each service its own process, one configuration file (deploy/temporal/); or the dev server.
    const base = opts.temporalPortBase ?? 7233;
    const temporalAddress = `127.0.0.1:${base}`;
    const namespace = opts.env?.TEMPORAL_NAMESPACE ?? 'default';
    let temporal: Partial<Record<TemporalService, Supervised>> = {};
    if (server) {
      temporal = await startTemporalServices(server, dbSettings, base, dataDir, logDir, stops);
      await prepareNamespace(temporalAddress, namespace, logger);
    } else {
      const dev = await startDevServer({
        dbFile: path.join(dataDir, 'temporal.db'),
        port: base,
        uiPort: false,
        namespace,
        searchAttributes: searchAttributesForCli(),
        logger,
      });
      stops.push(() => dev.stop());
    }

    // OneStop: production entries, a prebuilt bundle, real secrets and payload keys.
    const secrets = clusterSecrets(dataDir);
    const keys = ensureLocalPayloadKeyFile(dataDir);
    const bundle = path.join(dataDir, 'workflow-bundle.js');
    await runOnce(logDir, 'build-workflow-bundle', [path.join(projectRoot, 'scripts/build-workflow-bundle.ts'), bundle]);
    const port = opts.port === 0 || opts.port === undefined ? await getFreePort() : opts.port;
    const url = `http://127.0.0.1:${port}`;
    const common = {
      ...process.env,
      ...opts.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: namespace,
      PAYLOAD_KEYS_FILE: keys.file,
      WORKFLOW_BUNDLE_PATH: bundle,
      PUBLIC_BASE_URL: url,
      TRUST_PROXY: 'loopback',
      ...secrets,
    };
    // The keys are the cluster's file's, never a PAYLOAD_KEYS of the calling shell.
    delete (common as NodeJS.ProcessEnv).PAYLOAD_KEYS;
    const node = (name: string, entry: string, env: NodeJS.ProcessEnv) =>
      new Supervised({ name, command: process.execPath, args: ['--import', 'tsx', path.join(projectRoot, entry)], env, cwd: projectRoot, logDir });

    const workers = Array.from({ length: opts.workers ?? 2 }, (_, i) => node(`worker-${i + 1}`, 'workers/main.ts', common));
    for (const w of workers) {
      w.start();
      stops.push(() => w.close());
    }
    const apiPorts = await Promise.all(Array.from({ length: opts.apis ?? 2 }, () => getFreePort()));
    const apis = apiPorts.map((p, i) => node(`api-${i + 1}`, 'api/main.ts', { ...common, PORT: String(p), HOST: '127.0.0.1' }));
    for (const a of apis) {
      a.start();
      stops.push(() => a.close());
    }
    await Promise.all(apiPorts.map((p) => eventually(`API on ${p} healthy`, () => healthy(`http://127.0.0.1:${p}/healthz`), 120_000)));

    const haproxy = new Supervised({
      name: 'haproxy',
      command: 'haproxy',
      args: ['-W', '-db', '-f', path.join(projectRoot, 'deploy/haproxy/haproxy.cfg')],
      env: {
        ...process.env,
        ONESTOP_BIND: `127.0.0.1:${port}`,
        ONESTOP_API_1: `127.0.0.1:${apiPorts[0]}`,
        ONESTOP_API_2: `127.0.0.1:${apiPorts[1] ?? apiPorts[0]}`,
      },
      cwd: dataDir,
      logDir,
    });
    haproxy.start();
    stops.push(() => haproxy.close());
    await eventually('haproxy serving', () => healthy(`${url}/healthz`), 30_000);

    const restartPostgres = pg
      ? async () => {
          await pg!.stop();
          const again = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: dbSettings.port, logger });
          pg = again;
        }
      : undefined;
    return {
      url,
      temporalAddress,
      databaseUrl,
      secrets,
      temporal,
      workers,
      apis,
      haproxy,
      restartPostgres,
      server,
      stop: async () => {
        await stop();
        if (pg) await pg.stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Temporal's services, each its own process, on the databases of `dbSettings` (set up first with the SQL tool). */
async function startTemporalServices(
  server: TemporalServerBuild,
  dbSettings: TemporalDatabaseSettings,
  base: number,
  dataDir: string,
  logDir: string,
  stops: (() => Promise<unknown>)[],
): Promise<Record<TemporalService, Supervised>> {
  await setUpTemporalDatabases(server, dbSettings);

  const temporalEnv = {
    ...process.env,
    TEMPORAL_DB_HOST: dbSettings.host,
    TEMPORAL_DB_PORT: String(dbSettings.port),
    TEMPORAL_DB_USER: dbSettings.user,
    TEMPORAL_DB_PASSWORD: dbSettings.password,
    TEMPORAL_PORT_BASE: String(base),
    TEMPORAL_DYNAMIC_CONFIG: path.join(projectRoot, 'deploy/temporal/dynamicconfig.yaml'),
  };
  const configFile = path.join(projectRoot, 'deploy/temporal/temporal.yaml');
  const temporal = Object.fromEntries(
    TEMPORAL_SERVICES.map((service) => [
      service,
      new Supervised({
        name: `temporal-${service}`,
        command: server.server,
        args: ['--config-file', configFile, '--allow-no-auth', 'start', '--service', service],
        env: temporalEnv,
        cwd: dataDir,
        logDir,
      }),
    ]),
  ) as Record<TemporalService, Supervised>;
  // The first service to start on fresh databases writes the cluster's metadata; two writing it at
  // once collide (a duplicate key, and the loser exits). So one starts first, the rest once it listens.
  const [first, ...rest] = TEMPORAL_SERVICES;
  for (const service of [first, ...rest]) stops.push(() => temporal[service].close());
  temporal[first].start();
  await eventually(`temporal ${first} listening`, () => listening(base + SERVICE_PORT_OFFSET[first], temporal[first]), 120_000, 250);
  for (const service of rest) temporal[service].start();
  return temporal;
}

/**
 * A frontend port whose whole block of service ports is free (deploy/temporal/temporal.yaml: the
 * membership ports 300 below it, the others up to 10 above it). Below 32768: Temporal stores each
 * host's membership port as a PostgreSQL smallint.
 */
export async function freeTemporalPortBase(): Promise<number> {
  const offsets = [0, 1, 2, 6, 10, -300, -299, -298, -294];
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(offsets.map((o) => portFree(base + o)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free block of ports for the Temporal services');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Resolves once `port` accepts connections; fails at once if the process has ended. */
function listening(port: number, process: Supervised): Promise<void> {
  if (!process.running) return Promise.reject(new Error(`${process.name} exited; see ${process.logFile}`));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve();
    });
    socket.on('error', reject);
  });
}

async function healthy(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}

/** Runs a TypeScript script to its end (its output in the log folder). */
async function runOnce(logDir: string, name: string, args: string[]): Promise<void> {
  const p = new Supervised({ name, command: process.execPath, args: ['--import', 'tsx', ...args], env: process.env, cwd: projectRoot, logDir });
  p.start();
  const code = await p.exitCode();
  await p.close();
  if (code !== 0) throw new Error(`${name} failed (exit ${code}); see ${p.logFile}`);
}
