/**
 * The machinery every case workflow shares: the SLA clock, its deadlines, the main loop that sleeps
 * until the next deadline or message, and publishing the case (search attributes for Temporal
 * visibility, a projection row in PostgreSQL for lists). A process workflow supplies its state and
 * handlers; this class runs them.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { allHandlersFinished, CancellationScope, condition, inWorkflowContext, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { CASE_SEARCH_ATTRIBUTES } from '../../common/search-attributes.js';
import { localActivities } from './activity-proxies.js';
import type { NotificationInput } from '../../common/notifications.js';
import type { CaseView } from '../../common/types.js';
import { CaseTime, type WorkingCalendar } from './case-time.js';
import { SlaClock } from './clock.js';
import { Deadlines } from './deadlines.js';
import { Incidents } from './incidents.js';
import { now } from './time.js';

export { activities, localActivities } from './activity-proxies.js';

export interface CaseRuntimeHooks {
  view: () => CaseView;
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
  /** Notifications asked for since the last publication, which takes them to the outbox (see notify). */
  private readonly pending: NotificationInput[] = [];
  private readonly wake = new DeadlineTimer();
  private projectedSeq = 0;
  /**
   * The view of the latest publication begun (`projectedSeq`), written or still in its local activity
   * (which is retried until it is written; only the main loop publishes, one publication at a time).
   */
  private lastProjected = '';
  private lastAttributes = attributesAtStart();

  constructor(
    readonly caseId: string,
    private readonly hooks: CaseRuntimeHooks,
    calendar: WorkingCalendar | null,
  ) {
    this.incidents = new Incidents(caseId);
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
    this.pending.push(n);
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

  /**
   * The publication that shows `view`: the latest one begun if it shows it already (a handler that
   * awaited may resume after the main loop began publishing its change), else the next (the main loop
   * publishes once the update's handler has finished; a change since then only adds to it).
   */
  seqShowing(view: CaseView): number {
    return JSON.stringify(view) === this.lastProjected ? this.projectedSeq : this.projectedSeq + 1;
  }

  /** Writes search attributes and the PostgreSQL projection when they changed since last time. */
  async publish(): Promise<void> {
    const pairs = this.hooks.searchAttributes();
    const attrs = JSON.stringify(pairs);
    if (attrs !== this.lastAttributes) {
      upsertSearchAttributes(pairs);
      this.lastAttributes = attrs;
    }
    const view = this.hooks.view();
    const json = JSON.stringify(view);
    if (json === this.lastProjected && this.pending.length === 0) return;
    this.projectedSeq += 1;
    this.lastProjected = json;
    const seq = this.projectedSeq;
    if (this.pending.length > 0) {
      // Taken before the await: notifications asked for meanwhile wait for the next publication.
      const notifications = this.pending.splice(0);
      await this.incidents.guard('publishCase', () => localActivities.publishCase({ view, seq, notifications }));
    } else {
      await this.incidents.guard('projectCase', () => localActivities.projectCase({ view, seq }));
    }
  }
}

/**
 * The search attributes the case was started with, as `publish` compares them: the API sets them all
 * when it starts a case (first-view.ts), so its first publication need not upsert them again (one
 * event and one visibility write less per case). '' when any is missing (a case started without them,
 * as tests may start one), so that the first publication writes them.
 */
function attributesAtStart(): string {
  if (!inWorkflowContext()) return '';
  const started = workflowInfo().typedSearchAttributes;
  const pairs = CASE_SEARCH_ATTRIBUTES.map((key) => ({ key, value: started.get(key) }));
  return pairs.some((p) => p.value === undefined) ? '' : JSON.stringify(pairs);
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
