/**
 * The SLA report's figures, in SQL over the projection: `case_tasks` (one row per task, written
 * with its case) for the departments, `cases` (one view per case) for the templates and the
 * escalations. Never by asking workflows. Every definition is documented in docs/reports.md
 * (*SLA report*); the comments here say how the SQL implements it.
 */
import { CLOSED_STATUSES, type ClosedStatus } from '../processes/registry.js';
import type { Pool } from './pool.js';

export interface SlaReportFilter {
  /** The window: [from, to). */
  from: Date;
  to: Date;
  /** The report's present: open tasks are past due when their due date is before it. */
  now: Date;
  /** Only this department's tasks, and only the cases involving it (it has or had a task, or opened the case). */
  dept: string | null;
  templateId: string | null;
}

export interface DepartmentFigures {
  dept: string;
  decided: number;
  approved: number;
  rejected: number;
  deemedApproved: number;
  onTime: number;
  onTimeRate: number | null;
  decisionNetMs: { p50: number | null; p90: number | null };
  escalations: { total: number; byLevel: { level: number; action: string; count: number }[] };
  breaches: { total: number; decidedLate: number; deemedApproved: number; pastDueUndecided: number };
}

export interface TemplateFigures {
  templateId: string;
  opened: number;
  open: number;
  closed: { total: number } & Record<ClosedStatus, number>;
  medianDurationMs: number | null;
  stoppedClockMs: number;
}

const ms = (interval: string) => `(extract(epoch FROM ${interval}) * 1000)`;

/**
 * Each task with what the report asks of it. `kind`: `decision` (approve or reject, its final
 * outcome), `deemed`, `awaiting` (asked for information, waiting for the supplement), `open`,
 * `cancelled`.
 *
 * `due_then`: the due date in force when the task was decided (or asked for information). The
 * projected `due_at` of a decided task keeps moving with its case's later clock stops, so for a
 * case counted in wall-clock time only (no calendar pinned) it is rebuilt exactly: the task is due
 * `slaMs` of net time after it opened, so decidedAt + (slaMs − decidedNetMs). A case that counts
 * working time (its view names the calendar it pinned) takes the projected `due_at`: a working-time
 * budget cannot be set against wall-clock time in SQL, and such views keep the due date in force at
 * the decision (workflows/lib/tasks.ts `dueAtDecisionMs`), so it is exact.
 *
 * `breach_at`: the moment the task was past its due date without its department's final decision,
 * or null if it never was (yet):
 * - a decision or a request for information after the due date: `due_then`;
 * - a deemed approval: always (the engine decided, not the department), at `due_then` or the
 *   deeming, whichever is earlier;
 * - a task cancelled at closing (rejected by another department, withdrawn): its final due date,
 *   if that was before the closing;
 * - an open task: its due date if before now; while the clock is stopped, now + remaining (its
 *   due date if the clock restarted now, as the inbox sorts it), if the remaining time is negative.
 */
const TASKS = `
  SELECT dept, outcome, decided_at, net_ms, kind, decided_at <= due_then AS on_time,
         CASE WHEN kind = 'deemed' THEN least(due_then, decided_at)
              WHEN kind IN ('decision', 'awaiting') AND decided_at > due_then THEN due_then
              WHEN kind = 'cancelled' AND due_at < closed_at THEN due_at
              WHEN kind = 'open' AND paused AND remaining_ms IS NOT NULL
                THEN CASE WHEN remaining_ms < 0 THEN $3::timestamptz + remaining_ms * interval '1 millisecond' END
              WHEN kind = 'open' AND due_at < $3::timestamptz THEN due_at
         END AS breach_at
    FROM (
      SELECT ct.dept, ct.outcome, ct.decided_at, ct.decided_net_ms AS net_ms, ct.due_at, ct.paused, ct.remaining_ms, c.closed_at,
             CASE WHEN ct.status = 'decided' AND ct.outcome IN ('approve', 'reject') THEN 'decision'
                  WHEN ct.status = 'decided' AND ct.outcome = 'deemed-approved' THEN 'deemed'
                  WHEN ct.status = 'decided' THEN 'awaiting'
                  ELSE ct.status END AS kind,
             CASE WHEN c.view->'sla'->>'calendar' IS NULL
                  THEN ct.decided_at + (ct.sla_ms - ct.decided_net_ms) * interval '1 millisecond'
                  ELSE ct.due_at END AS due_then
        FROM case_tasks ct JOIN cases c ON c.case_id = ct.case_id
       WHERE ($4::text IS NULL OR ct.dept = $4::text) AND ($5::text IS NULL OR ct.template_id = $5::text)
         -- Nothing of a case opened after the window, or closed before it, falls in it.
         AND ct.case_opened_at < $2::timestamptz AND (c.closed_at IS NULL OR c.closed_at >= $1::timestamptz)
    ) AS task`;

/** $1 from, $2 to (exclusive), $3 now, $4 dept or null, $5 template or null. */
const DEPARTMENTS = `
  WITH t AS (${TASKS}),
  w AS (
    SELECT t.*, (decided_at >= $1 AND decided_at < $2) AS decided_in, (breach_at >= $1 AND breach_at < $2 AND breach_at < $3) AS breached_in FROM t
  )
  SELECT dept,
         count(*) FILTER (WHERE kind = 'decision' AND decided_in)::int AS decided,
         count(*) FILTER (WHERE kind = 'decision' AND decided_in AND outcome = 'approve')::int AS approved,
         count(*) FILTER (WHERE kind = 'decision' AND decided_in AND outcome = 'reject')::int AS rejected,
         count(*) FILTER (WHERE kind = 'deemed' AND decided_in)::int AS deemed_approved,
         count(*) FILTER (WHERE kind = 'decision' AND decided_in AND on_time)::int AS on_time,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY net_ms::float8) FILTER (WHERE kind = 'decision' AND decided_in) AS p50,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY net_ms::float8) FILTER (WHERE kind = 'decision' AND decided_in) AS p90,
         count(*) FILTER (WHERE kind = 'decision' AND breached_in)::int AS decided_late,
         count(*) FILTER (WHERE kind = 'deemed' AND breached_in)::int AS breach_deemed,
         count(*) FILTER (WHERE kind IN ('open', 'cancelled', 'awaiting') AND breached_in)::int AS past_due_undecided
    FROM w
   GROUP BY dept`;

/** Each escalation of the window, with the department of its task (the view's `escalations`: taskId, level, action). */
const ESCALATIONS = `
  SELECT ct.dept, e.level, e.action, count(*)::int AS count
    FROM cases c
   CROSS JOIN LATERAL jsonb_to_recordset(coalesce(c.view->'escalations', '[]'::jsonb)) AS e(at timestamptz, "taskId" text, action text, level int)
    JOIN case_tasks ct ON ct.case_id = c.case_id AND ct.task_id = e."taskId"
   WHERE c.opened_at < $2 AND (c.closed_at IS NULL OR c.closed_at >= $1)
     AND e.at >= $1 AND e.at < $2
     AND ($3::text IS NULL OR ct.dept = $3::text) AND ($4::text IS NULL OR c.template_id = $4::text)
   GROUP BY 1, 2, 3
   ORDER BY 1, 2, 3`;

/**
 * Stopped-clock time of a case: `sla.pausedMs` as projected, except for an open case whose clock
 * is stopped now, whose current stop counts up to now (it began with the earliest request for
 * information still waiting; the earlier stops are its supplements').
 */
const STOPPED_MS = `
  CASE WHEN c.closed_at IS NULL AND (c.view->'sla'->>'paused')::boolean
       THEN (SELECT coalesce(sum((s->>'pausedMs')::bigint), 0) FROM jsonb_array_elements(coalesce(c.view->'supplements', '[]'::jsonb)) AS s)
            + greatest(0, ${ms(`$3::timestamptz - (SELECT min((t->>'decidedAt')::timestamptz) FROM jsonb_array_elements(c.view->'tasks') AS t
                                                  WHERE t->>'status' = 'decided' AND t->>'outcome' = 'request-info')`)})
       ELSE coalesce((c.view->'sla'->>'pausedMs')::bigint, 0) END`;

/** The cases opened in the window, by template: $1 from, $2 to, $3 now, $4 involving dept or null, $5 template or null. */
const TEMPLATES = `
  WITH w AS (
    SELECT c.template_id, c.status, c.closed_at, ${ms('c.closed_at - c.opened_at')}::float8 AS duration_ms, ${STOPPED_MS} AS stopped_ms
      FROM cases c
     WHERE c.opened_at >= $1 AND c.opened_at < $2
       AND ($4::text IS NULL OR c.depts @> ARRAY[$4::text] OR c.opened_dept = $4::text)
       AND ($5::text IS NULL OR c.template_id = $5::text)
  )
  SELECT template_id, count(*)::int AS opened, count(*) FILTER (WHERE closed_at IS NULL)::int AS open,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE closed_at IS NOT NULL) AS median_ms,
         sum(stopped_ms)::float8 AS stopped_ms,
         (SELECT coalesce(jsonb_object_agg(status, n), '{}'::jsonb)
            FROM (SELECT status, count(*)::int AS n FROM w AS x WHERE x.template_id = w.template_id AND x.closed_at IS NOT NULL GROUP BY status) AS s) AS closed
    FROM w
   GROUP BY template_id`;

interface DeptRow {
  dept: string;
  decided: number;
  approved: number;
  rejected: number;
  deemed_approved: number;
  on_time: number;
  p50: number | null;
  p90: number | null;
  decided_late: number;
  breach_deemed: number;
  past_due_undecided: number;
}

const round = (v: number | null) => (v === null ? null : Math.round(v));

export async function slaReport(pool: Pool, f: SlaReportFilter): Promise<{ departments: DepartmentFigures[]; templates: TemplateFigures[] }> {
  const [depts, escalations, templates] = await Promise.all([
    pool.query<DeptRow>(DEPARTMENTS, [f.from, f.to, f.now, f.dept, f.templateId]),
    pool.query<{ dept: string; level: number; action: string; count: number }>(ESCALATIONS, [f.from, f.to, f.dept, f.templateId]),
    pool.query<{ template_id: string; opened: number; open: number; median_ms: number | null; stopped_ms: number; closed: Record<string, number> }>(TEMPLATES, [
      f.from,
      f.to,
      f.now,
      f.dept,
      f.templateId,
    ]),
  ]);

  const byDept = new Map<string, DepartmentFigures>();
  const dept = (name: string) => {
    let d = byDept.get(name);
    if (!d) byDept.set(name, (d = emptyDepartment(name)));
    return d;
  };
  if (f.dept) dept(f.dept);
  for (const r of depts.rows) {
    const active = r.decided + r.deemed_approved + r.decided_late + r.breach_deemed + r.past_due_undecided > 0;
    if (!active && r.dept !== f.dept) continue;
    const d = dept(r.dept);
    Object.assign(d, {
      decided: r.decided,
      approved: r.approved,
      rejected: r.rejected,
      deemedApproved: r.deemed_approved,
      onTime: r.on_time,
      onTimeRate: r.decided ? r.on_time / r.decided : null,
      decisionNetMs: { p50: round(r.p50), p90: round(r.p90) },
    });
    d.breaches = {
      total: r.decided_late + r.breach_deemed + r.past_due_undecided,
      decidedLate: r.decided_late,
      deemedApproved: r.breach_deemed,
      pastDueUndecided: r.past_due_undecided,
    };
  }
  for (const e of escalations.rows) {
    const d = dept(e.dept);
    d.escalations.total += e.count;
    d.escalations.byLevel.push({ level: e.level, action: e.action, count: e.count });
  }

  const byTemplate = new Map<string, TemplateFigures>();
  if (f.templateId) byTemplate.set(f.templateId, emptyTemplate(f.templateId));
  for (const r of templates.rows) {
    const t = emptyTemplate(r.template_id);
    t.opened = r.opened;
    t.open = r.open;
    for (const [status, n] of Object.entries(r.closed)) {
      t.closed.total += n;
      // Every closed status is a column of its own (common/types.ts); one missing there still counts in the total.
      if ((CLOSED_STATUSES as readonly string[]).includes(status)) t.closed[status as ClosedStatus] = n;
    }
    t.medianDurationMs = round(r.median_ms);
    t.stoppedClockMs = Math.round(r.stopped_ms);
    byTemplate.set(t.templateId, t);
  }

  return {
    departments: [...byDept.values()].sort((a, b) => a.dept.localeCompare(b.dept)),
    templates: [...byTemplate.values()].sort((a, b) => a.templateId.localeCompare(b.templateId)),
  };
}

function emptyDepartment(dept: string): DepartmentFigures {
  return {
    dept,
    decided: 0,
    approved: 0,
    rejected: 0,
    deemedApproved: 0,
    onTime: 0,
    onTimeRate: null,
    decisionNetMs: { p50: null, p90: null },
    escalations: { total: 0, byLevel: [] },
    breaches: { total: 0, decidedLate: 0, deemedApproved: 0, pastDueUndecided: 0 },
  };
}

function emptyTemplate(templateId: string): TemplateFigures {
  const byStatus = Object.fromEntries(CLOSED_STATUSES.map((s) => [s, 0])) as Record<ClosedStatus, number>;
  return { templateId, opened: 0, open: 0, closed: { total: 0, ...byStatus }, medianDurationMs: null, stoppedClockMs: 0 };
}
