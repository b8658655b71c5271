/** The pool's statement timeout, against the run's real PostgreSQL. */
import { describe, expect, inject, it } from 'vitest';
import { createPool } from '../../db/pool.js';
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
