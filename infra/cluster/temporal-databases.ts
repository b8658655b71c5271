/**
 * Temporal's two databases on PostgreSQL (the history store and SQL visibility), created and brought
 * to the schema version of the server with Temporal's own SQL tool, as an operator would: create the
 * database, set up the schema's version table, then apply every versioned step not yet applied.
 * Run on every start: on databases already up to date it changes nothing.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TemporalServerBuild } from './temporal-server.js';

const run = promisify(execFile);

export interface TemporalDatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The history store's database (temporal). */
  database: string;
  /** SQL visibility's database (temporal_visibility). */
  visibilityDatabase: string;
}

async function sqlTool(build: TemporalServerBuild, s: TemporalDatabaseSettings, database: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(
    build.sqlTool,
    ['--plugin', 'postgres12', '--ep', s.host, '--port', String(s.port), '--user', s.user, '--password', s.password, '--db', database, ...args],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout + stderr;
}

/** Creates the database if missing (the tool's create answers an error for one that exists). */
async function createDatabase(build: TemporalServerBuild, s: TemporalDatabaseSettings, database: string): Promise<void> {
  try {
    await sqlTool(build, s, database, ['create-database']);
  } catch (err) {
    const out = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
    if (!/already exists/.test(out)) throw err;
  }
}

/** Both databases at the server's schema version; answers what the tool said of each. */
export async function setUpTemporalDatabases(build: TemporalServerBuild, s: TemporalDatabaseSettings): Promise<void> {
  for (const [database, schema] of [
    [s.database, 'temporal'],
    [s.visibilityDatabase, 'visibility'],
  ] as const) {
    await createDatabase(build, s, database);
    // Version 0.0 is only the tool's own version table; an existing one is left as it is.
    await sqlTool(build, s, database, ['setup-schema', '-v', '0.0']);
    await sqlTool(build, s, database, ['update-schema', '-d', path.join(build.schemaDir, schema, 'versioned')]);
  }
}
