/**
 * The case access log (case_access_log, append-only in the database): who read a case's timeline,
 * raw history or verification, and what they were answered.
 */
import type { Actor } from '../common/types.js';
import type { Pool } from './pool.js';

export type AccessAction = 'timeline' | 'raw-history' | 'verify';

export interface AccessEntry {
  id: number;
  at: string;
  caseId: string;
  action: AccessAction;
  actor: { sub: string; name: string; roles: string[]; dept?: string };
  status: number;
  requestId: string | null;
}

export async function recordAccess(pool: Pool, e: { caseId: string; action: AccessAction; actor: Actor; status: number; requestId?: string }): Promise<void> {
  await pool.query(
    'INSERT INTO case_access_log (case_id, action, actor_sub, actor_name, actor_roles, actor_dept, status, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [e.caseId, e.action, e.actor.sub, e.actor.name, [...e.actor.roles], e.actor.dept ?? null, e.status, e.requestId ?? null],
  );
}

export interface AccessFilter {
  caseId?: string;
  sub?: string;
  action?: AccessAction;
  from?: Date;
  to?: Date;
  /** Entries older than this id (the previous page's last). */
  before?: number;
  limit: number;
}

interface Row {
  id: string;
  accessed_at: Date;
  case_id: string;
  action: AccessAction;
  actor_sub: string;
  actor_name: string;
  actor_roles: string[];
  actor_dept: string | null;
  status: number;
  request_id: string | null;
}

/** Newest first (by id, which follows insertion order); `from` inclusive, `to` exclusive. */
export async function listAccess(pool: Pool, f: AccessFilter): Promise<AccessEntry[]> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    where.push(sql.replace('?', `$${args.length}`));
  };
  if (f.caseId) add('case_id = ?', f.caseId);
  if (f.sub) add('actor_sub = ?', f.sub);
  if (f.action) add('action = ?', f.action);
  if (f.from) add('accessed_at >= ?', f.from);
  if (f.to) add('accessed_at < ?', f.to);
  if (f.before !== undefined) add('id < ?', f.before);
  args.push(f.limit);
  const { rows } = await pool.query<Row>(
    `SELECT * FROM case_access_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.length}`,
    args,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.accessed_at.toISOString(),
    caseId: r.case_id,
    action: r.action,
    actor: { sub: r.actor_sub, name: r.actor_name, roles: r.actor_roles, ...(r.actor_dept ? { dept: r.actor_dept } : {}) },
    status: r.status,
    requestId: r.request_id,
  }));
}
