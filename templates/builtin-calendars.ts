/** Built-in calendars: modules beside this one (their sources cited there), validated and seeded into PostgreSQL at start. */
import type { Logger } from 'pino';
import { seedCalendar } from '../db/calendars.js';
import type { Pool } from '../db/pool.js';
import { Calendar } from './calendar.js';
import { CN_MAINLAND } from './calendars/cn-mainland.js';

const BUILTIN = [CN_MAINLAND];

export function loadBuiltinCalendars(): Calendar[] {
  return BUILTIN.map((c) => {
    const parsed = Calendar.safeParse(c);
    if (!parsed.success) throw new Error(`built-in calendar ${c.id} is invalid: ${parsed.error.message}`);
    return parsed.data;
  });
}

export async function seedBuiltinCalendars(pool: Pool, logger?: Logger): Promise<void> {
  for (const c of loadBuiltinCalendars()) {
    const r = await seedCalendar(pool, c);
    if (r.deployed) logger?.info({ calendar: c.id, version: r.version }, 'built-in calendar deployed');
  }
}
