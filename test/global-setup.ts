/**
 * One real PostgreSQL for the whole test run (embedded, in a temporary folder, on a free port), or
 * the server DATABASE_URL names. Each test file then makes its own database in it (support/db.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { ensureWebBuilt } from '../scripts/build-web.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Once for the run, before any browser test serves it (several test files serve it side by side).
  await ensureWebBuilt({ ifStale: true });
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL);
    return async () => {};
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'onestop-test-pg-'));
  chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must enter this folder
  const pg = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
  project.provide('databaseUrl', pg.url);
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
