/** PostgreSQL connections and schema migrations. */
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

export type Pool = pg.Pool;

/** The default `DATABASE_STATEMENT_TIMEOUT_MS`. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

/**
 * A pool whose every statement is cancelled by the server after `statementTimeoutMs` (SQLSTATE
 * 57014, answered 503): a slow query must not hold a connection, and a request, without bound.
 * Migrations connect on their own, without this limit, since an index build may take longer.
 */
export function createPool(url: string, max = 10, statementTimeoutMs = DEFAULT_STATEMENT_TIMEOUT_MS): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, statement_timeout: statementTimeoutMs });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Applies pending migrations; safe to run from several processes at once: node-pg-migrate takes an
 * advisory lock, and a process that finds it taken waits for it (its default is to fail: a second
 * worker or API started beside the first exited with "Another migration is already running"),
 * then finds nothing left to apply.
 */
export async function migrate(url: string, logger?: Logger): Promise<void> {
  const applied = await runner({
    databaseUrl: url,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    advisoryLockMode: 'wait',
    log: (msg: string) => logger?.debug({ msg }, 'migration'),
    verbose: false,
  });
  if (applied.length) logger?.info({ applied: applied.map((m) => m.name) }, 'database migrated');
}
