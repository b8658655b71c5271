/** PostgreSQL connections and schema migrations. */
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

export type Pool = pg.Pool;

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies pending migrations; safe to run from several processes at once (node-pg-migrate locks). */
export async function migrate(url: string, logger?: Logger): Promise<void> {
  const applied = await runner({
    databaseUrl: url,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    log: (msg: string) => logger?.debug({ msg }, 'migration'),
    verbose: false,
  });
  if (applied.length) logger?.info({ applied: applied.map((m) => m.name) }, 'database migrated');
}
