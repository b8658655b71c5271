/**
 * The case access log (case_access_log, append-only in the database): who read a case's timeline,
 * raw history or verification, and what they were answered; and who had payloads decoded through the
 * codec endpoint (the Temporal Web UI, the CLI), how many, for which namespace.
 */
import type { Actor } from '../common/types.js';
import type { Pool } from './pool.js';

/** What was read: a case's timeline, raw history or verification, or payloads through `POST /codec/decode`. */
export const ACCESS_ACTIONS = ['timeline', 'raw-history', 'verify', 'codec-decode', 'document-download'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];
export type CaseReadAction = Exclude<AccessAction, 'codec-decode' | 'document-download'>;

/** What a decode request said of itself: the codec-server protocol names no case, only the namespace. */
export interface CodecRead {
  namespace: string;
  /** How many payloads were decoded (answered). */
  payloads: number;
  /** The `Origin` the request came from (a Web UI); none from the CLI or a script. */
  origin?: string;
}

export interface AccessEntry {
  id: number;
  at: string;
  /** The case read; null for a codec decode, whose request names none. */
  caseId: string | null;
  action: AccessAction;
  actor: { sub: string; name: string; roles: string[]; dept?: string };
  status: number;
  requestId: string | null;
  /** Only for `codec-decode`. */
  codec?: CodecRead;
  /** Only for `document-download` (db/documents.ts records it): the document's digest. */
  document?: { digest: string };
}

export async function recordAccess(pool: Pool, e: { caseId: string; action: CaseReadAction; actor: Actor; status: number; requestId?: string }): Promise<void> {
  await pool.query(
    'INSERT INTO case_access_log (case_id, action, actor_sub, actor_name, actor_roles, actor_dept, status, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [e.caseId, e.action, e.actor.sub, e.actor.name, [...e.actor.roles], e.actor.dept ?? null, e.status, e.requestId ?? null],
  );
}

/** A decode answered by the codec endpoint: decoded payloads are case contents, so it is logged like a case read. */
export async function recordCodecDecode(pool: Pool, e: CodecRead & { actor: Actor; status: number; requestId?: string }): Promise<void> {
  await pool.query(
    `INSERT INTO case_access_log (case_id, action, actor_sub, actor_name, actor_roles, actor_dept, status, request_id, namespace, payloads, client_origin)
     VALUES (NULL, 'codec-decode', $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [e.actor.sub, e.actor.name, [...e.actor.roles], e.actor.dept ?? null, e.status, e.requestId ?? null, e.namespace, e.payloads, e.origin ?? null],
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
  case_id: string | null;
  action: AccessAction;
  actor_sub: string;
  actor_name: string;
  actor_roles: string[];
  actor_dept: string | null;
  status: number;
  request_id: string | null;
  namespace: string | null;
  payloads: number | null;
  client_origin: string | null;
  document_digest: string | null;
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
    ...(r.action === 'codec-decode'
      ? { codec: { namespace: r.namespace ?? '', payloads: r.payloads ?? 0, ...(r.client_origin ? { origin: r.client_origin } : {}) } }
      : {}),
    ...(r.document_digest ? { document: { digest: r.document_digest } } : {}),
  }));
}
