/**
 * Pinning a calendar version for a case: the calendar's data plus the UTC offsets of its time zone
 * over the case's likely life, read here from Intl (the API process's tz database) so that the
 * workflow's arithmetic (common/working-time.ts) needs no tz database of its own. Not workflow code.
 */
import type { PinnedCalendar } from '../common/working-time.js';
import type { Calendar } from './calendar.js';

const DAY_MS = 24 * 3600_000;
const YEAR_MS = 366 * DAY_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The UTC offset of `timeZone` at instant `ms`, in whole minutes (east positive). */
export function offsetMinutesAt(timeZone: string, ms: number): number {
  const parts = formatter(timeZone).formatToParts(ms);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
}

/**
 * The offsets of `timeZone` from `fromMs` for `spanMs`: the one in force at `fromMs`, then every
 * change. Probed once a day, each change then found to the second by bisection (zones change at
 * most a few times a year, never twice within a day).
 */
export function offsetTransitions(timeZone: string, fromMs: number, spanMs: number): PinnedCalendar['offsets'] {
  const out = [{ fromMs, offsetMinutes: offsetMinutesAt(timeZone, fromMs) }];
  const end = fromMs + spanMs;
  let before = fromMs;
  let current = out[0]!.offsetMinutes;
  while (before < end) {
    const after = Math.min(before + DAY_MS, end);
    const offset = offsetMinutesAt(timeZone, after);
    if (offset !== current) {
      // The first second (after `before`) that has the new offset.
      let lo = Math.floor(before / 1000);
      let hi = Math.floor(after / 1000);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMinutesAt(timeZone, mid * 1000) === current) lo = mid;
        else hi = mid;
      }
      out.push({ fromMs: hi * 1000, offsetMinutes: offset });
      current = offset;
    }
    before = after;
  }
  return out;
}

/** Recent tables by zone, start day and span: the cases opened on one day share one (probing costs ~10 ms). */
const recent = new Map<string, PinnedCalendar['offsets']>();
const RECENT_MAX = 32;

function offsetsFrom(timeZone: string, dayStartMs: number, spanMs: number): PinnedCalendar['offsets'] {
  const key = `${timeZone}|${dayStartMs}|${spanMs}`;
  let table = recent.get(key);
  if (!table) {
    table = offsetTransitions(timeZone, dayStartMs, spanMs);
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
    recent.set(key, table);
  }
  return table.map((o) => ({ ...o }));
}

/**
 * What a case opened at `fromMs` carries: this version of the calendar with the offsets of its time
 * zone from the start (UTC midnight) of that day for `years` years. Past them the last offset applies
 * (a DST rule then stops being followed; cases running that long should be rare, and docs/calendars.md says so).
 */
export function pinCalendar(calendar: Calendar, version: number, fromMs: number, years = 5): PinnedCalendar {
  return {
    id: calendar.id,
    version,
    timezone: calendar.timezone,
    weekend: [...calendar.weekend],
    workingHours: calendar.workingHours.map((p) => ({ start: p.start, end: p.end })),
    holidays: [...calendar.holidays],
    workdays: [...calendar.workdays],
    covers: { from: calendar.covers.from, until: calendar.covers.until },
    offsets: offsetsFrom(calendar.timezone, Math.floor(fromMs / DAY_MS) * DAY_MS, years * YEAR_MS),
  };
}
