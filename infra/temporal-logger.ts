/**
 * Routes the Temporal SDK's own logs (worker, webpack bundling, core) into pino, at WARN and above
 * unless TEMPORAL_LOG_LEVEL says otherwise, so the process writes one log format.
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const TO_PINO: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

export function installTemporalLogger(logger: Logger, level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      sdk[TO_PINO[entry.level]]({ ...entry.meta }, entry.message);
    }),
  });
}
