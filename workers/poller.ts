/**
 * A background job that runs every `intervalMs` until stopped: one run at a time (a slow run delays
 * the next instead of overlapping it, and ticks during a run are skipped), a failed run is logged and
 * retried at the next tick, and stopping waits for the run under way. A run that reports more work
 * left (`run` resolves to true) is followed at once by the next, so a backlog drains at the job's own
 * speed rather than one batch per interval. The outbox sender and the archiver both run on it.
 */
import type { Logger } from 'pino';

export function startPoller(what: string, intervalMs: number, run: () => Promise<boolean | void>, logger: Logger): () => Promise<void> {
  let stopped = false;
  let busy = false;
  let running: Promise<unknown> = Promise.resolve();
  const drain = async () => {
    while (!stopped && (await run()) === true);
  };
  const timer = setInterval(() => {
    // A tick during a run is skipped, not queued: runs never pile up behind a slow one.
    if (stopped || busy) return;
    busy = true;
    running = drain()
      .catch((err) => logger.warn({ err }, `${what} failed; will retry`))
      .finally(() => (busy = false));
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
