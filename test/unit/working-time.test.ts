/**
 * Working-time arithmetic (common/working-time.ts) on pinned calendars: the 2026 Spring Festival
 * with its make-up Saturdays, weekends, a lunch break, Berlin across both DST changes, behaviour
 * outside the calendar's coverage and past the pinned offsets, and properties over many seeded
 * random inputs — checked against an independent oracle that reads local time from Intl.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dayNumber } from '../../common/local-date.js';
import { WorkingTime, type PinnedCalendar } from '../../common/working-time.js';
import { Calendar } from '../../templates/calendar.js';
import { offsetMinutesAt, pinCalendar } from '../../templates/calendar-pin.js';
import { CN_MAINLAND } from '../../templates/calendars/cn-mainland.js';

const H = 3600_000;
const MIN = 60_000;
const DAY = 24 * H;

/** An instant given as local wall-clock time at a fixed UTC offset (hours). */
const at =
  (offsetHours: number) =>
  (y: number, m: number, d: number, h = 0, min = 0) =>
    Date.UTC(y, m - 1, d, h, min) - offsetHours * H;
const cst = at(8); // Asia/Shanghai
const cet = at(1); // Europe/Berlin, winter
const cest = at(2); // Europe/Berlin, summer

const PIN_FROM = Date.UTC(2025, 11, 1);
const cn = Calendar.parse(CN_MAINLAND);
const cnTime = new WorkingTime(pinCalendar(cn, 1, PIN_FROM));

const calendar = (over: Partial<Calendar>): Calendar =>
  Calendar.parse({ id: 'test', title: 'Test', timezone: 'Asia/Shanghai', covers: { from: '2026-01-01', until: '2026-12-31' }, source: 'test', ...over });

const LUNCH_BREAK = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '17:30' },
];
const cnOffice = new WorkingTime(pinCalendar({ ...cn, workingHours: LUNCH_BREAK }, 1, PIN_FROM));

// The last Sunday of March 2026 (29th) and of October (25th) are made working days, so that the
// DST days themselves are counted.
const berlin = calendar({ timezone: 'Europe/Berlin', workdays: ['2026-03-29', '2026-10-25'] });
const berlinTime = new WorkingTime(pinCalendar(berlin, 1, PIN_FROM));
const berlinOffice = new WorkingTime(pinCalendar({ ...berlin, workingHours: [{ start: '09:00', end: '17:00' }] }, 1, PIN_FROM));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the 2026 Spring Festival in mainland China (all-day working hours)', () => {
  it('knows the holiday week and its make-up Saturdays', () => {
    expect(cnTime.isWorkingDay('2026-02-13')).toBe(true); // Friday
    expect(cnTime.isWorkingDay('2026-02-14')).toBe(true); // Saturday, made a working day
    for (let d = 15; d <= 23; d++) expect(cnTime.isWorkingDay(`2026-02-${d}`), `2026-02-${d}`).toBe(false);
    expect(cnTime.isWorkingDay('2026-02-24')).toBe(true); // Tuesday
    expect(cnTime.isWorkingDay('2026-02-28')).toBe(true); // Saturday, made a working day
    expect(cnTime.isWorkingDay('2026-03-01')).toBe(false); // Sunday
    expect(cnTime.isWorkingDay('2026-03-07')).toBe(false); // an ordinary Saturday
  });

  it('counts February: 20 weekdays, 6 of them holidays, 2 make-up Saturdays', () => {
    expect(cnTime.between(cst(2026, 2, 1), cst(2026, 3, 1))).toBe(16 * DAY);
    expect(cnTime.workingDayMs).toBe(DAY);
  });

  it('adds working days across the holiday: Friday, the make-up Saturday, then Tuesday after', () => {
    expect(cnTime.add(cst(2026, 2, 13), 3 * DAY)).toBe(cst(2026, 2, 25)); // ends at the end of Tuesday the 24th
    expect(cnTime.add(cst(2026, 2, 13, 12), 2 * DAY)).toBe(cst(2026, 2, 24, 12));
    // A clock stopped over the holiday loses only the working time inside the stop.
    expect(cnTime.between(cst(2026, 2, 14, 12), cst(2026, 2, 24, 12))).toBe(24 * H);
  });

  it('finds the start of the next working day', () => {
    expect(cnTime.startOfNextWorkingDay(cst(2026, 2, 13, 10))).toBe(cst(2026, 2, 14));
    expect(cnTime.startOfNextWorkingDay(cst(2026, 2, 14, 10))).toBe(cst(2026, 2, 24));
    expect(cnTime.startOfNextWorkingDay(cst(2026, 2, 27, 23, 59))).toBe(cst(2026, 2, 28));
    expect(cnTime.startOfNextWorkingDay(cst(2026, 2, 28))).toBe(cst(2026, 3, 2));
  });

  it('counts the whole year: 365 days, 104 weekend days, 33 holiday days of which 14 on weekends, 6 make-up days', () => {
    // 365 − 104 weekend days − (33 − 14) holidays on weekdays + 6 make-up days = 248.
    expect(cnTime.between(cst(2026, 1, 1), cst(2027, 1, 1))).toBe(248 * DAY);
  });
});

describe('a weekend and working hours with a lunch break', () => {
  it('a working day is 7 hours', () => expect(cnOffice.workingDayMs).toBe(7 * H));

  it('carries over the weekend', () => {
    // Friday 9 January 2026, 16:00: 1.5 hours left that day, then Monday from 09:00.
    expect(cnOffice.add(cst(2026, 1, 9, 16), 2 * H)).toBe(cst(2026, 1, 12, 9, 30));
    expect(cnOffice.between(cst(2026, 1, 9, 16), cst(2026, 1, 12, 9, 30))).toBe(2 * H);
    expect(cnOffice.between(cst(2026, 1, 10), cst(2026, 1, 12))).toBe(0);
    expect(cnOffice.startOfNextWorkingDay(cst(2026, 1, 9, 20))).toBe(cst(2026, 1, 12, 9));
  });

  it('a budget ending at the start of the lunch break ends there; one millisecond more ends after lunch', () => {
    expect(cnOffice.add(cst(2026, 1, 12, 11), H)).toBe(cst(2026, 1, 12, 12));
    expect(cnOffice.add(cst(2026, 1, 12, 11), H + 1)).toBe(cst(2026, 1, 12, 13, 30) + 1);
    expect(cnOffice.add(cst(2026, 1, 12, 9), 7 * H)).toBe(cst(2026, 1, 12, 17, 30));
  });

  it('counts nothing during lunch, and add(x, 0) is x even there', () => {
    expect(cnOffice.between(cst(2026, 1, 12, 12), cst(2026, 1, 12, 13, 30))).toBe(0);
    expect(cnOffice.between(cst(2026, 1, 12, 11, 45), cst(2026, 1, 12, 13, 45))).toBe(30 * MIN);
    for (const x of [cst(2026, 1, 12, 12, 30), cst(2026, 1, 10, 10), cst(2026, 2, 17), cst(2026, 1, 12, 12) + 1]) expect(cnOffice.add(x, 0)).toBe(x);
  });

  it('starting in the evening or on a holiday begins at the next period', () => {
    expect(cnOffice.add(cst(2026, 1, 12, 20), MIN)).toBe(cst(2026, 1, 13, 9, 1));
    expect(cnOffice.add(cst(2026, 2, 16, 10), MIN)).toBe(cst(2026, 2, 24, 9, 1));
  });

  it('refuses a negative or non-finite budget and answers 0 for an empty or reversed span', () => {
    expect(() => cnOffice.add(0, -1)).toThrow(RangeError);
    expect(() => cnOffice.add(0, Number.NaN)).toThrow(RangeError);
    expect(() => cnOffice.add(0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(cnOffice.between(cst(2026, 1, 13), cst(2026, 1, 12))).toBe(0);
  });
});

describe('Europe/Berlin across the DST changes', () => {
  it('pins the transitions Intl knows', () => {
    const { offsets } = pinCalendar(berlin, 1, PIN_FROM, 1);
    expect(offsets.slice(0, 3)).toEqual([
      { fromMs: PIN_FROM, offsetMinutes: 60 },
      { fromMs: Date.UTC(2026, 2, 29, 1), offsetMinutes: 120 },
      { fromMs: Date.UTC(2026, 9, 25, 1), offsetMinutes: 60 },
    ]);
  });

  it('the last Sunday of March has 23 hours, the last Sunday of October 25', () => {
    expect(berlinTime.between(cet(2026, 3, 29), cest(2026, 3, 30))).toBe(23 * H);
    expect(berlinTime.add(cet(2026, 3, 29), 23 * H)).toBe(cest(2026, 3, 30));
    expect(berlinTime.between(cest(2026, 10, 25), cet(2026, 10, 26))).toBe(25 * H);
    expect(berlinTime.startOfNextWorkingDay(cet(2026, 3, 28, 12))).toBe(cet(2026, 3, 29));
    expect(berlinTime.startOfNextWorkingDay(cet(2026, 3, 29, 12))).toBe(cest(2026, 3, 30));
  });

  it('office hours keep to the wall clock on both sides of the change', () => {
    // Friday 27 March 09:00 CET; 8 hours on Friday, 8 on the working Sunday, then Monday in CEST.
    expect(berlinOffice.add(cet(2026, 3, 27, 9), 8 * H)).toBe(cet(2026, 3, 27, 17));
    expect(berlinOffice.add(cet(2026, 3, 27, 9), 17 * H)).toBe(cest(2026, 3, 30, 10));
    expect(berlinOffice.between(cet(2026, 3, 27, 9), cest(2026, 3, 30, 10))).toBe(17 * H);
    expect(berlinOffice.startOfNextWorkingDay(cest(2026, 3, 29, 12))).toBe(cest(2026, 3, 30, 9));
  });

  it('a period in the skipped hour has no instants; one in the repeated hour has two hours', () => {
    const night = (start: string, end: string) => new WorkingTime(pinCalendar({ ...berlin, workingHours: [{ start, end }] }, 1, PIN_FROM));
    expect(night('02:00', '03:00').between(cet(2026, 3, 29), cest(2026, 3, 30))).toBe(0);
    expect(night('02:00', '04:00').between(cet(2026, 3, 29), cest(2026, 3, 30))).toBe(H);
    expect(night('02:00', '04:00').between(cet(2026, 3, 27), cet(2026, 3, 28))).toBe(2 * H);
    expect(night('02:00', '03:00').between(cest(2026, 10, 25), cet(2026, 10, 26))).toBe(2 * H);
    // The day with the skipped period still starts at its first period that exists.
    expect(night('02:00', '03:00').startOfNextWorkingDay(cet(2026, 3, 28, 12))).toBe(cest(2026, 3, 30, 2));
  });
});

describe('outside what the calendar knows', () => {
  it('beyond covers only the weekend rule applies', () => {
    expect(cn.covers).toEqual({ from: '2026-01-01', until: '2026-12-31' });
    expect(cnTime.isWorkingDay('2027-01-01')).toBe(true); // a Friday: its holiday is not known yet
    expect(cnTime.isWorkingDay('2027-01-02')).toBe(false); // a Saturday
    expect(cnTime.isWorkingDay('2025-10-01')).toBe(true); // before covers: a Wednesday
    expect(cnTime.between(cst(2027, 2, 1), cst(2027, 3, 1))).toBe(20 * DAY); // February 2027: its 20 weekdays
    expect(cnTime.add(cst(2026, 12, 31), 2 * DAY)).toBe(cst(2027, 1, 2)); // Thursday, then Friday 1 January
  });

  it('past the pinned offsets the last one applies: DST is no longer followed', () => {
    const oneYear = new WorkingTime(pinCalendar(berlin, 1, Date.UTC(2026, 0, 1), 1));
    expect(oneYear.add(cet(2027, 3, 26, 12), 24 * H)).toBe(cet(2027, 3, 29, 12)); // Friday noon to Monday noon, still CET
    expect(berlinTime.add(cet(2027, 3, 26, 12), 24 * H)).toBe(cest(2027, 3, 29, 12)); // pinned for 5 years: CEST
  });

  it('before the first offset, the first applies', () => {
    expect(cnTime.between(cst(2020, 1, 6), cst(2020, 1, 7))).toBe(DAY);
  });
});

describe('pinning', () => {
  it('is reproducible, plain JSON, and the arithmetic never consults Intl', () => {
    const a = pinCalendar(berlin, 3, PIN_FROM);
    const b = pinCalendar(berlin, 3, PIN_FROM);
    expect(a).toEqual(b);
    const roundTripped: PinnedCalendar = JSON.parse(JSON.stringify(a));
    expect(roundTripped).toEqual(a);
    expect(a).toMatchObject({ id: 'test', version: 3, timezone: 'Europe/Berlin', workdays: ['2026-03-29', '2026-10-25'] });
    expect(a.offsets).toHaveLength(11); // the offset in force, then two changes a year for five years

    const start = cet(2026, 3, 27, 9);
    const expected = new WorkingTime(a).add(start, 40 * H);
    vi.stubGlobal('Intl', undefined);
    vi.stubGlobal('Date', undefined);
    const time = new WorkingTime(roundTripped);
    const got = [time.add(start, 40 * H), time.between(start, start + 30 * DAY), time.startOfNextWorkingDay(start), time.isWorkingDay('2026-03-29')];
    vi.unstubAllGlobals();
    expect(got).toEqual([expected, new WorkingTime(a).between(start, start + 30 * DAY), cet(2026, 3, 29), true]);
  });

  it('the table starts at the UTC midnight of the opening day; pins share no objects', () => {
    const noon = Date.UTC(2026, 2, 29, 12);
    const a = pinCalendar(berlin, 1, noon, 1);
    expect(a.offsets[0]).toEqual({ fromMs: Date.UTC(2026, 2, 29), offsetMinutes: 60 });
    expect(a.offsets[1]).toEqual({ fromMs: Date.UTC(2026, 2, 29, 1), offsetMinutes: 120 });
    a.offsets[1]!.offsetMinutes = 0;
    a.holidays.push('2026-12-24');
    const b = pinCalendar(berlin, 1, noon, 1);
    expect(b.offsets[1]!.offsetMinutes).toBe(120);
    expect(b.holidays).toEqual([]);
  });

  it('a pinned table is followed even where the host tz database says otherwise (a tzdata update moves nothing)', () => {
    const pinned = pinCalendar(cn, 1, PIN_FROM);
    // Pretend a later tzdata moved Shanghai to +09:00 from July: a case pinned before keeps +08:00.
    const later = { ...pinned, offsets: [...pinned.offsets, { fromMs: cst(2026, 7, 1), offsetMinutes: 540 }] };
    expect(new WorkingTime(pinned).startOfNextWorkingDay(cst(2026, 7, 1, 12))).toBe(cst(2026, 7, 2));
    expect(new WorkingTime(later).startOfNextWorkingDay(cst(2026, 7, 1, 12))).toBe(at(9)(2026, 7, 2));
  });

  it('the pinned version is what counts, not a later one', () => {
    const v1 = pinCalendar(cn, 1, PIN_FROM);
    const v2 = pinCalendar({ ...cn, holidays: [...cn.holidays, '2026-03-02'] }, 2, PIN_FROM);
    expect(new WorkingTime(v1).isWorkingDay('2026-03-02')).toBe(true);
    expect(new WorkingTime(v2).isWorkingDay('2026-03-02')).toBe(false);
  });
});

// ---- properties over seeded random inputs, against an independent oracle -------------------

/** mulberry32: a small seeded PRNG, so that a failure is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  name: string;
  cal: Calendar;
  time: WorkingTime;
}
const berlinLunch = {
  ...berlin,
  workingHours: [
    { start: '08:00', end: '12:15' },
    { start: '13:00', end: '18:45' },
  ],
};
const CASES: Case[] = [
  { name: 'cn all day', cal: cn, time: cnTime },
  { name: 'cn lunch break', cal: { ...cn, workingHours: LUNCH_BREAK }, time: cnOffice },
  { name: 'berlin all day', cal: berlin, time: berlinTime },
  { name: 'berlin lunch break', cal: berlinLunch, time: new WorkingTime(pinCalendar(berlinLunch, 1, PIN_FROM)) },
];

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The local date, ISO weekday and minute of the day of an instant, as Intl reads the wall clock. */
function wallClock(timeZone: string, ms: number): { date: string; weekday: number; minute: number } {
  let f = wallClocks.get(timeZone);
  if (!f) {
    const options = {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    } as const;
    f = new Intl.DateTimeFormat('en-US', options);
    wallClocks.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, weekday: WEEKDAYS.indexOf(p.weekday!) + 1, minute: Number(p.hour) * 60 + Number(p.minute) };
}

/** Working or not at an instant, by the calendar's rules applied to Intl's wall clock. */
function oracleWorking(cal: Calendar, ms: number): boolean {
  const { date, weekday, minute } = wallClock(cal.timezone, ms);
  const working = !cal.holidays.includes(date) && (cal.workdays.includes(date) || !cal.weekend.includes(weekday));
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return working && cal.workingHours.some((p) => minute >= toMin(p.start) && minute < toMin(p.end));
}

/** The instant of local midnight starting the day after the one `ms` falls on (no zone here changes at midnight). */
function nextMidnight(timeZone: string, ms: number): number {
  const { date } = wallClock(timeZone, ms);
  const guess = Date.parse(`${date}T00:00:00Z`) + DAY;
  return guess - offsetMinutesAt(timeZone, guess - offsetMinutesAt(timeZone, guess) * MIN) * MIN;
}

const QUARTER = 15 * MIN;
const YEAR_START = Date.UTC(2026, 0, 1);

describe.each(CASES)('properties: $name', ({ cal, time }) => {
  it('between agrees with a quarter-hour walk of the wall clock (Intl) over 300 random spans', () => {
    const rnd = prng(0xc0ffee);
    for (let i = 0; i < 300; i++) {
      const from = YEAR_START + Math.floor(rnd() * 365 * 96) * QUARTER;
      const to = from + Math.floor(rnd() * 4 * 96) * QUARTER;
      let expected = 0;
      for (let t = from; t < to; t += QUARTER) if (oracleWorking(cal, t)) expected += QUARTER;
      expect(time.between(from, to), `${new Date(from).toISOString()} → ${new Date(to).toISOString()}`).toBe(expected);
    }
  });

  it('add and between are inverse over 3000 random inputs (spans up to a year)', () => {
    const rnd = prng(42);
    for (let i = 0; i < 3000; i++) {
      const from = YEAR_START + Math.floor(rnd() * 400 * DAY);
      const budget = Math.floor(rnd() * (i % 10 === 0 ? 250 : 10) * time.workingDayMs);
      const end = time.add(from, budget);
      expect(end).toBeGreaterThanOrEqual(from);
      expect(time.between(from, end), `add(${from}, ${budget})`).toBe(budget);
      // The end is the earliest such instant: a millisecond earlier, the budget is not yet spent.
      if (budget > 0) expect(time.between(from, end - 1)).toBe(budget - 1);

      const to = from + Math.floor(rnd() * 30 * DAY);
      const worked = time.between(from, to);
      const reached = time.add(from, worked);
      expect(reached).toBeLessThanOrEqual(to);
      expect(time.between(reached, to)).toBe(0);
      // Additivity: splitting a span anywhere splits its working time.
      const mid = from + Math.floor(rnd() * (to - from + 1));
      expect(time.between(from, mid) + time.between(mid, to)).toBe(worked);
    }
  });

  it('the next working day starts a period on a working day after the given date', () => {
    const rnd = prng(7);
    for (let i = 0; i < 500; i++) {
      const ms = YEAR_START + Math.floor(rnd() * 365 * DAY);
      const next = time.startOfNextWorkingDay(ms);
      const tomorrow = nextMidnight(cal.timezone, ms);
      expect(next).toBeGreaterThanOrEqual(tomorrow);
      expect(oracleWorking(cal, next)).toBe(true);
      // No working time from the end of ms's date up to it: no working day in between, no earlier period that day.
      expect(time.between(tomorrow, next)).toBe(0);
    }
  });
});

describe('speed', () => {
  it('hundreds of year-long calls take milliseconds each at most', () => {
    const from = cst(2026, 1, 5, 9);
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) {
      const end = cnOffice.add(from + i * MIN, 250 * cnOffice.workingDayMs);
      cnOffice.between(from, end);
      berlinOffice.between(from, from + 365 * DAY);
    }
    const perCall = (performance.now() - t0) / 900;
    // Typically ~0.05 ms; the bound leaves room for a loaded machine.
    expect(perCall).toBeLessThan(2);
  });

  it('the built-in calendar covers 2026, from the local date arithmetic', () => {
    expect(dayNumber(cn.covers.until) - dayNumber(cn.covers.from) + 1).toBe(365);
  });
});
