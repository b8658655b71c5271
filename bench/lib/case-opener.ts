/**
 * Opens cases with exactly the input the API builds for them (api/case-service.ts `open`): the
 * template's latest version, its details checked, the template's calendar pinned, the applicant's
 * key-SME priority, the opening instant; and starts them as the API does (publication/case-start.ts: search
 * attributes at start, the first view projected). What the API adds around it (token, rate limit,
 * idempotency key) is left out, so a bench can open thousands quickly.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Actor, Applicant } from '../../common/types.js';
import { latestCalendar } from '../../db/calendars.js';
import { isKeySme } from '../../db/key-smes.js';
import type { Pool } from '../../db/pool.js';
import { getTemplate } from '../../db/templates.js';
import { pinCalendar } from '../../templates/calendar-pin.js';
import { caseOpening } from '../../processes/registry.js';
import type { OpenCaseInput } from '../../processes/registry.js';
import { startCase } from '../../publication/case-start.js';

export interface CaseOpener {
  /** Starts one case; resolves with its id once Temporal has accepted the start. */
  open(): Promise<string>;
}

export async function caseOpener(
  client: Client,
  pool: Pool,
  o: { templateId: string; taskQueue: string; openedBy: Actor; applicant: Applicant; details?: Record<string, unknown> },
): Promise<CaseOpener> {
  const stored = await getTemplate(pool, o.templateId);
  if (!stored) throw new Error(`no template ${o.templateId}`);
  const opening = caseOpening(stored.body, o.details ?? {});
  const priority = await isKeySme(pool, o.applicant.creditCode);
  const calendarId = stored.body.calendar;
  const calendar = calendarId ? await latestCalendar(pool, calendarId) : undefined;
  if (calendarId && !calendar) throw new Error(`the template names calendar ${calendarId}, which is not deployed`);
  return {
    async open() {
      const caseId = `case-${randomUUID()}`;
      const input: OpenCaseInput & { openedAt: string } = {
        caseId,
        ...opening,
        templateVersion: stored.version,
        applicant: o.applicant,
        openedBy: o.openedBy,
        priority,
        // Pinned per case, as the API does (the table of offsets is cached per day).
        ...(calendar ? { calendar: pinCalendar(calendar.body, calendar.version, Date.now()) } : {}),
        openedAt: new Date().toISOString(),
      };
      await startCase({ client, pool, taskQueue: o.taskQueue }, input);
      return caseId;
    },
  };
}

/** Runs `task(i)` for i in [0, count), at most `concurrency` at a time; the results in order of i. */
export async function inParallel<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}
