/**
 * The stack bench/side-by-side.ts measures, in this process as `npm start` runs it: one Temporal dev
 * server (headless, in memory), an embedded PostgreSQL (a temporary cluster) migrated and seeded,
 * one pool of 10 shared by the API and the activities, the case worker and the API with JWT
 * verification on a secret generated for the run. Beside it, on the same dev server, the bare
 * workflow's own worker and client (default data converter: bare Temporal, no payload codec).
 * The case worker's activities and the API's Temporal calls are timed into `tallies`.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import type { Pool } from '../../db/pool.js';
import { loadConfig, type Config } from '../../infra/config.js';
import { dataConverterFromConfig } from '../../infra/temporal-connection.js';
import { randomKeyEntry } from '../../test/support/payload-keys.js';
import { UNLIMITED } from '../../test/support/stack.js';
import { bundle } from '../../test/support/temporal.js';
import { createCaseWorker } from '../../workers/worker.js';
import { startBenchServers } from './bench-servers.js';
import { activityTimer, clientTimer } from './timing-interceptors.js';
import { Tally } from './stats.js';

export const BARE_TASK_QUEUE = 'bench-bare';
const BARE_WORKFLOW_PATH = fileURLToPath(new URL('../bare-case-workflow.ts', import.meta.url));

export interface BenchStack {
  baseUrl: string;
  /** The JWT secret generated for this run: tokens for the API are signed with it. */
  secret: string;
  config: Config;
  pool: Pool;
  /** The API's client (encrypting; its calls are timed). The bench waits for OneStop results through it too. */
  apiClient: Client;
  /** The bare workflow's client: default data converter, untimed. */
  bareClient: Client;
  /** Like the API's client but untimed: for the bench's own probes of OneStop cases. */
  probeClient: Client;
  tallies: { activities: Tally; apiTemporal: Tally };
  stop(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const secret = randomBytes(32).toString('base64url');
  const config = loadConfig({ AUTH_JWT_SECRET: secret, TEMPORAL_TASK_QUEUE: 'bench-onestop', PAYLOAD_KEYS: randomKeyEntry('bench'), ...UNLIMITED });
  const [servers, caseBundle, bareBundle] = await Promise.all([
    // As npm start: one pool of 10 for API and worker.
    startBenchServers('side', 10, config.DATABASE_STATEMENT_TIMEOUT_MS),
    bundle(),
    bundleWorkflowCode({ workflowsPath: BARE_WORKFLOW_PATH, logger: new DefaultLogger('ERROR') }),
  ]);
  const { server, pool } = servers;

  const tallies = { activities: new Tally(), apiTemporal: new Tally() };
  const dataConverter = dataConverterFromConfig(config);
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const apiClient = new Client({ connection, namespace: server.namespace, dataConverter, interceptors: { workflow: [clientTimer(tallies.apiTemporal)] } });
  const bareClient = new Client({ connection, namespace: server.namespace });
  const probeClient = new Client({ connection, namespace: server.namespace, dataConverter });

  const caseWorker = await createCaseWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: caseBundle,
    pool,
    dataConverter,
    interceptors: { activity: [activityTimer(tallies.activities)] },
  });
  const bareWorker = await Worker.create({ connection: nativeConnection, namespace: server.namespace, taskQueue: BARE_TASK_QUEUE, workflowBundle: bareBundle });
  const running = [caseWorker.run(), bareWorker.run()];

  const app = createApp({ client: apiClient, pool, logger: pino({ level: 'silent' }), config, webDir: false });
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });

  return {
    baseUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    secret,
    config,
    pool,
    apiClient,
    bareClient,
    probeClient,
    tallies,
    async stop() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      caseWorker.shutdown();
      bareWorker.shutdown();
      await Promise.allSettled(running);
      await nativeConnection.close();
      await connection.close();
      await servers.stop();
    },
  };
}
