/**
 * What an activity's PostgreSQL error becomes before it leaves the worker. The failure is recorded
 * in the case's history and logged by the SDK, so it never carries PostgreSQL's own words (they
 * quote the row: names, comments). An error that retrying cannot cure (common/database-errors.ts)
 * is non-retryable, typed DataRefused (and a result too large to record, PayloadTooLarge): the workflow raises an incident for it
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

/**
 * The largest result an activity may answer with. Temporal refuses a completion past its blob limit
 * (2 MB by default) and the activity would be retried for ever with the same answer; OneStop's
 * results are a few kilobytes (a payment, a number, the notifications of one publication), so one
 * this large is a fault that retrying cannot cure.
 */
export const MAX_RESULT_BYTES = 512 * 1024;

function tooLarge(result: unknown): ApplicationFailure | undefined {
  const bytes = result === undefined ? 0 : Buffer.byteLength(JSON.stringify(result) ?? '');
  if (bytes <= MAX_RESULT_BYTES) return undefined;
  return ApplicationFailure.create({
    type: ACTIVITY_FAILURE.payloadTooLarge,
    message: `the result (${bytes} bytes) is larger than the ${MAX_RESULT_BYTES} bytes an activity may answer with`,
    nonRetryable: true,
    details: [{ code: ACTIVITY_FAILURE.payloadTooLarge }],
  });
}

/** Every activity of `acts`, its PostgreSQL errors translated by activityFailureOf and its result bounded by MAX_RESULT_BYTES. */
export function withDatabaseFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(acts: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(acts)) {
    wrapped[name] = async (...args: never[]) => {
      let result: unknown;
      try {
        result = await fn(...args);
      } catch (err) {
        throw activityFailureOf(err);
      }
      const refusal = tooLarge(result);
      if (refusal) throw refusal;
      return result;
    };
  }
  return wrapped as T;
}
