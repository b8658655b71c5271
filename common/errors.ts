/**
 * Failure types a workflow raises to refuse a request. The workflow throws an ApplicationFailure
 * with one of these `type`s; the API maps it to an HTTP status (see api/problem.ts).
 * Kept as plain strings because errors cross the Temporal boundary by type name, not by class.
 */
export const REFUSAL = {
  forbidden: 'Forbidden',
  conflict: 'Conflict',
  notFound: 'NotFound',
  invalid: 'InvalidRequest',
} as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];

export const REFUSAL_STATUS: Record<RefusalType, number> = {
  Forbidden: 403,
  Conflict: 409,
  NotFound: 404,
  InvalidRequest: 400,
};

/**
 * Failure types of activities that retrying cannot cure (activities/database-failures.ts): the
 * activity fails at once, and the case shows an incident until an admin retries it
 * (workflows/lib/incidents.ts), instead of retrying for ever.
 */
export const ACTIVITY_FAILURE = {
  /** PostgreSQL refused the data (class 22 data exception, class 54 a limit exceeded). */
  dataRefused: 'DataRefused',
  /** The activity's result is larger than Temporal should record (activities/database-failures.ts). */
  payloadTooLarge: 'PayloadTooLarge',
} as const;
