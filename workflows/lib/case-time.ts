/**
 * How a case measures time: wall-clock periods (ISO 8601 durations) and working time on the
 * calendar the case pinned when it opened, both stopped by the case's SLA clock.
 *
 * A period of a template is first resolved (how much time, counted how), then laid down at an
 * instant as a span. A span's due date is where its budget runs out: wall-clock spans move later by
 * the stopped time since they were laid down (as they always have), working-time spans by the
 * working time the stops covered (a stop over a holiday costs nothing).
 */
import { durationMs, type DurationSpec } from '../../common/duration.js';
import type { SlaClock } from './clock.js';

/** What the case needs of a calendar (common/working-time.ts implements it). */
export interface WorkingCalendar {
  /** Working milliseconds in [fromMs, toMs). */
  between(fromMs: number, toMs: number): number;
  /** The instant at which `workingMs` of working time has passed since `fromMs`. */
  add(fromMs: number, workingMs: number): number;
  /** Start of the first working period of the first working day after the local date of `ms`. */
  startOfNextWorkingDay(ms: number): number;
  /** Working milliseconds in a full working day. */
  readonly workingDayMs: number;
}

export type Measure = 'wall' | 'working';

/** A period resolved against the case's calendar, not yet laid down at an instant. */
export interface Period {
  measure: Measure;
  budgetMs: number;
  /** Working days: the day the period starts on does not count, so it starts with the next working day. */
  fromNextWorkingDay: boolean;
}

/** A period laid down: its budget counts from `startMs`. */
export interface Span {
  measure: Measure;
  startMs: number;
  budgetMs: number;
}

/** A fixed instant as a deadline: nothing left to count. */
export function instant(ms: number): Span {
  return { measure: 'wall', startMs: ms, budgetMs: 0 };
}

export class CaseTime {
  constructor(
    readonly clock: SlaClock,
    private readonly calendar: WorkingCalendar | null,
  ) {}

  private get cal(): WorkingCalendar {
    // Templates that count working time name a calendar (checked when deployed), and the case pins it.
    if (!this.calendar) throw new TypeError('working time without a calendar');
    return this.calendar;
  }

  /** How much time a template's period is, and how it is counted. */
  resolve(d: DurationSpec): Period {
    if (typeof d === 'string') return { measure: 'wall', budgetMs: durationMs(d), fromNextWorkingDay: false };
    if ('workingDays' in d) return { measure: 'working', budgetMs: d.workingDays * this.cal.workingDayMs, fromNextWorkingDay: true };
    return { measure: 'working', budgetMs: Math.round(d.workingHours * 3600_000), fromNextWorkingDay: false };
  }

  /** The period counted from `from`. */
  span(p: Period, from: number): Span {
    return { measure: p.measure, budgetMs: p.budgetMs, startMs: p.fromNextWorkingDay ? this.nextDayStart(from) : from };
  }

  /** A template period laid down at `from`. */
  spanOf(d: DurationSpec, from: number): Span {
    return this.span(this.resolve(d), from);
  }

  /** The first `fraction` of a span (an escalation step at that share of a task's SLA). */
  part(s: Span, fraction: number): Span {
    return { ...s, budgetMs: Math.round(fraction * s.budgetMs) };
  }

  /** Where a span's budget runs out if the clock never stops. */
  end(s: Span): number {
    return s.measure === 'wall' ? s.startMs + s.budgetMs : this.cal.add(s.startMs, s.budgetMs);
  }

  /**
   * Where a span's budget runs out given the clock's stops up to `at`; `mark` is the clock's stopped
   * total when the span was laid down (wall-clock spans move by the stopped time since then).
   */
  due(s: Span, mark: number, at: number): number {
    if (s.measure === 'wall') return this.clock.shifted(s.startMs + s.budgetMs, mark, at);
    const cal = this.cal;
    return cal.add(s.startMs, s.budgetMs + this.clock.stoppedWorkingMs((a, b) => cal.between(a, b), s.startMs, at));
  }

  /** Time from `from` to `to` as a measure counts it. */
  between(measure: Measure, from: number, to: number): number {
    if (measure === 'wall') return to - from;
    return to <= from ? -this.cal.between(to, from) : this.cal.between(from, to);
  }

  /**
   * The instant a period before `end` (a reminder before a due date): the latest instant from which
   * that much time remains. Working time is counted back by bisection on `between`, which only ever
   * grows with the span it measures (about 40 steps to the millisecond).
   */
  before(p: Period, end: number): number {
    if (p.measure === 'wall') return end - p.budgetMs;
    const cal = this.cal;
    let lo = end - p.budgetMs;
    const DAY = 86_400_000;
    // Far enough back to hold the budget even across long holidays and short working days.
    for (let step = DAY; cal.between(lo, end) < p.budgetMs; step *= 2) lo -= step;
    let hi = end - (p.budgetMs > 0 ? 1 : 0);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (cal.between(mid, end) >= p.budgetMs) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** Working days start with the next working day, unless `t` is itself the start of one. */
  private nextDayStart(t: number): number {
    const cal = this.cal;
    return cal.startOfNextWorkingDay(t - 1) === t ? t : cal.startOfNextWorkingDay(t);
  }
}
