/**
 * Working-day calendars: data, validated here, deployed in versions like process templates
 * (db/calendars.ts). A case pins the version it started with (templates/calendar-pin.ts), and the
 * workflow counts working time on it (common/working-time.ts).
 */
import { z } from 'zod';
import { clockMinutes, formatLocalDate, isoWeekday, parseLocalDate, WEEKDAY_NAMES } from '../common/local-date.js';
import { Slug, Text } from './schema.js';

/** How many holidays or make-up working days one version may list (a century of them). */
const MAX_DATES = 5000;

export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date YYYY-MM-DD', abort: true })
  .refine((s) => parseLocalDate(s) !== undefined, { error: (i) => `${String(i.input)} is not a real date` })
  .meta({ example: '2026-02-16' });

const CLOCK = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const ClockTime = z.string().regex(CLOCK, { error: 'a local time HH:MM, 00:00 to 24:00', abort: true });

/** Minutes of a time of day, NaN when it is not one: refinements also run over fields that failed their format. */
const minutesOf = (s: string) => (CLOCK.test(s) ? clockMinutes(s) : Number.NaN);

export const WorkingPeriod = z
  .strictObject({
    start: ClockTime.refine((s) => s !== '24:00', 'a working period cannot start at 24:00'),
    end: ClockTime,
  })
  .refine((p) => !(minutesOf(p.start) >= minutesOf(p.end)), { error: 'a working period must end after it starts (the same day)', path: ['end'] })
  .meta({ id: 'WorkingPeriod', description: 'local wall-clock time; `end` is exclusive and may be 24:00' });

/** A time-zone name Intl knows (the API process's tz database); offsets such as `+08:00` are not names. */
function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z
  .string()
  .max(64)
  .refine(isIanaTimeZone, { error: (i) => `${String(i.input)} is not an IANA time zone (e.g. Asia/Shanghai)` })
  .meta({ example: 'Asia/Shanghai' });

export const ALL_DAY = [{ start: '00:00', end: '24:00' }];

const nameOfDay = (day: number) => `${formatLocalDate(day)} (a ${WEEKDAY_NAMES[isoWeekday(day) - 1]})`;

export const Calendar = z
  .strictObject({
    id: Slug,
    title: Text(200),
    timezone: TimeZone,
    weekend: z
      .array(z.int().min(1).max(7))
      .max(6, 'at least one day of the week must be a working day')
      .default([6, 7])
      .describe('ISO weekday numbers, 1 = Monday … 7 = Sunday'),
    workingHours: z
      .array(WorkingPeriod)
      .min(1, 'at least one working period')
      .max(12)
      .default(() => ALL_DAY.map((p) => ({ ...p })))
      .describe('sorted, non-overlapping; default all day'),
    holidays: z.array(LocalDate).max(MAX_DATES).default([]).describe('public holidays (no work), local dates'),
    workdays: z.array(LocalDate).max(MAX_DATES).default([]).describe('make-up working days: weekend days declared working days'),
    covers: z
      .strictObject({ from: LocalDate, until: LocalDate })
      .refine((c) => c.from <= c.until, { error: 'covers.until must not be before covers.from', path: ['until'] })
      .describe('the period whose holidays and make-up days are known (both inclusive); outside it only the weekend rule applies'),
    source: Text(2000).describe('where the dates come from (the notice, its date and address)'),
  })
  .superRefine((c, ctx) => {
    const weekendSeen = new Set<number>();
    c.weekend.forEach((d, i) => {
      if (weekendSeen.has(d)) ctx.addIssue({ code: 'custom', path: ['weekend', i], message: `weekday ${d} appears twice` });
      weekendSeen.add(d);
    });
    c.workingHours.forEach((p, i) => {
      const prev = c.workingHours[i - 1];
      if (prev && minutesOf(p.start) < minutesOf(prev.end)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workingHours', i, 'start'],
          message: `working periods must be sorted and must not overlap: ${p.start} is before the end of the period before it (${prev.end})`,
        });
      }
    });
    const from = parseLocalDate(c.covers.from);
    const until = parseLocalDate(c.covers.until);
    const dates = (key: 'holidays' | 'workdays') => {
      const seen = new Set<string>();
      c[key].forEach((date, i) => {
        if (seen.has(date)) ctx.addIssue({ code: 'custom', path: [key, i], message: `${date} appears twice` });
        seen.add(date);
        const day = parseLocalDate(date);
        if (day === undefined || from === undefined || until === undefined) return;
        if (day < from || day > until) {
          ctx.addIssue({ code: 'custom', path: [key, i], message: `${date} is outside covers (${c.covers.from} to ${c.covers.until})` });
        }
      });
      return seen;
    };
    const holidays = dates('holidays');
    dates('workdays');
    c.workdays.forEach((date, i) => {
      const day = parseLocalDate(date);
      if (day === undefined) return;
      if (holidays.has(date)) {
        ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${date} is listed both as a holiday and as a make-up working day` });
      }
      if (!c.weekend.includes(isoWeekday(day))) {
        ctx.addIssue({
          code: 'custom',
          path: ['workdays', i],
          message: `${nameOfDay(day)} is not a weekend day: a make-up working day must fall on a weekend day (weekend: ${c.weekend.join(', ')})`,
        });
      }
    });
  })
  .meta({ id: 'Calendar', description: 'a working-day calendar, deployed in immutable versions' });

export type Calendar = z.infer<typeof Calendar>;
export type WorkingPeriod = z.infer<typeof WorkingPeriod>;
