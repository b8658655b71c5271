/**
 * A background job that runs every `intervalMs` until stopped: one run at a time (a slow run delays
 * the next instead of overlapping it, and ticks during a run are skipped), a failed run is logged and retried at the next tick, and
 * stopping waits for the run under way. The outbox sender and the archiver both run on it.
 */
import type { Logger } from 'pino';

export function startPoller(what: string, intervalMs: number, run: () => Promise<unknown>, logger: Logger): () => Promise<void> {
  let stopped = false;
  let busy = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    // A tick during a run is skipped, not queued: runs never pile up behind a slow one.
    if (stopped || busy) return;
    busy = true;
    running = run()
      .catch((err) => logger.warn({ err }, `${what} failed; will retry`))
      .finally(() => (busy = false));
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
