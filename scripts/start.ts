/**
 * `npm start`: the whole stack on one machine. Starts (unless pointed elsewhere by env vars) a
 * Temporal dev server with a file database under data/ and an embedded PostgreSQL under data/pg,
 * migrates and seeds, then runs the worker and the API. Ctrl-C stops everything; the next start
 * finds every open case where it was.
 */
import path from 'node:path';
import exitHook from 'async-exit-hook';
import { Connection } from '@temporalio/client';
import { searchAttributesForCli } from '../common/search-attributes.js';
import { startApi, type RunningApi } from '../api/server.js';
import { createPool, migrate, type Pool } from '../db/pool.js';
import { resolveAuth } from '../infra/auth-settings.js';
import { loadConfigOrExit, type Config } from '../infra/config.js';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { createLogger } from '../infra/logger.js';
import { localMailCatcher } from '../infra/mail-catcher.js';
import { ensureLocalPayloadKeyFile } from '../infra/payload-keys.js';
import { ensureSearchAttributes } from '../infra/search-attributes.js';
import { startDevServer, type DevServer } from '../infra/temporal-dev-server.js';
import { connectClient } from '../infra/temporal-connection.js';
import { installTemporalLogger } from '../infra/temporal-logger.js';
import { seedBuiltinCalendars } from '../templates/builtin-calendars.js';
import { seedBuiltinTemplates } from '../templates/builtin.js';
import { runWorker, type RunningWorker } from '../workers/run.js';
import { ensureWebBuilt } from './build-web.js';

let config: Config = loadConfigOrExit();
const logger = createLogger(config, 'onestop');
// Local development may use the public development secret; the API then listens on 127.0.0.1 only.
const auth = resolveAuth(config, { allowDevelopmentSecret: true });
const stops: (() => Promise<unknown>)[] = [];
let stopping = false;

async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('stopping');
  // Reverse order: the API stops taking requests, the worker drains, then the servers go.
  for (const stop of stops.reverse()) {
    await stop().catch((err) => logger.warn({ err }, 'error while stopping'));
  }
  logger.info('stopped');
}

// embedded-postgres stops its cluster through async-exit-hook on SIGINT/SIGTERM; registering
// here too makes the process wait for this shutdown before it exits.
exitHook.forceExitTimeout(30_000);
exitHook((done) => {
  shutdown().finally(done);
});

async function main(): Promise<void> {
  // First: the dev server below starts through the SDK's Runtime, which can only be set up before its first use.
  installTemporalLogger(logger, config.TEMPORAL_LOG_LEVEL);
  const dataDir = path.resolve(config.DATA_DIR);
  if (!config.PAYLOAD_KEYS && !config.PAYLOAD_KEYS_FILE) {
    // Locally a key is made once and kept beside the data it protects; production sets its own.
    const keys = ensureLocalPayloadKeyFile(dataDir);
    if (keys.created) logger.info({ file: keys.file }, 'created a local payload encryption key');
    config = { ...config, PAYLOAD_KEYS_FILE: keys.file };
  }

  let temporalAddress = config.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server: DevServer = await startDevServer({
      dbFile: path.join(dataDir, 'temporal.db'),
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      searchAttributes: searchAttributesForCli(),
      // The Web UI shows encrypted payloads decoded through the API's codec endpoint (auditors).
      uiCodecEndpoint: `http://localhost:${config.PORT}/codec`,
      logger,
    });
    stops.push(() => server.stop());
    temporalAddress = server.address;
    logger.info({ address: server.address, ui: server.uiUrl }, 'Temporal dev server running');
  }

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: config.EMBEDDED_PG_PORT, logger });
    stops.push(() => pg.stop());
    databaseUrl = pg.url;
    logger.info({ port: pg.port }, 'embedded PostgreSQL running');
  }

  await migrate(databaseUrl, logger);
  const pool: Pool = createPool(databaseUrl, 10, config.DATABASE_STATEMENT_TIMEOUT_MS);
  stops.push(() => pool.end());
  await seedBuiltinCalendars(pool, logger);
  await seedBuiltinTemplates(pool, logger);

  if (config.TEMPORAL_ADDRESS) {
    // A cluster: make sure the namespace has the engine's search attributes.
    const connection: Connection = await connectClient(config, temporalAddress);
    await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE, logger);
    await connection.close();
  }

  // Mail: a local catcher (data/mail/) unless SMTP_URL names a server.
  const mail = await localMailCatcher(config.SMTP_URL, dataDir, logger);
  if (mail) {
    stops.push(() => mail.stop());
    config = { ...config, SMTP_URL: mail.url };
  }

  const worker: RunningWorker = await runWorker(config, temporalAddress, pool, logger);
  stops.push(() => worker.stop());
  worker.done.catch((err) => {
    logger.fatal({ err }, 'worker failed');
    process.kill(process.pid, 'SIGTERM');
  });

  // The web app at `/`: built on the first start (or after `rm -r dist/web`).
  if (await ensureWebBuilt()) logger.info('built the web app into dist/web');
  const api: RunningApi = await startApi(config, temporalAddress, pool, logger, auth);
  stops.push(() => api.stop());
  logger.info(`OneStop is up: web app and API at http://${api.host === '0.0.0.0' ? 'localhost' : api.host}:${api.port}/  (Ctrl-C stops everything)`);
}

main().catch(async (err) => {
  logger.fatal({ err }, 'start failed');
  await shutdown();
  process.exit(1);
});
