/** The cases projection: written by the workflow's activity, read by lists and by reads of closed cases. */
import type pg from 'pg';
import type { NotificationInput } from '../common/notifications.js';
import type { AnyCaseView, CaseView } from '../common/types.js';
import { enqueueNotification } from './notifications.js';
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';

/**
 * Writes `view` (the case row and its tasks) unless a newer write (higher seq) of the same case
 * already landed; one transaction, so the inbox never sees tasks of another version of the case.
 */
export async function upsertCaseProjection(pool: Pool, view: AnyCaseView, seq: number): Promise<void> {
  await withTransaction(pool, (client) => writeProjection(client, view, seq));
}

/**
 * Publishes the case: its projection and the notifications the workflow asked for since the last
 * publication, in one transaction (the outbox is written with the state that caused it). A stale
 * view (lower `seq`, a retry overtaken by a newer write) is skipped; its notifications are still
 * written, once per key.
 */
export async function publishCase(pool: Pool, view: AnyCaseView, seq: number, notifications: NotificationInput[]): Promise<void> {
  await withTransaction(pool, async (client) => {
    await writeProjection(client, view, seq);
    for (const n of notifications) await enqueueNotification(client, n);
  });
}

/** The projection's write on a connection of the caller's transaction (publication/case-start.ts writes the first view with the start). */
export async function writeProjection(client: pg.PoolClient, view: AnyCaseView, seq: number): Promise<void> {
  const written = await client.query(
    `INSERT INTO cases (case_id, template_id, template_version, kind, status, priority, breached, deadline_at,
                        opened_at, opened_by, closed_at, applicant_code, depts, open_depts, view, seq, opened_dept, number, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18, now())
     ON CONFLICT (case_id) DO UPDATE SET
       status = EXCLUDED.status, priority = EXCLUDED.priority, breached = EXCLUDED.breached,
       deadline_at = EXCLUDED.deadline_at, closed_at = EXCLUDED.closed_at, depts = EXCLUDED.depts,
       open_depts = EXCLUDED.open_depts, view = EXCLUDED.view, seq = EXCLUDED.seq, opened_dept = EXCLUDED.opened_dept, updated_at = now()
     WHERE cases.seq < EXCLUDED.seq
     RETURNING case_id`,
    [
      view.caseId,
      view.templateId,
      view.templateVersion,
      view.kind,
      view.status,
      view.priority,
      view.sla.breached,
      view.sla.deadlineAt,
      view.openedAt,
      view.openedBy,
      view.closedAt,
      view.applicant.creditCode,
      [...new Set(view.tasks.map((t) => t.dept))],
      [...new Set(view.tasks.filter((t) => t.status === 'open').map((t) => t.dept))],
      JSON.stringify(view),
      seq,
      view.openedByDept ?? null,
      view.number,
    ],
  );
  // Tasks are only ever added to a case, never removed: an upsert per task keeps the set whole.
  if (written.rowCount)
    await client.query(UPSERT_TASKS, [
      view.caseId,
      JSON.stringify(view.tasks),
      view.templateId,
      view.title,
      view.applicant.name,
      view.priority,
      view.sla.breached,
      view.sla.paused,
      view.openedAt,
    ]);
}

/**
 * `decided_net_ms` is the view's `decidedNetMs`; a view written before tasks carried it gets it
 * rebuilt from the clock stops recorded in the same view (`task_net_ms`, db/migrations/1764370000000).
 */
const UPSERT_TASKS = `
  INSERT INTO case_tasks (case_id, task_id, dept, title, status, outcome, opened_at, due_at, decided_at, sla_ms, remaining_ms,
                          escalation_level, assignee, assignee_name, template_id, case_title, applicant_name, priority, breached,
                          paused, case_opened_at, decided_net_ms)
  SELECT $1, t."taskId", t.dept, t.title, t.status, t.outcome, t."openedAt", t."dueAt", t."decidedAt", COALESCE(t."slaMs", 0),
         t."remainingMs", t."escalationLevel", t.assignee, t."assigneeName", $3, $4, $5, $6, $7, $8, $9,
         CASE WHEN t."decidedAt" IS NOT NULL
              THEN COALESCE(t."decidedNetMs", task_net_ms((SELECT view FROM cases WHERE case_id = $1), t."openedAt", t."decidedAt")) END
  FROM jsonb_to_recordset($2::jsonb) AS t("taskId" text, dept text, title text, status text, outcome text, "openedAt" timestamptz,
       "dueAt" timestamptz, "decidedAt" timestamptz, "slaMs" bigint, "remainingMs" bigint, "escalationLevel" int, assignee text,
       "assigneeName" text, "decidedNetMs" bigint)
  ON CONFLICT (case_id, task_id) DO UPDATE SET
    dept = EXCLUDED.dept, title = EXCLUDED.title, status = EXCLUDED.status, outcome = EXCLUDED.outcome,
    opened_at = EXCLUDED.opened_at, due_at = EXCLUDED.due_at, decided_at = EXCLUDED.decided_at, sla_ms = EXCLUDED.sla_ms,
    remaining_ms = EXCLUDED.remaining_ms, escalation_level = EXCLUDED.escalation_level, assignee = EXCLUDED.assignee,
    assignee_name = EXCLUDED.assignee_name, case_title = EXCLUDED.case_title, applicant_name = EXCLUDED.applicant_name,
    priority = EXCLUDED.priority, breached = EXCLUDED.breached, paused = EXCLUDED.paused, decided_net_ms = EXCLUDED.decided_net_ms`;

export async function getCaseProjection(pool: Pool, caseId: string): Promise<CaseView | undefined> {
  return (await getPublishedCase(pool, caseId))?.view;
}

/** The case's projection with the sequence number of the publication that wrote it. */
export async function getPublishedCase(pool: Pool, caseId: string): Promise<{ view: CaseView; seq: number } | undefined> {
  const { rows } = await pool.query<{ view: CaseView; seq: string }>('SELECT view, seq FROM cases WHERE case_id = $1', [caseId]);
  const row = rows[0];
  return row && { view: row.view, seq: Number(row.seq) };
}

export interface CaseFilter {
  status?: string;
  templateId?: string;
  /** Cases with an open task of this department. */
  dept?: string;
  /** Cases in which this department has or had a task. */
  involves?: string;
  /** A credit code, or part of the applicant's name. */
  applicant?: string;
  /** The case number, exactly (SA-2026-000123). */
  number?: string;
  openedAfter?: string;
  openedBefore?: string;
  breached?: boolean;
  priority?: boolean;
  /**
   * Only the cases a caller may see (api/access-policy.ts `listScope`): those involving `dept` (it
   * has or had a task, or it opened the case) and those of the enterprise `org`; neither, none.
   */
  visibleTo?: { dept: string | null; org: string | null };
  limit: number;
  cursor?: CaseCursor;
}

/** Position after the last case of a page, in queue order (priority first, then soonest due). */
export interface CaseCursor {
  priority: boolean;
  deadlineAt: string;
  caseId: string;
}

export async function listCases(pool: Pool, f: CaseFilter): Promise<{ items: CaseView[]; next: CaseCursor | null }> {
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown) => `$${args.push(v)}`;
  if (f.status) where.push(`status = ${arg(f.status)}`);
  if (f.templateId) where.push(`template_id = ${arg(f.templateId)}`);
  if (f.number) where.push(`number = ${arg(f.number)}`);
  if (f.dept) where.push(`open_depts @> ARRAY[${arg(f.dept)}]::text[]`);
  if (f.involves) where.push(`depts @> ARRAY[${arg(f.involves)}]::text[]`);
  if (f.applicant) {
    const code = arg(f.applicant);
    const name = arg(`%${f.applicant.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(applicant_code = ${code} OR view->'applicant'->>'name' ILIKE ${name})`);
  }
  if (f.openedAfter) where.push(`opened_at >= ${arg(f.openedAfter)}`);
  if (f.openedBefore) where.push(`opened_at < ${arg(f.openedBefore)}`);
  if (f.breached !== undefined) where.push(`breached = ${arg(f.breached)}`);
  if (f.priority !== undefined) where.push(`priority = ${arg(f.priority)}`);
  if (f.visibleTo) {
    const visible: string[] = [];
    if (f.visibleTo.dept !== null) {
      const d = arg(f.visibleTo.dept);
      visible.push(`depts @> ARRAY[${d}]::text[]`, `opened_dept = ${d}`);
    }
    if (f.visibleTo.org !== null) visible.push(`applicant_code = ${arg(f.visibleTo.org)}`);
    where.push(visible.length ? `(${visible.join(' OR ')})` : 'false');
  }
  if (f.cursor) {
    // Keyset pagination over (priority DESC, deadline_at ASC, case_id ASC).
    const p = arg(f.cursor.priority);
    const d = arg(f.cursor.deadlineAt);
    const c = arg(f.cursor.caseId);
    where.push(`(priority < ${p} OR (priority = ${p} AND (deadline_at > ${d} OR (deadline_at = ${d} AND case_id > ${c}))))`);
  }
  const sql = `SELECT view, priority, deadline_at, case_id FROM cases
               ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
               ORDER BY priority DESC, deadline_at ASC, case_id ASC LIMIT ${arg(f.limit + 1)}`;
  const { rows } = await pool.query<{ view: CaseView; priority: boolean; deadline_at: Date; case_id: string }>(sql, args);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => r.view),
    next: rows.length > f.limit && last ? { priority: last.priority, deadlineAt: last.deadline_at.toISOString(), caseId: last.case_id } : null,
  };
}
