/**
 * The machinery every case workflow shares: the SLA clock, its deadlines, the main loop that sleeps
 * until the next deadline or message, publishing the case as it goes (publication/publisher.ts). A
 * process workflow supplies its state and handlers; this class runs them.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { allHandlersFinished, CancellationScope, condition, sleep } from '@temporalio/workflow';
import { Publisher } from '../../publication/publisher.js';
import type { NotificationInput } from '../../common/notifications.js';
import type { AnyCaseView } from '../../common/types.js';
import { CaseTime, type WorkingCalendar } from './case-time.js';
import { SlaClock } from './clock.js';
import { Deadlines } from './deadlines.js';
import { Incidents } from './incidents.js';
import { now } from './time.js';

export { activities, localActivities } from './activity-proxies.js';

export interface CaseRuntimeHooks {
  view: () => AnyCaseView;
  searchAttributes: () => SearchAttributeUpdatePair[];
  isClosed: () => boolean;
}

export class CaseRuntime {
  readonly clock = new SlaClock();
  readonly time: CaseTime;
  readonly deadlines: Deadlines;
  /** What the case is stopped on, if an activity failed for good (incidents.ts). */
  readonly incidents: Incidents;
  private changed = false;
  private readonly wake = new DeadlineTimer();
  private readonly publisher: Publisher;

  constructor(
    readonly caseId: string,
    private readonly hooks: CaseRuntimeHooks,
    calendar: WorkingCalendar | null,
  ) {
    this.incidents = new Incidents(caseId);
    this.publisher = new Publisher(hooks, this.incidents);
    this.time = new CaseTime(this.clock, calendar);
    this.deadlines = new Deadlines(this.clock, this.time);
  }

  /** Marks the case changed, so the loop wakes and publishes it. */
  touch(): void {
    this.changed = true;
  }

  /**
   * Sends a notification: it waits in the case until the case is next published and goes to the
   * outbox in the same local activity as the projection, so nothing awaits an activity of its own.
   */
  notify(n: NotificationInput): Promise<void> {
    this.publisher.add(n);
    this.changed = true;
    return Promise.resolve();
  }

  /** Runs until the case is closed and every message handler has finished, publishing as it goes. */
  async run(): Promise<void> {
    await this.publish();
    while (!this.hooks.isClosed()) {
      // Publishing waits until message handlers have finished, so an update's completion always
      // precedes the commands its change causes: the command order does not hang on how many
      // promise turns a handler takes (which would make harmless refactors non-deterministic).
      const woken = () => (this.changed || this.hooks.isClosed()) && allHandlersFinished();
      if (!this.changed) await this.wake.sleep(this.deadlines.nextAt(now()), woken);
      this.changed = false;
      await this.deadlines.fireDue(now());
      await this.publish();
    }
    // Let an update that closed the case finish its activities (decision number) before returning.
    await condition(allHandlersFinished);
    await this.publish();
  }

  /** The publication that shows `view` (publication/protocol.ts), named by an update's receipt. */
  seqShowing(view: AnyCaseView): number {
    return this.publisher.seqShowing(view);
  }

  private publish(): Promise<void> {
    return this.publisher.publish();
  }
}

/**
 * The main loop's one timer: it runs until the nearest deadline and stays when the loop wakes for a
 * message that leaves that deadline where it was, instead of a timer per wait, cancelled by every
 * message (two events per decision). A case closing leaves it pending: the workflow completes with
 * it, which costs no event either.
 */
class DeadlineTimer {
  private timer: { at: number; fired: boolean; scope: CancellationScope } | undefined;

  /** Returns once `woken()` holds, or `next` (a deadline's time, if any) has come. */
  async sleep(next: number | undefined, woken: () => boolean): Promise<void> {
    if (this.timer && (this.timer.fired || this.timer.at !== next)) {
      if (!this.timer.fired) this.timer.scope.cancel();
      this.timer = undefined;
    }
    if (next === undefined) return condition(woken);
    const ms = next - now();
    if (ms <= 0) return;
    if (!this.timer) {
      const timer = { at: next, fired: false, scope: new CancellationScope() };
      timer.scope
        .run(() => sleep(ms))
        .then(
          () => (timer.fired = true),
          () => undefined, // cancelled: the deadline moved
        );
      this.timer = timer;
    }
    const timer = this.timer;
    return condition(() => timer.fired || woken());
  }
}
