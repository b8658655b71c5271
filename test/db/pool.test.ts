/** The pool's statement timeout and migrations, against the run's real PostgreSQL. */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createPool, migrate } from '../../db/pool.js';
import { toProblem } from '../../api/problem.js';

describe('createPool', () => {
  it('cancels a statement that runs past the timeout (57014), which the API answers 503', async () => {
    const pool = createPool(inject('databaseUrl'), 1, 100);
    try {
      const err = await pool.query('SELECT pg_sleep(5)').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: '57014' });
      const problem = toProblem(err);
      expect(problem.status).toBe(503);
      expect(problem.detail).toMatch(/database/);
      // The connection is still usable for statements within the limit.
      expect((await pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('sets a 15 s statement timeout by default', async () => {
    const pool = createPool(inject('databaseUrl'), 1);
    try {
      expect((await pool.query('SHOW statement_timeout')).rows[0].statement_timeout).toBe('15s');
    } finally {
      await pool.end();
    }
  });
});

describe('migrate', () => {
  it('run by several processes at once (workers and APIs starting together): each waits for the others, and every migration is applied once', async () => {
    const name = `onestop_migrate_${randomBytes(6).toString('hex')}`;
    const admin = new URL(inject('databaseUrl'));
    admin.pathname = '/postgres';
    const run = async (sql: string) => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(sql).finally(() => c.end());
    };
    await run(`CREATE DATABASE ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    try {
      await Promise.all([migrate(url.toString()), migrate(url.toString()), migrate(url.toString())]);
      const pool = createPool(url.toString(), 1);
      try {
        const { rows } = await pool.query('SELECT name FROM pgmigrations ORDER BY run_on, id');
        const files = readdirSync(new URL('../../db/migrations', import.meta.url)).map((f) => f.replace(/\.sql$/, ''));
        expect(rows.map((r) => r.name)).toEqual(files.sort());
      } finally {
        await pool.end();
      }
    } finally {
      await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
