/** Built-in templates: JSON files in each process's `builtin/` folder, validated and seeded into PostgreSQL at start. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import { seedTemplate } from '../db/templates.js';
import { loadBuiltinCalendars } from './builtin-calendars.js';
import { PROCESSES, Template } from '../processes/registry.js';

/** The folder of a process's built-in templates. */
export const builtinDir = (folder: string): string => fileURLToPath(new URL(`../processes/${folder}/builtin/`, import.meta.url));

/**
 * Every process's built-in templates, sorted by file name. Each must be valid and of its folder's
 * process; one naming a calendar must name a built-in one (seeding skips the deploy route's check
 * that the calendar exists).
 */
export function loadBuiltinTemplates(): Template[] {
  const files = PROCESSES.flatMap((p) =>
    readdirSync(builtinDir(p.folder))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ p, f })),
  );
  return files
    .sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0))
    .map(({ p, f }) => {
      const parsed = Template.safeParse(JSON.parse(readFileSync(builtinDir(p.folder) + f, 'utf8')));
      if (!parsed.success) throw new Error(`built-in template ${f} is invalid: ${parsed.error.message}`);
      if (parsed.data.kind !== p.kind) throw new Error(`built-in template ${f} is of kind ${parsed.data.kind}, in the folder of ${p.kind}`);
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
