/**
 * Incidents: an activity of the case failed in a way retrying cannot cure (DataRefused: PostgreSQL
 * refused the case's data; PayloadTooLarge: its result is too large to record;
 * activities/database-failures.ts). Retrying for ever would hold the
 * worker's slots and grow the history without end; failing the case would lose it. So the case
 * stops where it is, says so (the incident is in its view, and in `case_incidents` for admins), and
 * waits until an admin asks it to retry, once the cause is fixed; then it runs the same activity
 * again. Meanwhile it takes no other request (assertNone), so nothing piles up behind it.
 */
import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import { ACTIVITY_FAILURE } from '../../common/errors.js';
import type { IncidentView } from '../../common/types.js';
import { localActivities } from './activity-proxies.js';
import { conflict } from './refusals.js';
import { iso, now } from './time.js';

/**
 * The failure's code and reason when it is one that raises an incident. An activity's failure comes
 * as an ActivityFailure whose cause is the activity's ApplicationFailure; the chain is walked rather
 * than assumed, since local activities and activities wrap it differently.
 */
function uncurable(err: unknown): { code: string; reason: string } | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof ApplicationFailure && (e.type === ACTIVITY_FAILURE.dataRefused || e.type === ACTIVITY_FAILURE.payloadTooLarge)) {
      const detail = e.details?.[0] as { code?: unknown } | undefined;
      return { code: typeof detail?.code === 'string' ? detail.code : e.type, reason: e.message };
    }
    if (!(e instanceof ActivityFailure) && !(e instanceof ApplicationFailure)) return undefined;
  }
  return undefined;
}

export class Incidents {
  /** The incident the case is stopped on, if any. */
  current: IncidentView | null = null;
  /** Retries asked for by admins; an incident waits for the next one. */
  private retries = 0;

  constructor(private readonly caseId: string) {}

  /**
   * Runs the activity `call` (named `activity`): its result, once it succeeds. An uncurable failure
   * raises the incident and waits for a retry, as often as it takes; any other failure is thrown.
   */
  async guard<T>(activity: string, call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await call();
        if (this.current) await this.resolve();
        return result;
      } catch (err) {
        const failure = uncurable(err);
        if (!failure) throw err;
        await this.raise(activity, failure.code, failure.reason);
        const seen = this.retries;
        await condition(() => this.retries > seen);
      }
    }
  }

  /** Refuses a request while the case is stopped on an incident. */
  assertNone(): void {
    if (this.current) {
      conflict(`case ${this.caseId} is stopped on an incident (${this.current.activity}: ${this.current.reason}); an admin retries it once the cause is fixed`);
    }
  }

  /** The retry update's validator: there must be an incident to retry. */
  checkRetry(): void {
    if (!this.current) conflict(`case ${this.caseId} has no incident to retry`);
  }

  retry(): void {
    this.retries += 1;
  }

  private async raise(activity: string, code: string, reason: string): Promise<void> {
    const at = iso(now());
    this.current = { activity, code, reason, since: this.current?.since ?? at, attempts: (this.current?.attempts ?? 0) + 1 };
    await localActivities.raiseIncident({ caseId: this.caseId, activity, code, reason, at });
  }

  private async resolve(): Promise<void> {
    this.current = null;
    await localActivities.resolveIncident({ caseId: this.caseId });
  }
}
