/** The process logger (pino, JSON lines; LOG_PRETTY is left to the operator's pipe). */
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactDatabaseError } from '../common/database-errors.js';
import type { Config } from './config.js';

/**
 * Personal data never reaches the logs, wherever an object carrying it is logged: an applicant's
 * contact (name, phone, email), a pledge, request and response bodies, and credentials. pino's
 * paths match fixed depths, so the usual ones are listed (a case, its input, an error's cause).
 */
export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.body',
  'body',
  ...['contact', 'phone', 'email', 'pledge'].flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

/**
 * Errors are logged without what PostgreSQL quotes of the row it refused (its `detail` and `where`
 * carry a case's names and comments; a data exception's message the value itself): under `err`
 * (pino, pino-http) and `error` (the Temporal SDK's log entries, infra/temporal-logger.ts).
 */
const errorSerializer = (err: unknown) => pino.stdSerializers.err(redactDatabaseError(err) as Error);
export const ERROR_SERIALIZERS = { err: errorSerializer, error: errorSerializer };

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name: string, destination?: DestinationStream): Logger {
  return pino({ name, level: config.LOG_LEVEL, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: ERROR_SERIALIZERS }, destination);
}
