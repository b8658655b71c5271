/**
 * The date by which the applicant must supply what a department asked for. A `request-info`
 * decision stops every clock of the case; this deadline runs during that stop (it is the only kind
 * that does), with reminders before it. When it passes with nothing filed, the case is closed as
 * abandoned, or, if the template says `onSupplementTimeout: "resume"`, the clocks restart without
 * the documents.
 */
import { describeDuration, type DurationSpec } from '../../common/duration.js';
import { instant, type CaseTime } from './case-time.js';
import { DeadlineGroup, type Deadlines } from './deadlines.js';
import { iso, now } from './time.js';

/** The supplement date and the reminders before it. */
const SUPPLEMENT = new DeadlineGroup('supplement');

export interface SupplementRules {
  supplementWithin?: DurationSpec;
  supplementReminders?: DurationSpec[];
  onSupplementTimeout?: 'abandon' | 'resume';
}

/** What the wait needs of its case. */
export interface SupplementWaitHost {
  readonly time: CaseTime;
  readonly deadlines: Deadlines;
  /** Tells the applicant (`kind`, once per `keySuffix`). */
  tellApplicant(
    kind: 'info-requested' | 'supplement-reminder' | 'supplement-timeout',
    keySuffix: string,
    message: string,
    at: number,
    taskId?: string,
  ): Promise<void>;
  /** Closes the case as abandoned with this reason. */
  abandon(reason: string): Promise<void>;
  /** Restarts the clocks without the documents, recording why. */
  resumeWithout(note: string): void;
}

export class SupplementWait {
  /** The date the applicant was given; null while nothing is asked. */
  dueAtMs: number | null = null;
  private requests = 0;

  constructor(
    private readonly host: SupplementWaitHost,
    private readonly rules: SupplementRules,
    private readonly hasCalendar: boolean,
  ) {}

  private get within(): DurationSpec {
    return this.rules.supplementWithin ?? (this.hasCalendar ? { workingDays: 10 } : 'P14D');
  }

  private get reminders(): DurationSpec[] {
    return this.rules.supplementReminders ?? [this.hasCalendar ? { workingDays: 2 } : 'P2D'];
  }

  /**
   * A department asked for `documents`: the applicant gets the full period from now (a second
   * request during the same stop gives a new date), and is told what to supply by when.
   */
  async ask(taskId: string, taskTitle: string, documents: string[], at: number): Promise<void> {
    const { time, deadlines } = this.host;
    const span = time.spanOf(this.within, at);
    const dueAt = time.end(span);
    this.dueAtMs = dueAt;
    this.requests += 1;
    deadlines.cancel(SUPPLEMENT);
    deadlines.add(SUPPLEMENT.key('due'), span, at, () => this.onTimeout(), { whileStopped: true });
    this.reminders.forEach((before, i) => {
      const when = time.before(time.resolve(before), dueAt);
      if (when > at) deadlines.add(SUPPLEMENT.key(`reminder:${i}`), instant(when), at, () => this.remind(before, i), { whileStopped: true });
    });
    await this.host.tellApplicant(
      'info-requested',
      `info-requested:${this.requests}`,
      `${taskTitle}: please supply ${documents.join(', ')} by ${iso(dueAt)}`,
      at,
      taskId,
    );
  }

  /** The supplement arrived (or the case closed): nothing more to wait for. */
  settle(): void {
    this.dueAtMs = null;
    this.host.deadlines.cancel(SUPPLEMENT);
  }

  private async remind(before: DurationSpec, i: number): Promise<void> {
    if (this.dueAtMs === null) return;
    await this.host.tellApplicant(
      'supplement-reminder',
      `supplement-reminder:${this.requests}:${i}`,
      `reminder: the information asked for is due by ${iso(this.dueAtMs)} (in ${describeDuration(before)})`,
      now(),
    );
  }

  private async onTimeout(): Promise<void> {
    const reason = `nothing was supplied within ${describeDuration(this.within)} of the request`;
    this.settle();
    if (this.rules.onSupplementTimeout === 'resume') {
      this.host.resumeWithout(`${reason}: the clocks restarted without it`);
      await this.host.tellApplicant('supplement-timeout', `supplement-timeout:${this.requests}`, `${reason}; the review goes on without it`, now());
    } else {
      await this.host.abandon(reason);
    }
  }
}
