/** The background job under the outbox sender and the archiver (workers/poller.ts). */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startPoller } from '../../workers/poller.js';

const silent = pino({ level: 'silent' });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('startPoller', () => {
  it('runs again at once while a run reports more work, then waits for the next tick', async () => {
    const left = [true, true, false];
    let runs = 0;
    const stop = startPoller('test', 20, async () => ((runs += 1), left.shift() ?? false), silent);
    await until(() => runs >= 3);
    expect(runs).toBe(3); // the backlog drained on the first tick
    await until(() => runs >= 4);
    await stop();
    expect(runs).toBeGreaterThanOrEqual(4); // then one run per tick
  });

  it('never overlaps runs, keeps going after a failed run, and stop waits for the run under way', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    let finished = 0;
    const stop = startPoller(
      'test',
      5,
      async () => {
        runs += 1;
        active += 1;
        most = Math.max(most, active);
        await new Promise((r) => setTimeout(r, 30));
        active -= 1;
        finished += 1;
        if (runs === 1) throw new Error('the database is down');
      },
      silent,
    );
    await until(() => runs >= 3);
    await stop();
    expect(most).toBe(1);
    expect(finished).toBe(runs);
  });
});
