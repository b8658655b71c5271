/** Case routes: open, list, read, decide, supplement, withdraw, and the auditor's timeline. */
import { z } from 'zod';
import { listCases, type CaseCursor } from '../../db/cases.js';
import type { Pool } from '../../db/pool.js';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { temporal } from '@temporalio/proto';
import { archivedHistory, verifyArchive } from '../../audit/archive.js';
import { timelineFromHistory } from '../../audit/timeline.js';
import type { Request } from 'express';
import type { CaseService, Idempotency } from '../case-service.js';
import { badRequest, conflict } from '../problem.js';
import type { Routes } from '../route.js';
import {
  CaseIdParam,
  CaseListSchema,
  CaseSchema,
  CertificateBody,
  DecisionBody,
  ListCasesQuery,
  OpenCaseBody,
  SupplementBody,
  TaskParam,
  TimelineEntrySchema,
  WithdrawBody,
} from '../schemas.js';
import type { Client } from '@temporalio/client';

/** An Idempotency-Key: opaque, printable, bounded. */
const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'printable ASCII, at most 200 characters');
const IdempotencyHeader = z.object({ 'idempotency-key': IdempotencyKey.optional() });

function idempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const r = IdempotencyKey.safeParse(raw);
  if (!r.success) throw badRequest('the Idempotency-Key header must be printable ASCII, at most 200 characters', [{ path: 'header.Idempotency-Key', message: r.error.issues[0]?.message ?? 'invalid' }]);
  return r.data;
}

/** An update route's Idempotency-Key, scoped to the route it was sent to, with what was asked. */
function idempotencyOf(req: Request, request: unknown): Idempotency | undefined {
  const key = idempotencyKey(req.headers['idempotency-key']);
  return key === undefined ? undefined : { key, route: `${req.method} ${(req.route as { path: string }).path}`, request };
}

const encodeCursor = (c: CaseCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
const CursorSchema = z.object({ priority: z.boolean(), deadlineAt: z.iso.datetime(), caseId: z.string().max(100) });
function decodeCursor(text: string): CaseCursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('the cursor is not one this API returned', [{ path: 'query.cursor', message: 'invalid cursor' }]);
  }
}

/** Waits for `p` at most `ms` (its outcome, success or failure, is not needed). */
async function within(ms: number, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

type IHistory = temporal.api.history.v1.IHistory;

const CaseResponse = { description: 'The case', schema: CaseSchema };

export function caseRoutes(routes: Routes, cases: CaseService, pool: Pool, client: Client): void {
  routes.add({
    method: 'post',
    path: '/v1/cases',
    summary: 'Open a case (honours Idempotency-Key)',
    tag: 'cases',
    roles: ['caseworker', 'applicant'],
    limit: 'open',
    body: OpenCaseBody,
    headers: IdempotencyHeader,
    responses: { 201: CaseResponse, 404: { description: 'Unknown template' }, 409: { description: 'Idempotency-Key reused for another request' } },
    handler: async ({ actor, body, req }) => {
      const { view, replayed } = await cases.open(actor, body, idempotencyKey(req.headers['idempotency-key']));
      return { status: 201, body: view, headers: { Location: `/v1/cases/${view.caseId}`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/cases',
    summary: 'List cases: priority first, then the soonest due',
    tag: 'cases',
    roles: ['caseworker', 'supervisor', 'auditor', 'admin'],
    query: ListCasesQuery,
    responses: { 200: { description: 'A page of cases', schema: CaseListSchema } },
    handler: async ({ query }) => {
      const { cursor, ...filter } = query;
      const page = await listCases(pool, { ...filter, cursor: cursor ? decodeCursor(cursor) : undefined });
      return { body: { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId',
    summary: 'Read a case',
    tag: 'cases',
    roles: ['applicant', 'caseworker', 'supervisor', 'auditor', 'admin'],
    params: CaseIdParam,
    responses: { 200: CaseResponse, 404: { description: 'Unknown case' } },
    handler: async ({ actor, params }) => ({ body: await cases.get(actor, params.caseId) }),
  });

  routes.add({
    method: 'post',
    path: '/v1/cases/:caseId/tasks/:taskId/decision',
    summary: "Decide a task (its department's caseworker or supervisor; not the case's opener)",
    tag: 'cases',
    roles: ['caseworker', 'supervisor'],
    params: TaskParam,
    body: DecisionBody,
    headers: IdempotencyHeader,
    responses: { 200: CaseResponse, 404: { description: 'Unknown case or task' }, 409: { description: 'Task already decided or case closed' } },
    handler: async ({ actor, params, body, req }) => ({
      body: await cases.decide(params.caseId, { ...body, taskId: params.taskId, actor }, idempotencyOf(req, { params, body })),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/cases/:caseId/supplements',
    summary: 'File the documents asked for; resumes the clocks',
    tag: 'cases',
    roles: ['applicant', 'caseworker'],
    params: CaseIdParam,
    body: SupplementBody,
    headers: IdempotencyHeader,
    responses: { 200: CaseResponse, 404: { description: 'Unknown case' }, 409: { description: 'Not waiting for a supplement, or closed' } },
    handler: async ({ actor, params, body, req }) => ({
      body: await cases.supplement(params.caseId, { ...body, actor }, idempotencyOf(req, { params, body })),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/cases/:caseId/certificates',
    summary: 'Produce first: file a certificate for an obligation; opens its verification task',
    tag: 'cases',
    roles: ['applicant', 'caseworker'],
    params: CaseIdParam,
    body: CertificateBody,
    headers: IdempotencyHeader,
    responses: {
      200: CaseResponse,
      404: { description: 'Unknown case' },
      409: { description: 'Already verified or awaiting verification, no provisional permit, or closed' },
    },
    handler: async ({ actor, params, body, req }) => ({
      body: await cases.fileCertificate(params.caseId, { ...body, actor }, idempotencyOf(req, { params, body })),
    }),
  });

  routes.add({
    method: 'post',
    path: '/v1/cases/:caseId/withdraw',
    summary: 'Withdraw an open case',
    tag: 'cases',
    roles: ['applicant', 'caseworker'],
    params: CaseIdParam,
    body: WithdrawBody,
    headers: IdempotencyHeader,
    responses: { 200: CaseResponse, 404: { description: 'Unknown case' }, 409: { description: 'Case closed' } },
    handler: async ({ actor, params, body, req }) => ({
      body: await cases.withdraw(params.caseId, { ...body, actor }, idempotencyOf(req, { params, body })),
    }),
  });

  /** The history Temporal holds; a case that has just closed is given a moment to finish first. */
  async function temporalHistory(caseId: string, closed: boolean): Promise<IHistory> {
    const handle = client.workflow.getHandle(caseId);
    // A case that has just closed finishes its workflow a moment after the closing decision
    // answered; wait for that (briefly) so the history a reader gets ends with the outcome.
    if (closed) await within(5000, handle.result());
    return handle.fetchHistory();
  }

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/history',
    summary: "The auditor's timeline, derived from the recorded workflow history",
    tag: 'audit',
    roles: ['auditor', 'supervisor'],
    params: CaseIdParam,
    responses: { 200: { description: 'Timeline', schema: z.array(TimelineEntrySchema) }, 404: { description: 'Unknown case' } },
    handler: async ({ actor, params }) => {
      const view = await cases.get(actor, params.caseId); // 404 for an unknown case
      // Once archived, the archive is the record (Temporal may have dropped it after retention).
      const kept = await archivedHistory(pool, params.caseId);
      const history = kept ? historyFromJSON(kept) : await temporalHistory(params.caseId, view.closedAt !== null);
      return { body: timelineFromHistory(history), headers: { 'X-History-Source': kept ? 'archive' : 'temporal' } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/history/raw',
    summary: 'The recorded Temporal history as JSON (from the archive once the case is archived)',
    tag: 'audit',
    roles: ['auditor'],
    limit: 'raw-history',
    params: CaseIdParam,
    responses: { 200: { description: "Temporal's JSON history: { events: [...] }", schema: z.object({ events: z.array(z.record(z.string(), z.unknown())) }) }, 404: { description: 'Unknown case' } },
    handler: async ({ actor, params }) => {
      const view = await cases.get(actor, params.caseId);
      const kept = await archivedHistory(pool, params.caseId);
      if (kept) return { body: kept, headers: { 'X-History-Source': 'archive' } };
      const history = await temporalHistory(params.caseId, view.closedAt !== null);
      return { body: JSON.parse(historyToJSON(history)), headers: { 'X-History-Source': 'temporal' } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/audit/verify',
    summary: 'Check that the archived history of a closed case is unaltered (hash chain)',
    tag: 'audit',
    roles: ['auditor'],
    params: CaseIdParam,
    responses: {
      200: {
        description: 'The verification',
        schema: z.object({ valid: z.boolean(), entries: z.number().int(), headHash: z.string(), brokenAt: z.number().int().nullable() }),
      },
      404: { description: 'Unknown case' },
      409: { description: 'The case is not archived yet (it is archived shortly after it closes)' },
    },
    handler: async ({ actor, params }) => {
      await cases.get(actor, params.caseId);
      const v = await verifyArchive(pool, params.caseId);
      if (!v.archived) throw conflict(`case ${params.caseId} is not archived yet; closed cases are archived shortly after they close`);
      return { body: { valid: v.valid, entries: v.entries, headHash: v.headHash, brokenAt: v.brokenAt } };
    },
  });
}
