/**
 * The calendar schema (templates/calendar.ts): defaults, and a clear refusal for each kind of bad
 * calendar; the built-in mainland China calendar against the State Council's 2026 notice.
 */
import { describe, expect, it } from 'vitest';
import { formatLocalDate, isoWeekday, parseLocalDate } from '../../common/local-date.js';
import { Calendar } from '../../templates/calendar.js';
import { loadBuiltinCalendars } from '../../templates/builtin-calendars.js';

const base = () => ({
  id: 'test-calendar',
  title: 'Test calendar',
  timezone: 'Asia/Shanghai',
  covers: { from: '2026-01-01', until: '2026-12-31' },
  source: 'made up for the test',
});

/** The issues of a refused calendar (fails the test if it is accepted). */
function issues(input: unknown): { path: string; message: string }[] {
  const r = Calendar.safeParse(input);
  expect(r.success, 'expected the calendar to be refused').toBe(false);
  return (r.error?.issues ?? []).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('defaults', () => {
  it('a weekend of Saturday and Sunday, all-day working hours, no holidays or make-up days', () => {
    expect(Calendar.parse(base())).toEqual({
      ...base(),
      weekend: [6, 7],
      workingHours: [{ start: '00:00', end: '24:00' }],
      holidays: [],
      workdays: [],
    });
  });

  it('accepts working hours with a lunch break, a Friday–Saturday weekend and make-up days on it', () => {
    const c = Calendar.parse({
      ...base(),
      timezone: 'Asia/Dubai',
      weekend: [5, 6],
      workingHours: [
        { start: '08:00', end: '12:00' },
        { start: '12:00', end: '13:00' },
        { start: '14:00', end: '24:00' },
      ],
      holidays: ['2026-03-20'],
      workdays: ['2026-03-27', '2026-03-28'],
    });
    expect(c.workdays).toEqual(['2026-03-27', '2026-03-28']);
  });
});

describe('refusals, each with a clear message at its place', () => {
  it.each([
    ['a date that does not exist', { holidays: ['2026-02-29'] }, 'holidays.0', /2026-02-29 is not a real date/],
    ['a month 13', { holidays: ['2026-13-01'] }, 'holidays.0', /not a real date/],
    ['a date in another format', { holidays: ['1 May 2026'] }, 'holidays.0', /a date YYYY-MM-DD/],
    ['a make-up day on a weekday', { workdays: ['2026-02-16'] }, 'workdays.0', /2026-02-16 \(a Monday\) is not a weekend day/],
    ['a holiday twice', { holidays: ['2026-10-01', '2026-10-01'] }, 'holidays.1', /2026-10-01 appears twice/],
    ['a make-up day twice', { workdays: ['2026-02-14', '2026-02-14'] }, 'workdays.1', /appears twice/],
    ['a holiday outside covers', { holidays: ['2027-01-01'] }, 'holidays.0', /2027-01-01 is outside covers \(2026-01-01 to 2026-12-31\)/],
    ['a make-up day outside covers', { workdays: ['2025-12-27'] }, 'workdays.0', /outside covers/],
    ['covers ending before they start', { covers: { from: '2026-12-31', until: '2026-01-01' } }, 'covers.until', /must not be before/],
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'timezone', /Mars\/Olympus_Mons is not an IANA time zone/],
    ['an offset instead of a zone', { timezone: '+08:00' }, 'timezone', /not an IANA time zone/],
    ['a seven-day weekend', { weekend: [1, 2, 3, 4, 5, 6, 7] }, 'weekend', /at least one day of the week must be a working day/],
    ['weekday 0', { weekend: [0] }, 'weekend.0', /./],
    ['weekday 8', { weekend: [8] }, 'weekend.0', /./],
    ['a weekend day twice', { weekend: [7, 7] }, 'weekend.1', /weekday 7 appears twice/],
    ['no working hours', { workingHours: [] }, 'workingHours', /at least one working period/],
    ['a period ending before it starts', { workingHours: [{ start: '17:00', end: '09:00' }] }, 'workingHours.0.end', /must end after it starts/],
    ['an empty period', { workingHours: [{ start: '09:00', end: '09:00' }] }, 'workingHours.0.end', /must end after it starts/],
    ['a period starting at 24:00', { workingHours: [{ start: '24:00', end: '24:00' }] }, 'workingHours.0.start', /cannot start at 24:00/],
    ['a time past 24:00', { workingHours: [{ start: '09:00', end: '24:30' }] }, 'workingHours.0.end', /HH:MM, 00:00 to 24:00/],
    ['a time without minutes', { workingHours: [{ start: '9', end: '17:00' }] }, 'workingHours.0.start', /HH:MM/],
    [
      'overlapping periods',
      {
        workingHours: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '17:00' },
        ],
      },
      'workingHours.1.start',
      /must be sorted and must not overlap: 11:00 is before the end of the period before it \(12:00\)/,
    ],
    [
      'unsorted periods',
      {
        workingHours: [
          { start: '13:00', end: '17:00' },
          { start: '09:00', end: '12:00' },
        ],
      },
      'workingHours.1.start',
      /sorted/,
    ],
    ['an unknown field', { holidayz: [] }, '', /holidayz/],
    ['a blank source', { source: '  ' }, 'source', /must not be empty or blank/],
    ['an id that is not a slug', { id: 'CN Mainland' }, 'id', /lowercase letters/],
  ])('%s', (_what, change, path, message) => {
    const found = issues({ ...base(), ...change });
    expect(found, JSON.stringify(found)).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('a date that is both a holiday and a make-up day', () => {
    expect(issues({ ...base(), holidays: ['2026-02-14'], workdays: ['2026-02-14'] })).toContainEqual({
      path: 'workdays.0',
      message: '2026-02-14 is listed both as a holiday and as a make-up working day',
    });
  });
});

describe('the built-in calendar for mainland China', () => {
  const [cn] = loadBuiltinCalendars();

  /** The 2026 notice (国务院办公厅关于2026年部分节假日安排的通知, 4 November 2025), period by period. */
  const NOTICE_2026 = {
    holidays: [
      ['2026-01-01', '2026-01-03'],
      ['2026-02-15', '2026-02-23'],
      ['2026-04-04', '2026-04-06'],
      ['2026-05-01', '2026-05-05'],
      ['2026-06-19', '2026-06-21'],
      ['2026-09-25', '2026-09-27'],
      ['2026-10-01', '2026-10-07'],
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  };

  it('is cn-mainland on Asia/Shanghai, Saturday and Sunday off, all day, covering 2026', () => {
    expect(cn).toMatchObject({
      id: 'cn-mainland',
      timezone: 'Asia/Shanghai',
      weekend: [6, 7],
      workingHours: [{ start: '00:00', end: '24:00' }],
      covers: { from: '2026-01-01', until: '2026-12-31' },
    });
    expect(cn!.source).toContain('国务院办公厅关于2026年部分节假日安排的通知');
    expect(cn!.source).toMatch(/https:\/\//);
  });

  it('lists exactly the notice’s holiday periods (33 days) and make-up days', () => {
    const expanded = NOTICE_2026.holidays.flatMap(([from, to]) => {
      const out: string[] = [];
      for (let d = parseLocalDate(from!)!; d <= parseLocalDate(to!)!; d++) out.push(formatLocalDate(d));
      return out;
    });
    expect(cn!.holidays).toEqual(expanded);
    expect(expanded).toHaveLength(33);
    expect(cn!.workdays).toEqual(NOTICE_2026.workdays);
  });

  it('the weekdays the notice names are the real ones', () => {
    const weekday = (date: string) => isoWeekday(parseLocalDate(date)!);
    // 一、元旦：1月1日（周四）至3日（周六）… 1月4日（周日）上班。 二、春节：2月15日（周日）至23日（周一）…
    expect(['2026-01-01', '2026-01-03', '2026-01-04', '2026-02-15', '2026-02-23', '2026-02-14', '2026-02-28'].map(weekday)).toEqual([4, 6, 7, 7, 1, 6, 6]);
    // 五月：5月1日（周五）至5日（周二），5月9日（周六）上班；国庆：10月1日（周四）至7日（周三），9月20日（周日）、10月10日（周六）上班。
    expect(['2026-05-01', '2026-05-05', '2026-05-09', '2026-10-01', '2026-10-07', '2026-09-20', '2026-10-10'].map(weekday)).toEqual([5, 2, 6, 4, 3, 7, 6]);
  });
});
