/**
 * Seeding the built-ins at start-up, against the run's real PostgreSQL: a restart deploys a built-in
 * again only when its shipped file changed, so a version an admin deployed since is not undone.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deployCalendar, getCalendar, seedCalendar } from '../../db/calendars.js';
import { deployTemplate, getTemplate, seedTemplate } from '../../db/templates.js';
import { loadBuiltinCalendars } from '../../templates/builtin-calendars.js';
import { loadBuiltinTemplates } from '../../templates/builtin.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase(inject('databaseUrl'));
});
afterAll(async () => {
  await db?.drop();
});

describe('seeding the built-ins', () => {
  it("a template: the first start deploys it, a restart leaves an admin's later version as the latest, a changed file rolls forward", async () => {
    const shipped = loadBuiltinTemplates().find((t) => t.id === 'mask-line-fast-track')!;
    expect(await seedTemplate(db.pool, shipped)).toEqual({ version: 1, deployed: true });
    expect(await seedTemplate(db.pool, shipped)).toEqual({ version: 1, deployed: false });
    await deployTemplate(db.pool, { ...shipped, title: 'Mask line (admin edition)' }, 'root');
    expect(await seedTemplate(db.pool, shipped)).toEqual({ version: 2, deployed: false });
    expect((await getTemplate(db.pool, shipped.id))?.body.title).toBe('Mask line (admin edition)');
    const edited = { ...shipped, title: 'New mask production line, revised' };
    expect(await seedTemplate(db.pool, edited)).toEqual({ version: 3, deployed: true });
  });

  it("a calendar: the same, so an admin's new year of holidays survives a restart", async () => {
    const shipped = loadBuiltinCalendars()[0]!;
    expect((await seedCalendar(db.pool, shipped)).deployed).toBe(true);
    const first = (await getCalendar(db.pool, shipped.id))!.version;
    const r = await deployCalendar(db.pool, { ...shipped, title: `${shipped.title} (admin)` }, 'root');
    expect('stored' in r).toBe(true);
    expect(await seedCalendar(db.pool, shipped)).toEqual({ version: first + 1, deployed: false });
    expect((await getCalendar(db.pool, shipped.id))?.body.title).toBe(`${shipped.title} (admin)`);
  });
});
