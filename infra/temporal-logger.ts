/**
 * Routes the Temporal SDK's own logs (worker, webpack bundling, core) into pino, at WARN and above
 * unless TEMPORAL_LOG_LEVEL says otherwise, so the process writes one log format.
 *
 * The SDK's `Runtime` is a process-wide singleton, and the first thing that needs it (a worker, a
 * NativeConnection, or the dev server: infra/temporal-dev-server.ts starts it through the Runtime)
 * instantiates it with the default logger; after that it cannot be installed. So a process calls this
 * before any of those: scripts/start.ts does it first thing.
 */
import { IllegalStateError } from '@temporalio/common';
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
  const sdk = logger.child({ component: 'temporal-sdk' });
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        sdk[TO_PINO[entry.level]]({ ...entry.meta }, entry.message);
      }),
    });
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw err;
    throw new Error('installTemporalLogger must run before anything uses the Temporal runtime (a dev server, a worker, a NativeConnection)', {
      cause: err,
    });
  }
  installed = true;
}
