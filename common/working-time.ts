/**
 * Working time on a pinned calendar, by arithmetic on epoch milliseconds alone: this module runs
 * inside the Temporal workflow sandbox (no Node modules, no Intl, no clock), so everything it needs
 * travels in the case's workflow input — the calendar's dates and the UTC offsets of its time zone,
 * worked out once, outside the workflow, by templates/calendar-pin.ts. A tz-database update or a
 * calendar published later therefore never moves a running case's deadlines.
 *
 * Semantics:
 * - A working day is a local date that is not a holiday and either is not a weekend day or is a
 *   make-up working day. Outside `covers` no holidays or make-up days are known: there only the
 *   weekend rule applies (a later calendar version, pinned by later cases, fills them in).
 * - Working periods are local wall-clock times: the instants whose local time on a working day lies
 *   in [start, end). A DST change shortens or lengthens the day it falls on (00:00–24:00 is 23 hours
 *   in Berlin on the last Sunday of March); a period in the skipped hour has no instants.
 * - The offsets table: entry i applies from its `fromMs` to the next entry's; the first applies
 *   before its own `fromMs` too, the last applies for ever after.
 */
import { clockMinutes, DAY_MS, dayNumber, isoWeekday } from './local-date.js';

const MINUTE_MS = 60_000;

/** What a case carries in its workflow input: one calendar version, with its time zone's offsets. */
export interface PinnedCalendar {
  id: string;
  version: number;
  timezone: string;
  /** ISO weekdays (1 = Monday … 7 = Sunday). */
  weekend: number[];
  /** Local `HH:MM` periods, sorted, non-overlapping; `end` may be `24:00`. */
  workingHours: { start: string; end: string }[];
  /** `YYYY-MM-DD`. */
  holidays: string[];
  /** `YYYY-MM-DD`, make-up working days on weekend days. */
  workdays: string[];
  covers: { from: string; until: string };
  /** UTC-offset transitions, ascending by `fromMs` (at least one). */
  offsets: { fromMs: number; offsetMinutes: number }[];
}

/**
 * A calendar with no working time in a whole century would make `add` walk for ever; the schema
 * rules it out (a weekend of at most six days, at least one period), this is the belt to its braces.
 */
const MAX_DAYS_WALKED = 36_600 + 366;

export class WorkingTime {
  /** Working ms of a full working day (the sum of its periods, as on a day without a DST change). */
  readonly workingDayMs: number;

  private readonly weekend: Set<number>;
  private readonly holidays: Set<number>;
  private readonly workdays: Set<number>;
  /** [startMin, endMin) of each working period. */
  private readonly periods: [number, number][];
  private readonly from: number[];
  private readonly offsetMs: number[];

  constructor(cal: PinnedCalendar) {
    if (cal.offsets.length === 0) throw new TypeError(`calendar ${cal.id} v${cal.version} has no UTC offsets`);
    this.weekend = new Set(cal.weekend);
    this.holidays = new Set(cal.holidays.map(dayNumber));
    this.workdays = new Set(cal.workdays.map(dayNumber));
    this.periods = cal.workingHours.map((p) => [clockMinutes(p.start), clockMinutes(p.end)]);
    this.workingDayMs = this.periods.reduce((sum, [s, e]) => sum + (e - s) * MINUTE_MS, 0);
    this.from = cal.offsets.map((o) => o.fromMs);
    this.offsetMs = cal.offsets.map((o) => o.offsetMinutes * MINUTE_MS);
  }

  /** Whether a local date (`YYYY-MM-DD`) is a working day. */
  isWorkingDay(localDate: string): boolean {
    return this.isWorkingDayNumber(dayNumber(localDate));
  }

  /** Working milliseconds in [fromMs, toMs); 0 when toMs <= fromMs. */
  between(fromMs: number, toMs: number): number {
    if (!(toMs > fromMs)) return 0;
    let total = 0;
    // One day of margin each side: where clocks are set back across midnight, an instant's local
    // date can be the day before that of an earlier instant.
    const lastDay = this.localDay(toMs) + 1;
    for (let day = this.localDay(fromMs) - 1; day <= lastDay; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      for (const [s, e] of this.periods) {
        const a = Math.max(this.instantOf(day, s), fromMs);
        const b = Math.min(this.instantOf(day, e), toMs);
        if (b > a) total += b - a;
      }
    }
    return total;
  }

  /**
   * The instant at which `workingMs` of working time has passed since `fromMs`. A budget that runs
   * out exactly at the end of a working period ends there (not at the next period's start), and
   * `add(x, 0) === x`, so `between(x, add(x, w)) === w` and `add(x, between(x, y)) <= y`.
   */
  add(fromMs: number, workingMs: number): number {
    if (!(workingMs >= 0) || !Number.isFinite(workingMs)) throw new RangeError(`working time must be a finite number >= 0 (got ${workingMs})`);
    if (workingMs === 0) return fromMs;
    let left = workingMs;
    const firstDay = this.localDay(fromMs) - 1; // a day of margin, as in between()
    for (let day = firstDay; day <= firstDay + MAX_DAYS_WALKED; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      for (const [s, e] of this.periods) {
        const a = Math.max(this.instantOf(day, s), fromMs);
        const b = this.instantOf(day, e);
        if (b <= a) continue;
        if (left <= b - a) return a + left;
        left -= b - a;
      }
    }
    throw new RangeError(`no working time found within ${MAX_DAYS_WALKED} days`);
  }

  /** Start of the first working period of the first working day after the local date of `ms`. */
  startOfNextWorkingDay(ms: number): number {
    const today = this.localDay(ms);
    for (let day = today + 1; day <= today + MAX_DAYS_WALKED; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      for (const [s, e] of this.periods) {
        const a = this.instantOf(day, s);
        // A period wholly inside a skipped DST hour does not exist that day.
        if (this.instantOf(day, e) > a) return a;
      }
    }
    throw new RangeError(`no working day found within ${MAX_DAYS_WALKED} days`);
  }

  private isWorkingDayNumber(day: number): boolean {
    if (this.holidays.has(day)) return false;
    if (this.workdays.has(day)) return true;
    return !this.weekend.has(isoWeekday(day));
  }

  /** Index of the offset entry in force at instant `ms` (the first one before its start). */
  private entryAt(ms: number): number {
    let lo = 0;
    let hi = this.from.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.from[mid] as number) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The local date (day number) of an instant. */
  private localDay(ms: number): number {
    return Math.floor((ms + (this.offsetMs[this.entryAt(ms)] as number)) / DAY_MS);
  }

  /**
   * The first instant at which the local wall clock reads `minute` of `day` or later: in an
   * overlap (clocks set back) the first of the two; in a gap (clocks set forward) the transition
   * itself. Non-decreasing in local time, so periods map to ordered, disjoint intervals.
   */
  private instantOf(day: number, minute: number): number {
    const local = day * DAY_MS + minute * MINUTE_MS;
    // Entry i covers local times [from_i + off_i, from_{i+1} + off_i): find the first whose end is past `local`.
    const n = this.from.length;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (local < (this.from[mid + 1] as number) + (this.offsetMs[mid] as number)) hi = mid;
      else lo = mid + 1;
    }
    const off = this.offsetMs[lo] as number;
    if (lo === 0) return local - off;
    const start = (this.from[lo] as number) + off;
    return local >= start ? local - off : (this.from[lo] as number);
  }
}
