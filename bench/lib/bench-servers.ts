/**
 * The servers every Temporal bench runs on: one Temporal dev server (headless, in memory, the
 * engine's search attributes registered) and an embedded PostgreSQL in a temporary directory,
 * migrated and seeded with the built-in calendars and templates. `stop()` leaves nothing behind.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { searchAttributesForCli } from '../../common/search-attributes.js';
import { migrate } from '../../db/pool.js';
import { createPool, type Pool } from '../../db/pool.js';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres.js';
import { startDevServer, type DevServer } from '../../infra/temporal-dev-server.js';
import { seedBuiltinCalendars } from '../../templates/builtin-calendars.js';
import { seedBuiltinTemplates } from '../../templates/builtin.js';
import { quietRuntime } from '../../test/support/temporal.js';

export interface BenchServers {
  server: DevServer;
  /** PostgreSQL's connection URL (the database the engine uses). */
  databaseUrl: string;
  /** The run's temporary directory (PostgreSQL's data lives in it; a bench may put files beside). */
  dir: string;
  /** A pool of `poolSize` on the database. */
  pool: Pool;
  stop(): Promise<void>;
}

export async function startBenchServers(name: string, poolSize: number, statementTimeoutMs?: number): Promise<BenchServers> {
  quietRuntime(); // before the dev server, which starts through the SDK's Runtime
  const dir = mkdtempSync(path.join(tmpdir(), `onestop-bench-${name}-`));
  chmodSync(dir, 0o755);
  const [server, pg] = await Promise.all([
    startDevServer({ uiPort: false, searchAttributes: searchAttributesForCli() }),
    startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: 0 }),
  ]);
  await migrate(pg.url);
  const pool = createPool(pg.url, poolSize, statementTimeoutMs);
  await seedBuiltinCalendars(pool);
  await seedBuiltinTemplates(pool);
  return {
    server,
    databaseUrl: pg.url,
    dir,
    pool,
    async stop() {
      await server.stop();
      await pool.end();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
