/**
 * What an activity's PostgreSQL error becomes before it leaves the worker. The failure is recorded
 * in the case's history and logged by the SDK, so it never carries PostgreSQL's own words (they
 * quote the row: names, comments). An error that retrying cannot cure (common/database-errors.ts)
 * is non-retryable, typed DataRefused: the workflow raises an incident for it
 * (workflows/lib/incidents.ts) instead of holding a slot while it retries for ever.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { databaseErrorCode, describeDatabaseError, isUncurable } from '../common/database-errors.js';
import { ACTIVITY_FAILURE } from '../common/errors.js';

/** `err` as the activity should throw it. */
export function activityFailureOf(err: unknown): unknown {
  const code = databaseErrorCode(err);
  if (code === undefined) return err;
  if (isUncurable(code)) {
    return ApplicationFailure.create({
      type: ACTIVITY_FAILURE.dataRefused,
      message: `${describeDatabaseError(code)} refused the data`,
      nonRetryable: true,
      details: [{ code }],
    });
  }
  return ApplicationFailure.create({ type: 'DatabaseError', message: `${describeDatabaseError(code)}; retrying`, details: [{ code }] });
}

/** Every activity of `acts`, its PostgreSQL errors translated by activityFailureOf. */
export function withDatabaseFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(acts: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(acts)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw activityFailureOf(err);
      }
    };
  }
  return wrapped as T;
}
