import { Writable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { activityFailureOf, MAX_RESULT_BYTES, withDatabaseFailures } from '../../activities/database-failures.js';
import { databaseErrorCode, isUncurable, redactDatabaseError } from '../../common/database-errors.js';
import { createLogger } from '../../infra/logger.js';

/** A PostgreSQL error as pg throws it: its message, detail and where quote the row it refused. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), {
    name: 'error',
    code,
    severity: 'ERROR',
    detail: 'Failing row contains (Zhang Wei, +86 591 8888 0000).',
    where: 'JSON data, line 1: {"applicant":{"name":"Zhang Wei \\udfff',
    internalQuery: 'SELECT secret',
    table: 'cases',
  });
}

function captureLog(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  return { logger: createLogger({ LOG_LEVEL: 'info' }, 'test', sink), text: () => out };
}

describe('PostgreSQL errors', () => {
  it('are read by their SQLSTATE anywhere in the cause chain, and classes 22 and 54 are uncurable', () => {
    const err = pgError('22P02', 'invalid input syntax for type json');
    expect(databaseErrorCode(new Error('outer', { cause: err }))).toBe('22P02');
    expect(databaseErrorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(['22P02', '22021', '54000'].every(isUncurable)).toBe(true);
    expect(['57P01', '40001', '57014', '23505'].some(isUncurable)).toBe(false);
  });

  it('reach the log without what they quote of the row (err and error keys, causes too)', () => {
    const { logger, text } = captureLog();
    const refused = pgError('22P02', 'invalid input syntax for type integer: "Zhang Wei"');
    logger.warn({ err: refused }, 'projection failed');
    logger.warn({ error: new Error('wrapped', { cause: pgError('23505', 'duplicate key value violates unique constraint "x"') }) }, 'sdk entry');
    logger.warn({ err: pgError('57P01', 'terminating connection due to administrator command') }, 'outage');
    const logged = text();
    expect(logged).not.toContain('Zhang Wei');
    expect(logged).not.toContain('8888');
    expect(logged).not.toContain('SELECT secret');
    expect(logged).toContain('PostgreSQL 22P02 (invalid text representation)');
    expect(logged).toContain('caused by: DatabaseError: PostgreSQL 23505');
    // An outage's message quotes no data and is kept.
    expect(logged).toContain('terminating connection due to administrator command');
    // The original error is not changed.
    expect((refused as Error & { detail: string }).detail).toContain('Zhang Wei');
    expect(redactDatabaseError('plain')).toBe('plain');
  });

  it('leave an activity as failures without their data: uncurable ones non-retryable DataRefused, others retryable', () => {
    const refused = activityFailureOf(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00 near Zhang Wei'));
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect(refused).toMatchObject({ type: 'DataRefused', nonRetryable: true, details: [{ code: '22021' }] });
    expect((refused as Error).message).not.toContain('Zhang');
    const outage = activityFailureOf(pgError('57P01', 'terminating connection'));
    expect(outage).toMatchObject({ type: 'DatabaseError', nonRetryable: false });
    const other = new Error('connect ECONNREFUSED');
    expect(activityFailureOf(other)).toBe(other);
  });

  it('bound an activity result: one too large to record fails at once, non-retryable, instead of being retried for ever', async () => {
    const acts = withDatabaseFailures({
      async small() {
        return { ok: 'x'.repeat(1000) };
      },
      async huge() {
        return 'x'.repeat(MAX_RESULT_BYTES + 1);
      },
      async nothing() {},
    });
    await expect(acts.small()).resolves.toEqual({ ok: 'x'.repeat(1000) });
    await expect(acts.nothing()).resolves.toBeUndefined();
    await expect(acts.huge()).rejects.toMatchObject({ type: 'PayloadTooLarge', nonRetryable: true });
  });
});
