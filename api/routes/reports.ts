/**
 * Reports, computed from the PostgreSQL projection, never from the workflows:
 * - the dashboard (supervisors, auditors): open cases by status and by department, breaches,
 *   escalations this week, time to decision per department. A supervisor sees the figures of the
 *   cases involving its department (the same scope as its case list); an auditor sees all;
 * - the SLA report (api/sla-report.ts, db/sla-report.ts): per department and per template over a
 *   window, as JSON or CSV. An auditor's covers every department, a supervisor's its own.
 */
import { z } from 'zod';
import type { Actor } from '../../common/types.js';
import type { Pool } from '../../db/pool.js';
import { slaReport } from '../../db/sla-report.js';
import { listScope } from '../access-policy.js';
import { forbidden } from '../problem.js';
import type { Routes } from '../route.js';
import { csvFileName, reportWindow, SlaReportQuery, SlaReportSchema, slaReportCsv, type SlaReport } from '../sla-report.js';

/** The present, for windows and for what is past due (the system clock; tests on the time-skipping server pass its clock). */
export type Clock = () => Promise<Date>;
export const systemClock: Clock = async () => new Date();

const Iso = z.string().meta({ format: 'date-time' });
const Count = z.number().int();

export const DashboardSchema = z
  .object({
    generatedAt: Iso,
    scope: z.object({ dept: z.string().nullable().meta({ description: 'the department the figures are limited to; null for all' }) }),
    openByStatus: z.array(z.object({ status: z.string(), count: Count })),
    openByDept: z.array(z.object({ dept: z.string(), count: Count }).meta({ description: 'open cases with an open task of the department' })),
    breaches: z.object({ open: Count, total: Count }),
    weekStart: Iso.meta({ description: 'Monday 00:00 UTC of the current week' }),
    escalationsThisWeek: z.object({ total: Count, byAction: z.array(z.object({ action: z.string(), count: Count })) }),
    timeToDecision: z.array(
      z.object({ dept: z.string(), decided: Count, medianMs: z.number(), p90Ms: z.number(), averageMs: z.number() }).meta({
        description: 'decided tasks (approve or reject, deemed approvals excluded) from the task opening to its decision, clock stops included',
      }),
    ),
  })
  .meta({ id: 'Dashboard' });

/**
 * The department an SLA report covers: an auditor's choice (null: all); a supervisor's own, and
 * only that (its figures are its department's business, as its inbox is).
 */
function reportDept(actor: Actor, asked: string | undefined): string | null {
  if (actor.roles.includes('auditor')) return asked ?? null;
  if (!actor.dept) throw forbidden("a supervisor's SLA report covers its department, and the token names none");
  if (asked !== undefined && asked !== actor.dept) throw forbidden(`you supervise ${actor.dept}; the SLA report of ${asked} is not yours to read`);
  return actor.dept;
}

export function reportRoutes(routes: Routes, pool: Pool, clock: Clock = systemClock): void {
  routes.add({
    method: 'get',
    path: '/v1/reports/sla',
    summary: 'SLA report per department and per template over a window (JSON, or CSV with format=csv)',
    tag: 'reports',
    query: SlaReportQuery,
    responses: {
      200: { description: 'The figures (JSON, or text/csv with `format=csv`)', schema: SlaReportSchema, also: { 'text/csv': z.string() } },
      403: { description: 'Not a supervisor or auditor, or a supervisor asking for another department' },
    },
    handler: async ({ actor, query }) => {
      const dept = reportDept(actor, query.dept);
      const now = await clock();
      const { from, to } = reportWindow(query, now);
      const templateId = query.templateId ?? null;
      const figures = await slaReport(pool, { from, to, now, dept, templateId });
      const report: SlaReport = {
        generatedAt: now.toISOString(),
        window: { from: from.toISOString(), to: to.toISOString() },
        scope: { dept, templateId },
        ...figures,
      };
      if (query.format === 'json') return { body: report };
      return { body: slaReportCsv(report), contentType: 'text/csv', headers: { 'Content-Disposition': `attachment; filename="${csvFileName(report)}"` } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/reports/dashboard',
    summary: 'Dashboard figures from the case projection',
    tag: 'reports',
    responses: { 200: { description: 'The figures', schema: DashboardSchema } },
    handler: async ({ actor }) => {
      // The dashboard's figures are departments' work: an enterprise's own cases do not widen it.
      const scope = listScope(actor);
      const dept = 'all' in scope ? null : scope.dept;
      if (!('all' in scope) && dept === null) return { body: empty(dept) };
      // $1: the department the caller is limited to, or null.
      const inScope = `($1::text IS NULL OR depts @> ARRAY[$1::text] OR opened_dept = $1::text)`;
      const args = [dept];
      const [byStatus, byDept, breaches, week, escalations, ttd] = await Promise.all([
        pool.query<{ status: string; count: number }>(
          `SELECT status, count(*)::int AS count FROM cases WHERE closed_at IS NULL AND ${inScope} GROUP BY status ORDER BY count DESC, status`,
          args,
        ),
        pool.query<{ dept: string; count: number }>(
          `SELECT d AS dept, count(*)::int AS count FROM cases, unnest(open_depts) AS d
            WHERE closed_at IS NULL AND ${inScope} GROUP BY d ORDER BY count DESC, d`,
          args,
        ),
        pool.query<{ open: number; total: number }>(
          `SELECT count(*) FILTER (WHERE closed_at IS NULL)::int AS open, count(*)::int AS total FROM cases WHERE breached AND ${inScope}`,
          args,
        ),
        pool.query<{ week_start: Date }>(`SELECT date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS week_start`),
        pool.query<{ action: string; count: number }>(
          `SELECT e->>'action' AS action, count(*)::int AS count
             FROM cases, jsonb_array_elements(coalesce(view->'escalations', '[]'::jsonb)) AS e
            WHERE ${inScope} AND (e->>'at')::timestamptz >= date_trunc('week', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
            GROUP BY 1 ORDER BY 2 DESC, 1`,
          args,
        ),
        pool.query<{ dept: string; decided: number; median_ms: number; p90_ms: number; average_ms: number }>(
          `WITH d AS (
             SELECT t->>'dept' AS dept,
                    extract(epoch FROM ((t->>'decidedAt')::timestamptz - (t->>'openedAt')::timestamptz)) * 1000 AS ms
               FROM cases, jsonb_array_elements(view->'tasks') AS t
              WHERE ${inScope} AND t->>'decidedAt' IS NOT NULL AND t->>'outcome' IN ('approve', 'reject'))
           SELECT dept, count(*)::int AS decided,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS median_ms,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY ms)::float8 AS p90_ms,
                  avg(ms)::float8 AS average_ms
             FROM d GROUP BY dept ORDER BY dept`,
          args,
        ),
      ]);
      return {
        body: {
          generatedAt: new Date().toISOString(),
          scope: { dept },
          openByStatus: byStatus.rows,
          openByDept: byDept.rows,
          breaches: breaches.rows[0] ?? { open: 0, total: 0 },
          weekStart: (week.rows[0]?.week_start ?? new Date()).toISOString(),
          escalationsThisWeek: { total: escalations.rows.reduce((n, r) => n + r.count, 0), byAction: escalations.rows },
          timeToDecision: ttd.rows.map((r) => ({
            dept: r.dept,
            decided: r.decided,
            medianMs: Math.round(r.median_ms),
            p90Ms: Math.round(r.p90_ms),
            averageMs: Math.round(r.average_ms),
          })),
        },
      };
    },
  });
}

function empty(dept: string | null) {
  return {
    generatedAt: new Date().toISOString(),
    scope: { dept },
    openByStatus: [],
    openByDept: [],
    breaches: { open: 0, total: 0 },
    weekStart: new Date().toISOString(),
    escalationsThisWeek: { total: 0, byAction: [] },
    timeToDecision: [],
  };
}
