/**
 * Production entry of an API process (`npm run api`): serves HTTP against the Temporal cluster and
 * PostgreSQL named by the environment. Stateless: run several behind a load balancer.
 */
import exitHook from 'async-exit-hook';
import { createPool, migrate } from '../db/pool.js';
import { DEV_VERIFY_SECRET, loadConfigOrExit } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { requirePayloadKeys } from '../infra/payload-keys.js';
import { seedBuiltinCalendars } from '../templates/builtin-calendars.js';
import { seedBuiltinTemplates } from '../templates/builtin.js';
import { authOrExit } from '../infra/require-auth.js';
import { startApi } from './server.js';

const config = loadConfigOrExit();
const logger = createLogger(config, 'onestop-api');
const auth = authOrExit(config);
if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required for an API process');
// Personal data never goes to Temporal in clear: no keys, no start (npm start makes a local one).
requirePayloadKeys(config);
// A document's check code is only as unguessable as its key: the public development key would let
// anyone compute the code of any number and read what the verification page shows.
if (config.VERIFY_SECRET === DEV_VERIFY_SECRET) {
  process.stderr.write('onestop: refusing to start: set VERIFY_SECRET (at least 32 bytes) for the verification codes of decision documents\n');
  process.exit(1);
}

await migrate(config.DATABASE_URL, logger);
const pool = createPool(config.DATABASE_URL, 10, config.DATABASE_STATEMENT_TIMEOUT_MS);
await seedBuiltinCalendars(pool, logger);
await seedBuiltinTemplates(pool, logger);
const api = await startApi(config, config.TEMPORAL_ADDRESS ?? 'localhost:7233', pool, logger, auth);
exitHook((done) => {
  api
    .stop()
    .then(() => pool.end())
    .finally(done);
});
