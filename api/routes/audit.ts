/**
 * The auditor's reads of a case's record — timeline, raw history, verification — and the log of
 * those reads. Histories are kept encoded (in Temporal and in the archive, whose hash chain covers
 * what Temporal recorded); they are decoded here, for the reader, with the client's payload codec.
 *
 * Every read that is answered (the caller passed the role check and may see the case) is written
 * to the access log before the answer leaves, with the status answered; refused reads (401, 403,
 * 404) are not logged: they disclose nothing of the case.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import type { Request } from 'express';
import { z } from 'zod';
import { verifyArchive } from '../../audit/archive.js';
import { timelineDelivery, timelineFromHistory } from '../../audit/timeline.js';
import { ACCESS_ACTIONS, listAccess, recordAccess, type CaseReadAction } from '../../db/access-log.js';
import { notificationsOfCase } from '../../db/notifications.js';
import type { Pool } from '../../db/pool.js';
import type { Actor } from '../../common/types.js';
import type { CaseService } from '../case-service.js';
import type { HistoryService } from '../history-service.js';
import { badRequest, conflict } from '../problem.js';
import type { RouteLimit } from '../rate-limit.js';
import type { Routes } from '../route.js';
import { CaseIdParam, TimelineEntrySchema } from '../schemas.js';

// `codec-decode`: payloads decoded through POST /codec/decode (api/routes/codec.ts), which names no case.
const ACTIONS = ACCESS_ACTIONS;

const AccessQuery = z.strictObject({
  caseId: CaseIdParam.shape.caseId.optional(),
  sub: z.string().min(1).max(200).optional(),
  action: z.enum(ACTIONS).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, "a cursor: the previous page's nextCursor")
    .optional()
    .meta({ description: "the previous page's `nextCursor` (the id of its last entry; older entries follow)", example: '42' }),
});

const AccessEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string().meta({ format: 'date-time' }),
    caseId: z.string().nullable().meta({ description: 'the case read; null for a `codec-decode` or a `document-download`, whose requests name none' }),
    action: z.enum(ACTIONS),
    actor: z.object({ sub: z.string(), name: z.string(), roles: z.array(z.string()), dept: z.string().optional() }),
    status: z.number().int(),
    requestId: z.string().nullable(),
    codec: z
      .object({ namespace: z.string(), payloads: z.number().int(), origin: z.string().optional() })
      .optional()
      .meta({ description: 'a `codec-decode` only: the namespace, how many payloads were decoded, the Origin the request came from' }),
    document: z.object({ digest: z.string() }).optional().meta({ description: 'a `document-download` only: the document downloaded' }),
  })
  .meta({ id: 'AccessEntry' });

export function auditRoutes(routes: Routes, cases: CaseService, histories: HistoryService, pool: Pool): void {
  const logRead = (req: Request, actor: Actor, caseId: string, action: CaseReadAction, status = 200) =>
    recordAccess(pool, { caseId, action, actor, status, requestId: req.id === undefined ? undefined : String(req.id) });
  /** A read of the case's recorded history, decoded, for a reader who may see the case; logged, and saying where it came from. */
  const historyRoute = (
    route: { path: string; summary: string; limit?: RouteLimit; action: CaseReadAction; answer: { description: string; schema: z.ZodType } },
    body: (json: { events: unknown[] }, caseId: string) => unknown,
  ) =>
    routes.add({
      method: 'get',
      path: route.path,
      ...(route.limit ? { limit: route.limit } : {}),
      summary: route.summary,
      tag: 'audit',
      params: CaseIdParam,
      responses: { 200: route.answer, 404: { description: 'Unknown case' } },
      handler: async ({ actor, params, req }) => {
        const view = await cases.get(actor, params.caseId); // 404 for an unknown case
        const { json, source } = await histories.readable(params.caseId, view.closedAt !== null);
        const answer = await body(json, params.caseId);
        await logRead(req, actor, params.caseId, route.action);
        return { body: answer, headers: { 'X-History-Source': source } };
      },
    });

  historyRoute(
    {
      path: '/v1/cases/:caseId/history',
      summary: "The auditor's timeline, derived from the recorded workflow history",
      action: 'timeline',
      answer: { description: 'Timeline', schema: z.array(TimelineEntrySchema) },
    },
    async (json, caseId) => {
      // Each notification's delivery, as the outbox has it now, beside the event that sent it.
      const outbox = new Map((await notificationsOfCase(pool, caseId)).map((n) => [n.key, timelineDelivery(n)]));
      return timelineFromHistory(historyFromJSON(json), (key) => outbox.get(key));
    },
  );

  historyRoute(
    {
      path: '/v1/cases/:caseId/history/raw',
      limit: 'raw-history',
      summary: 'The recorded Temporal history as JSON, payloads decoded (from the archive once the case is archived)',
      action: 'raw-history',
      answer: { description: "Temporal's JSON history: { events: [...] }", schema: z.object({ events: z.array(z.record(z.string(), z.unknown())) }) },
    },
    (json) => json,
  );

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId/audit/verify',
    summary: 'Check that the archived history of a closed case is unaltered (hash chain)',
    tag: 'audit',
    params: CaseIdParam,
    responses: {
      200: {
        description: 'The verification',
        schema: z.object({ valid: z.boolean(), entries: z.number().int(), headHash: z.string(), brokenAt: z.number().int().nullable() }),
      },
      404: { description: 'Unknown case' },
      409: { description: 'The case is not archived yet (it is archived shortly after it closes)' },
    },
    handler: async ({ actor, params, req }) => {
      await cases.get(actor, params.caseId);
      // The chain is checked over the stored (encoded) events: it covers what was recorded.
      const v = await verifyArchive(pool, params.caseId);
      if (!v.archived) {
        await logRead(req, actor, params.caseId, 'verify', 409);
        throw conflict(`case ${params.caseId} is not archived yet; closed cases are archived shortly after they close`);
      }
      await logRead(req, actor, params.caseId, 'verify');
      return { body: { valid: v.valid, entries: v.entries, headHash: v.headHash, brokenAt: v.brokenAt } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/audit/access',
    summary: "Who read which case's timeline, raw history or verification, or decoded payloads through the codec endpoint (newest first)",
    tag: 'audit',
    query: AccessQuery,
    responses: {
      200: {
        description: 'A page of the access log',
        schema: z.object({ items: z.array(AccessEntrySchema), nextCursor: z.string().nullable() }).meta({ id: 'AccessLog' }),
      },
    },
    handler: async ({ query }) => {
      const from = query.from ? new Date(query.from) : undefined;
      const to = query.to ? new Date(query.to) : undefined;
      if (from && to && from > to) throw badRequest('`from` must not be after `to`', [{ path: 'query.from', message: 'after `to`' }]);
      const before = query.cursor ? Number(query.cursor) : undefined;
      const items = await listAccess(pool, { caseId: query.caseId, sub: query.sub, action: query.action, from, to, before, limit: query.limit + 1 });
      const page = items.slice(0, query.limit);
      const last = page[page.length - 1];
      return { body: { items: page, nextCursor: items.length > query.limit && last ? String(last.id) : null } };
    },
  });
}
