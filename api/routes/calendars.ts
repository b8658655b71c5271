/**
 * Calendar routes: list, read (latest or a version), deploy a new immutable version (admin,
 * honours Idempotency-Key). Calendars are public information: every role may read them.
 */
import { z } from 'zod';
import { deployCalendar, getCalendar, listCalendars } from '../../db/calendars.js';
import type { Pool } from '../../db/pool.js';
import { Calendar } from '../../templates/calendar.js';
import { IdempotencyHeader, idempotencyKey } from '../idempotency-key.js';
import { conflict, notFound } from '../problem.js';
import type { Routes } from '../route.js';
import { TemplateIdParam, TemplateVersionQuery } from '../schemas.js';

const DEPLOY_ROUTE = 'POST /v1/calendars';
const DAY_MS = 24 * 3600_000;

const Covers = z.object({ from: z.string(), until: z.string() });

const CalendarSummarySchema = z.object({ id: z.string(), version: z.number().int(), title: z.string(), covers: Covers }).meta({ id: 'CalendarSummary' });

const StoredCalendarSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    timezone: z.string(),
    weekend: z.array(z.number().int()),
    workingHours: z.array(z.object({ start: z.string(), end: z.string() })),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    covers: Covers,
    source: z.string(),
    version: z.number().int(),
    deployedBy: z.string(),
    deployedAt: z.iso.datetime(),
  })
  .meta({ id: 'StoredCalendar', description: 'the calendar as deployed, plus its version and who deployed it when' });

export function calendarRoutes(routes: Routes, pool: Pool, idempotencyTtlMs = DAY_MS): void {
  routes.add({
    method: 'get',
    path: '/v1/calendars',
    summary: 'List calendars (latest version of each)',
    tag: 'calendars',
    responses: { 200: { description: 'Calendars', schema: z.array(CalendarSummarySchema) } },
    handler: async () => ({ body: await listCalendars(pool) }),
  });

  routes.add({
    method: 'get',
    path: '/v1/calendars/:id',
    summary: 'Read a calendar: the latest version, or ?version=N',
    tag: 'calendars',
    params: TemplateIdParam,
    query: TemplateVersionQuery,
    responses: { 200: { description: 'The calendar', schema: StoredCalendarSchema }, 404: { description: 'Unknown calendar or version' } },
    handler: async ({ params, query }) => {
      const c = await getCalendar(pool, params.id, query.version);
      if (!c) throw notFound(`no calendar ${params.id}${query.version ? ` version ${query.version}` : ''}`);
      return { body: { ...c.body, version: c.version, deployedBy: c.deployedBy, deployedAt: c.deployedAt } };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/calendars',
    summary: 'Deploy a calendar; an existing id gets its next version (honours Idempotency-Key)',
    tag: 'calendars',
    body: Calendar,
    headers: IdempotencyHeader,
    responses: {
      201: { description: 'Deployed', schema: z.object({ id: z.string(), version: z.number().int() }) },
      409: { description: 'Idempotency-Key reused for another request' },
    },
    handler: async ({ body, actor, req }) => {
      const key = idempotencyKey(req.headers['idempotency-key']);
      const r = await deployCalendar(
        pool,
        body,
        actor.sub,
        key === undefined ? undefined : { scope: actor.sub, route: DEPLOY_ROUTE, key, ttlMs: idempotencyTtlMs },
      );
      if ('mismatch' in r) throw conflict('this Idempotency-Key was already used for a different request');
      const { id, version } = r.stored;
      return {
        status: 201,
        body: { id, version },
        headers: { Location: `/v1/calendars/${id}?version=${version}`, ...(r.replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
      };
    },
  });
}
