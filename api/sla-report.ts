/**
 * The SLA report's contract: its query (the window, the filters, the format), its answer (zod, so
 * the OpenAPI document describes every field), and its CSV rendering. The figures come from
 * db/sla-report.ts; docs/reports.md (*SLA report*) defines each one and says where it comes from.
 */
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { CLOSED_STATUSES, type ClosedStatus } from '../processes/registry.js';
import type { DepartmentFigures, TemplateFigures } from '../db/sla-report.js';
import { Slug } from '../templates/schema.js';
import { badRequest } from './problem.js';

const DAY_MS = 24 * 3600_000;
/** The window when the query names no `from`: the 30 days before `to`. */
export const DEFAULT_WINDOW_MS = 30 * DAY_MS;

const Bound = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .meta({ description: 'an ISO 8601 date (a UTC day) or a date-time with Z or an offset', example: '2026-11-01' });

export const SlaReportQuery = z.strictObject({
  from: Bound.optional().meta({ description: 'start of the window, inclusive (a date: its 00:00 UTC); default `to` − 30 days' }),
  to: Bound.optional().meta({ description: 'end of the window, exclusive (a date: the whole day is in, up to the next 00:00 UTC); default now' }),
  templateId: Slug.optional().meta({ description: "only this template's cases and their tasks" }),
  dept: Slug.optional().meta({
    description: "only this department's tasks, and only the cases involving it; a supervisor's own department by default, and no other (403)",
  }),
  format: z.enum(['json', 'csv']).default('json').meta({ description: '`csv`: the same figures as `text/csv`, one row per department and per template' }),
});
export type SlaReportQuery = z.infer<typeof SlaReportQuery>;

/**
 * Bounds are kept within the years 0000–9999, which RFC 3339 can write (`9999-12-31` as `to`, or an
 * offset, would otherwise reach into the year 10000).
 */
const EARLIEST = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const clamp = (ms: number) => new Date(Math.min(LATEST, Math.max(EARLIEST, ms)));

/** The window a query names: [from, to), not empty (400 otherwise). */
export function reportWindow(q: Pick<SlaReportQuery, 'from' | 'to'>, now: Date): { from: Date; to: Date } {
  const start = (v: string) => Date.parse(v.includes('T') ? v : `${v}T00:00:00Z`);
  const to = clamp(q.to === undefined ? now.getTime() : q.to.includes('T') ? start(q.to) : start(q.to) + DAY_MS);
  const from = clamp(q.from === undefined ? to.getTime() - DEFAULT_WINDOW_MS : start(q.from));
  if (from >= to) throw badRequest('`from` must be before `to` (now, when not given)', [{ path: 'query.from', message: 'not before `to`' }]);
  return { from, to };
}

const Iso = z.string().meta({ format: 'date-time' });
const Count = z.number().int().min(0);
const Ms = z.number().int();

const DepartmentSla = z
  .object({
    dept: z.string(),
    decided: Count.meta({ description: 'tasks whose final decision (approve or reject) by the department falls in the window' }),
    approved: Count,
    rejected: Count,
    deemedApproved: Count.meta({ description: 'tasks deemed approved by the engine at the case deadline in the window (not in `decided`)' }),
    onTime: Count.meta({ description: 'decided tasks decided at or before their due date as it stood at the decision (clock stops included)' }),
    onTimeRate: z.number().min(0).max(1).nullable().meta({ description: '`onTime` / `decided`; null when nothing was decided' }),
    decisionNetMs: z
      .object({ p50: Ms.nullable(), p90: Ms.nullable() })
      .meta({ description: "percentiles (linear interpolation) of the decided tasks' time from opening to decision net of clock stops; null when none" }),
    escalations: z.object({
      total: Count,
      byLevel: z.array(z.object({ level: z.number().int(), action: z.string(), count: Count })).meta({
        description: "ladder steps reached in the window by the department's tasks, per step (its 1-based level and action); steps with none left out",
      }),
    }),
    breaches: z
      .object({
        total: Count,
        decidedLate: Count.meta({ description: 'decided after the due date' }),
        deemedApproved: Count.meta({ description: 'never decided by the department: deemed approved at the case deadline' }),
        pastDueUndecided: Count.meta({ description: 'past the due date without a decision: open, waiting for a supplement, or cancelled at closing' }),
      })
      .meta({ description: 'tasks whose due date (as it stood when passed) falls in the window and before now, and that were not decided by it' }),
  })
  .meta({ id: 'SlaReportDepartment' });

const TemplateSla = z
  .object({
    templateId: z.string(),
    opened: Count.meta({ description: 'cases of the template opened in the window' }),
    open: Count.meta({ description: 'of those, still open' }),
    closed: z
      .object({ total: Count, ...(Object.fromEntries(CLOSED_STATUSES.map((s) => [s, Count])) as Record<ClosedStatus, typeof Count>) })
      .meta({ description: 'of those, closed (now), in all and by final status' }),
    medianDurationMs: Ms.nullable().meta({
      description: 'median time from opening to closing of the closed ones (clock stops included); null when none closed',
    }),
    stoppedClockMs: Ms.meta({ description: 'total time the clocks of those cases were stopped (waiting for supplements), a stop under way counted up to now' }),
  })
  .meta({ id: 'SlaReportTemplate' });

export const SlaReportSchema = z
  .object({
    generatedAt: Iso,
    window: z
      .object({ from: Iso, to: Iso })
      .meta({ description: '[from, to): tasks by decision (breaches by due date), escalations by time, cases by opening' }),
    scope: z
      .object({ dept: z.string().nullable(), templateId: z.string().nullable() })
      .meta({ description: 'the filters the figures are limited to; null for all' }),
    departments: z.array(DepartmentSla),
    templates: z.array(TemplateSla),
  })
  .meta({ id: 'SlaReport' });
export type SlaReport = z.infer<typeof SlaReportSchema>;

// Compile-time: the answer's rows are the figures the SQL returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const FIGURES_MATCH_CONTRACT: {
  departments: Same<DepartmentFigures, z.infer<typeof DepartmentSla>>;
  templates: Same<TemplateFigures, z.infer<typeof TemplateSla>>;
} = { departments: true, templates: true };

/**
 * The report as one CSV table a spreadsheet opens: a header line, then one row per department
 * (`section` = `department`) and one per template (`section` = `template`). Column names are the
 * JSON paths of the figures (`decisionNetMs.p50`, `closed.approved`, `escalations.<level>.<action>`);
 * a row leaves the other section's columns empty, and a null figure is an empty cell. `from`, `to`,
 * `dept` and `templateId` are on every row: a row's own key, and the filters its figures are
 * limited to (empty for all), so each row says what it counts.
 */
export function slaReportCsv(r: SlaReport): string {
  const steps = [...new Map(r.departments.flatMap((d) => d.escalations.byLevel).map((e) => [`${e.level}.${e.action}`, e])).values()]
    .sort((a, b) => a.level - b.level || a.action.localeCompare(b.action))
    .map((e) => `${e.level}.${e.action}`);
  const deptColumns = [
    'decided',
    'approved',
    'rejected',
    'deemedApproved',
    'onTime',
    'onTimeRate',
    'decisionNetMs.p50',
    'decisionNetMs.p90',
    'escalations.total',
    ...steps.map((s) => `escalations.${s}`),
    'breaches.total',
    'breaches.decidedLate',
    'breaches.deemedApproved',
    'breaches.pastDueUndecided',
  ];
  const templateColumns = ['opened', 'open', 'closed.total', ...CLOSED_STATUSES.map((s) => `closed.${s}`), 'medianDurationMs', 'stoppedClockMs'];
  const columns = ['section', 'from', 'to', 'dept', 'templateId', ...deptColumns, ...templateColumns];
  const common = { from: r.window.from, to: r.window.to };
  const rows: Record<string, unknown>[] = [
    ...r.departments.map((d) => ({
      section: 'department',
      ...common,
      dept: d.dept,
      templateId: r.scope.templateId,
      decided: d.decided,
      approved: d.approved,
      rejected: d.rejected,
      deemedApproved: d.deemedApproved,
      onTime: d.onTime,
      onTimeRate: d.onTimeRate,
      'decisionNetMs.p50': d.decisionNetMs.p50,
      'decisionNetMs.p90': d.decisionNetMs.p90,
      'escalations.total': d.escalations.total,
      ...Object.fromEntries(steps.map((s) => [`escalations.${s}`, d.escalations.byLevel.find((e) => `${e.level}.${e.action}` === s)?.count ?? 0])),
      ...Object.fromEntries(Object.entries(d.breaches).map(([k, v]) => [`breaches.${k}`, v])),
    })),
    ...r.templates.map((t) => ({
      section: 'template',
      ...common,
      dept: r.scope.dept,
      templateId: t.templateId,
      opened: t.opened,
      open: t.open,
      ...Object.fromEntries(Object.entries(t.closed).map(([k, v]) => [`closed.${k}`, v])),
      medianDurationMs: t.medianDurationMs,
      stoppedClockMs: t.stoppedClockMs,
    })),
  ];
  // csv-stringify writes null and undefined as empty cells and quotes what needs it (RFC 4180, CRLF).
  return stringify(rows, { header: true, columns, record_delimiter: 'windows' });
}

/** `sla-report_20261101T000000Z_20261201T000000Z.csv`: the window, in a name every file system takes. */
export function csvFileName(r: SlaReport): string {
  const compact = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `sla-report_${compact(r.window.from)}_${compact(r.window.to)}.csv`;
}
