/**
 * Mainland China's working-day calendar: public holidays and make-up working days (调休上班).
 *
 * Source: 国务院办公厅关于2026年部分节假日安排的通知 (Notice of the General Office of the State
 * Council on the arrangement of certain holidays in 2026), dated 4 November 2025, released by
 * Xinhua the same day; full text as republished at
 * https://politics.gmw.cn/2025-11/04/content_38391083.htm (checked against three other
 * republications of the same Xinhua text). Each holiday period below lists every day of it, as
 * the notice states it (weekend days included), and the make-up working days it names.
 *
 * The 2027 arrangement is published by the State Council around November 2026; until then this
 * calendar covers 2026 only (outside `covers` only the weekend rule applies). To add it, append the
 * dates, move `covers.until`, cite the new notice in `source`: the changed file is deployed as the
 * next version at start (cases already running keep the version they pinned).
 */
import type { z } from 'zod';
import { dayNumber, formatLocalDate } from '../../common/local-date.js';
import type { Calendar } from '../calendar.js';

/** Every date from `from` to `to`, both inclusive. */
const days = (from: string, to: string): string[] =>
  Array.from({ length: dayNumber(to) - dayNumber(from) + 1 }, (_, i) => formatLocalDate(dayNumber(from) + i));

export const CN_MAINLAND: z.input<typeof Calendar> = {
  id: 'cn-mainland',
  title: 'Mainland China: public holidays and make-up working days',
  timezone: 'Asia/Shanghai',
  weekend: [6, 7],
  workingHours: [{ start: '00:00', end: '24:00' }],
  holidays: [
    ...days('2026-01-01', '2026-01-03'), // 元旦 New Year's Day: Thu 1 – Sat 3 January
    ...days('2026-02-15', '2026-02-23'), // 春节 Spring Festival: Sun 15 – Mon 23 February (腊月二十八 – 正月初七)
    ...days('2026-04-04', '2026-04-06'), // 清明节 Qingming: Sat 4 – Mon 6 April
    ...days('2026-05-01', '2026-05-05'), // 劳动节 Labour Day: Fri 1 – Tue 5 May
    ...days('2026-06-19', '2026-06-21'), // 端午节 Dragon Boat Festival: Fri 19 – Sun 21 June
    ...days('2026-09-25', '2026-09-27'), // 中秋节 Mid-Autumn Festival: Fri 25 – Sun 27 September
    ...days('2026-10-01', '2026-10-07'), // 国庆节 National Day: Thu 1 – Wed 7 October
  ],
  workdays: [
    '2026-01-04', // Sun, for New Year's Day
    '2026-02-14', // Sat, for the Spring Festival
    '2026-02-28', // Sat, for the Spring Festival
    '2026-05-09', // Sat, for Labour Day
    '2026-09-20', // Sun, for National Day
    '2026-10-10', // Sat, for National Day
  ],
  covers: { from: '2026-01-01', until: '2026-12-31' },
  source:
    '国务院办公厅关于2026年部分节假日安排的通知 (General Office of the State Council, 4 November 2025; Xinhua release, https://politics.gmw.cn/2025-11/04/content_38391083.htm). Covers 2026 only: the 2027 arrangement had not been published when this version was made.',
};
