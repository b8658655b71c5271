/**
 * Incidents (workflows/lib/incidents.ts): the cases stopped on an activity that retrying cannot cure,
 * listed for admins and auditors with what failed and why (no case data), and an admin's retry once
 * the cause is fixed. Admins never read the case itself: the list is all they are shown.
 */
import { z } from 'zod';
import { listIncidents, noteIncidentRetry } from '../../db/incidents.js';
import type { Pool } from '../../db/pool.js';
import type { CaseService } from '../case-service.js';
import type { Routes } from '../route.js';
import { CaseIdParam } from '../schemas.js';

const Iso = z.string().meta({ format: 'date-time' });

const IncidentRowSchema = z
  .object({
    caseId: z.string(),
    activity: z.string().describe('The activity that failed'),
    code: z.string().describe("PostgreSQL's SQLSTATE (22P02), or the failure type"),
    reason: z.string().describe("Why, quoting none of the case's data"),
    attempts: z.number().int().describe('Failures: the first and each retry that failed again'),
    since: Iso,
    lastAt: Iso.describe('The latest failure'),
    retriedBy: z.string().nullable().describe('Who last asked the case to retry'),
    retriedAt: Iso.nullable(),
  })
  .meta({ id: 'IncidentRow' });

const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export function incidentRoutes(routes: Routes, cases: CaseService, pool: Pool): void {
  routes.add({
    method: 'get',
    path: '/v1/incidents',
    summary: 'Cases stopped on an incident (an activity PostgreSQL refused for good), oldest first',
    tag: 'operations',
    query: ListQuery,
    responses: { 200: { description: 'The open incidents', schema: z.array(IncidentRowSchema) } },
    handler: async ({ query }) => ({ body: await listIncidents(pool, query.limit) }),
  });

  routes.add({
    method: 'post',
    path: '/v1/incidents/:caseId/retry',
    summary: 'Ask a case stopped on an incident to run its failed activity again, once the cause is fixed',
    tag: 'operations',
    params: CaseIdParam,
    responses: {
      202: { description: 'The case retries; the incident leaves the list when the activity succeeds', schema: z.object({ caseId: z.string() }) },
      404: { description: 'No such case' },
      409: { description: 'The case has no incident (or is closed)' },
    },
    handler: async ({ actor, params }) => {
      await cases.retryIncident(actor, params.caseId);
      await noteIncidentRetry(pool, params.caseId, actor.sub);
      return { status: 202, body: { caseId: params.caseId } };
    },
  });
}
