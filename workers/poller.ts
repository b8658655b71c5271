/**
 * A background job that runs every `intervalMs` until stopped: one run at a time (a slow run delays
 * the next instead of overlapping it), a failed run is logged and retried at the next tick, and
 * stopping waits for the run under way. The outbox sender and the archiver both run on it.
 */
import type { Logger } from 'pino';

export function startPoller(what: string, intervalMs: number, run: () => Promise<unknown>, logger: Logger): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    running = running.then(run).catch((err) => logger.warn({ err }, `${what} failed; will retry`));
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
