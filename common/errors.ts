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
