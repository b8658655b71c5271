/**
 * PostgreSQL errors as the pg driver throws them, read without importing it (the workflow bundle
 * imports common/ too). A DatabaseError carries the SQLSTATE `code` and `severity`; its `detail`,
 * `where` and `internalQuery` (and, for class 22, its message) may quote the row's data: a case's
 * names and comments, which the logs never carry.
 */

interface DatabaseErrorLike {
  code: string;
  severity: string;
  message: string;
  /** Names of schema objects: kept in a redacted copy, since they quote no row. */
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
}

function isDatabaseError(e: unknown): e is DatabaseErrorLike {
  if (!e || typeof e !== 'object') return false;
  const { code, severity } = e as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/** The SQLSTATE of the first PostgreSQL error in `err`'s cause chain. */
export function databaseErrorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (isDatabaseError(e)) return e.code;
  }
  return undefined;
}

/**
 * Whether retrying the same write can never succeed: class 22 (data exception: text PostgreSQL
 * cannot hold, a value out of range) and class 54 (a program limit exceeded: a row or value too
 * large). Everything else (a connection lost, a serialization failure, a statement cancelled) may
 * pass on a retry.
 */
export function isUncurable(code: string): boolean {
  return code.startsWith('22') || code.startsWith('54');
}

/** Names of the conditions met here, for messages that cannot quote PostgreSQL's own. */
const CONDITIONS: Record<string, string> = {
  '22P02': 'invalid text representation',
  '22P05': 'untranslatable character',
  '22021': 'character not in repertoire',
  '22001': 'string data right truncation',
  '22003': 'numeric value out of range',
  '22007': 'invalid datetime format',
  '22008': 'datetime field overflow',
  '22023': 'invalid parameter value',
  '22030': 'duplicate JSON object key value',
  '54000': 'program limit exceeded',
};

/** `PostgreSQL 22P02 (invalid text representation)`: what may be said of an error without its data. */
export function describeDatabaseError(code: string): string {
  const name = CONDITIONS[code];
  return `PostgreSQL ${code}${name ? ` (${name})` : ''}`;
}

/** What a PostgreSQL error is logged as: its SQLSTATE, severity and the names of schema objects only. */
class RedactedDatabaseError extends Error {
  override name = 'DatabaseError';
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;

  constructor(
    message: string,
    readonly code: string,
    readonly severity: string,
  ) {
    super(message);
    this.stack = `DatabaseError: ${message}`;
  }
}

/**
 * A copy of `err` fit for a log: a PostgreSQL error loses the fields that quote data (and, where
 * its class quotes values in the message, its message); causes are redacted the same way. Other
 * values are returned as they are.
 */
export function redactDatabaseError(err: unknown, depth = 0): unknown {
  if (!err || typeof err !== 'object' || depth > 8) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (!isDatabaseError(err)) {
    if (cause === undefined) return err;
    const redactedCause = redactDatabaseError(cause, depth + 1);
    if (redactedCause === cause) return err;
    // The same error with its cause redacted (the original is not changed: it may still be handled).
    const copy: object = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as object, err, { cause: redactedCause });
    if (err instanceof Error)
      Object.defineProperties(copy, { message: { value: err.message, enumerable: false }, stack: { value: err.stack, enumerable: false } });
    return copy;
  }
  const { code, severity } = err;
  const keepsMessage = !(code.startsWith('22') || code.startsWith('23'));
  const safe = new RedactedDatabaseError(keepsMessage ? err.message : describeDatabaseError(code), code, severity);
  for (const k of ['constraint', 'table', 'column', 'routine'] as const) {
    const v = err[k];
    if (typeof v === 'string') safe[k] = v;
  }
  if (cause !== undefined) safe.cause = redactDatabaseError(cause, depth + 1);
  return safe;
}
