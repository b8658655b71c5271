/** Built-in templates: JSON files beside this module, validated and seeded into PostgreSQL at start. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import { seedTemplate } from '../db/templates.js';
import { loadBuiltinCalendars } from './builtin-calendars.js';
import { Template } from './schema.js';

const DIR = fileURLToPath(new URL('./builtin/', import.meta.url));

export function loadBuiltinTemplates(): Template[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = Template.safeParse(JSON.parse(readFileSync(DIR + f, 'utf8')));
      if (!parsed.success) throw new Error(`built-in template ${f} is invalid: ${parsed.error.message}`);
      // Seeding skips the deploy route's check that the calendar exists: built-ins name built-in calendars.
      const calendar = parsed.data.calendar;
      if (calendar && !loadBuiltinCalendars().some((c) => c.id === calendar))
        throw new Error(`built-in template ${f} names calendar ${calendar}, not a built-in one`);
      return parsed.data;
    });
}

export async function seedBuiltinTemplates(pool: Pool, logger?: Logger): Promise<void> {
  for (const t of loadBuiltinTemplates()) {
    const r = await seedTemplate(pool, t);
    if (r.deployed) logger?.info({ template: t.id, version: r.version }, 'built-in template deployed');
  }
}
