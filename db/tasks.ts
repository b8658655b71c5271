/** The inbox: open tasks from the case_tasks projection (written with each case's view). */
import type { EscalationAction, InboxTask } from '../common/types.js';
import type { Pool } from './pool.js';

export interface TaskFilter {
  dept: string;
  /** `none`: nobody holds it; otherwise the subject who holds it. */
  assignee?: { none: true } | { sub: string };
  templateId?: string;
  priority?: boolean;
  breached?: boolean;
  paused?: boolean;
  /** Tasks whose ladder has reached one of these actions since the task (last) opened. */
  escalatedTo?: readonly EscalationAction[];
  /** Due (by the queue's reckoning: a stopped task by its remaining time from now) before this. */
  dueBefore?: Date;
  limit: number;
  cursor?: TaskCursor;
}

/**
 * Position after the last task of a page, in queue order, with the moment the first page was
 * read: a stopped task sorts at `asOf + remaining`, so every page must use the same `asOf`.
 */
export interface TaskCursor {
  asOf: string;
  priority: boolean;
  sortAt: string;
  caseId: string;
  taskId: string;
}

interface Row {
  case_id: string;
  case_number: string;
  task_id: string;
  title: string;
  dept: string;
  due_at: Date;
  sort_at: Date;
  remaining_ms: string;
  paused: boolean;
  escalation_level: number;
  assignee: string | null;
  assignee_name: string | null;
  case_title: string;
  applicant_name: string;
  priority: boolean;
  breached: boolean;
  template_id: string;
  opened_at: Date;
  sla_ms: string;
  escalated_level: number | null;
  escalation_action: EscalationAction | null;
  escalated_at: Date | null;
}

/**
 * The steps of a task's ladder that have fired, from its case's view (`escalations`, stored with
 * the same publication as the task's row). A reopened task starts a new ladder at level 0, so only
 * the steps since the task's own opening count.
 */
const ladderSteps = (task: string) => `
  FROM cases c CROSS JOIN LATERAL jsonb_to_recordset(coalesce(c.view->'escalations', '[]'::jsonb)) AS e(at timestamptz, "taskId" text, action text, level int)
  WHERE c.case_id = ${task}.case_id AND e."taskId" = ${task}.task_id AND e.at >= ${task}.opened_at`;

export async function listOpenTasks(pool: Pool, f: TaskFilter, now = new Date()): Promise<{ items: InboxTask[]; next: TaskCursor | null }> {
  const asOf = f.cursor ? new Date(f.cursor.asOf) : now;
  const args: unknown[] = [];
  const arg = (v: unknown) => `$${args.push(v)}`;
  const at = arg(asOf);
  // While the clock is stopped a task's due date keeps moving; its place in the queue is "now plus
  // what is left". A stopped task projected before remaining_ms existed falls back to its due date.
  const sortAt = `(CASE WHEN paused AND remaining_ms IS NOT NULL THEN ${at}::timestamptz + remaining_ms * interval '1 millisecond' ELSE due_at END)`;
  const where = [`status = 'open'`, `dept = ${arg(f.dept)}`];
  if (f.assignee && 'none' in f.assignee) where.push('assignee IS NULL');
  else if (f.assignee) where.push(`assignee = ${arg(f.assignee.sub)}`);
  if (f.templateId) where.push(`template_id = ${arg(f.templateId)}`);
  if (f.priority !== undefined) where.push(`priority = ${arg(f.priority)}`);
  if (f.breached !== undefined) where.push(`breached = ${arg(f.breached)}`);
  if (f.paused !== undefined) where.push(`paused = ${arg(f.paused)}`);
  if (f.escalatedTo) where.push(`escalation_level > 0 AND EXISTS (SELECT 1 ${ladderSteps('case_tasks')} AND e.action = ANY(${arg(f.escalatedTo)}::text[]))`);
  if (f.dueBefore) where.push(`${sortAt} < ${arg(f.dueBefore)}`);
  if (f.cursor) {
    // Keyset pagination over (priority DESC, sort_at ASC, case_id ASC, task_id ASC).
    const p = arg(f.cursor.priority);
    const s = arg(f.cursor.sortAt);
    const c = arg(f.cursor.caseId);
    const t = arg(f.cursor.taskId);
    where.push(`(priority < ${p} OR (priority = ${p} AND (${sortAt} > ${s} OR (${sortAt} = ${s} AND (case_id, task_id) > (${c}, ${t})))))`);
  }
  // The page is cut first and the ladder read for its escalated rows only, so the inbox's index
  // still serves the order and limit.
  const { rows } = await pool.query<Row>(
    `SELECT p.*, COALESCE((SELECT number FROM cases WHERE cases.case_id = p.case_id), p.case_id) AS case_number,
            esc.level AS escalated_level, esc.action AS escalation_action, esc.at AS escalated_at FROM (
       SELECT case_id, task_id, title, dept, due_at, ${sortAt} AS sort_at, remaining_ms, paused, escalation_level, assignee,
              assignee_name, case_title, applicant_name, priority, breached, template_id, opened_at, sla_ms
       FROM case_tasks WHERE ${where.join(' AND ')}
       ORDER BY priority DESC, sort_at ASC, case_id ASC, task_id ASC LIMIT ${arg(f.limit + 1)}
     ) p
     LEFT JOIN LATERAL (SELECT e.level, e.action, e.at ${ladderSteps('p')} ORDER BY e.level DESC, e.at DESC LIMIT 1) esc ON p.escalation_level > 0
     ORDER BY p.priority DESC, p.sort_at ASC, p.case_id ASC, p.task_id ASC`,
    args,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      caseId: r.case_id,
      caseNumber: r.case_number,
      taskId: r.task_id,
      title: r.title,
      dept: r.dept,
      dueAt: (r.paused ? r.sort_at : r.due_at).toISOString(),
      remainingMs: r.paused && r.remaining_ms !== null ? Number(r.remaining_ms) : r.due_at.getTime() - now.getTime(),
      paused: r.paused,
      escalationLevel: r.escalation_level,
      escalation:
        r.escalated_level !== null && r.escalation_action && r.escalated_at
          ? { level: r.escalated_level, action: r.escalation_action, at: r.escalated_at.toISOString() }
          : null,
      assignee: r.assignee,
      assigneeName: r.assignee_name,
      caseTitle: r.case_title,
      applicantName: r.applicant_name,
      priority: r.priority,
      breached: r.breached,
      templateId: r.template_id,
      openedAt: r.opened_at.toISOString(),
      slaMs: Number(r.sla_ms),
    })),
    next:
      rows.length > f.limit && last
        ? { asOf: asOf.toISOString(), priority: last.priority, sortAt: last.sort_at.toISOString(), caseId: last.case_id, taskId: last.task_id }
        : null,
  };
}
