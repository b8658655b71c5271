/**
 * Production entry of a worker process (`npm run worker`): connects to the Temporal cluster and
 * PostgreSQL named by the environment. Run as many as load needs; they share the task queue.
 */
import exitHook from 'async-exit-hook';
import { createPool, migrate } from '../db/pool.js';
import { loadConfigOrExit } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { requirePayloadKeys } from '../infra/payload-keys.js';
import { ensureSearchAttributes } from '../infra/search-attributes.js';
import { connectClient } from '../infra/temporal-connection.js';
import { authOrExit } from '../infra/require-auth.js';
import { runWorker } from './run.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'onestop-worker');
// The worker verifies no tokens, but it runs beside APIs that must: a deployment that forgot to
// configure them is refused here too, before anything runs.
authOrExit(config);
const address = config.TEMPORAL_ADDRESS ?? 'localhost:7233';
if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required for a worker process');
// Personal data never goes to Temporal in clear: no keys, no start (npm start makes a local one).
requirePayloadKeys(config);

await migrate(config.DATABASE_URL, logger);
const pool = createPool(config.DATABASE_URL, 10, config.DATABASE_STATEMENT_TIMEOUT_MS);
const client = await connectClient(config, address);
await ensureSearchAttributes(client, config.TEMPORAL_NAMESPACE, logger);
await client.close();
const worker = await runWorker(config, address, pool, logger);
exitHook((done) => {
  worker
    .stop()
    .then(() => pool.end())
    .finally(done);
});
await worker.done;
