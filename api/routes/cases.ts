/** Case routes: open, list, read, decide, supplement, each process's own actions, withdraw (the history routes are in ./audit.ts). */
import { listCases, type CaseCursor } from '../../db/cases.js';
import type { Pool } from '../../db/pool.js';
import { listScope } from '../access-policy.js';
import { present } from '../case-presenter.js';
import type { CaseService } from '../case-service.js';
import type { Routes } from '../route.js';
import { CaseIdParam, CaseListSchema, DecisionBody, OpenCaseBody, SupplementBody, TaskParam, WithdrawBody } from '../schemas.js';
import { ListCasesQuery } from '../list-queries.js';
import { IdempotencyHeader, idempotencyKey } from '../idempotency-key.js';
import { PROCESS_ACTIONS } from '../../processes/registry.js';
import { caseChange, CaseResponse } from './case-change.js';

/** `<priority 0|1>.<deadline in epoch ms>.<case id>` (CaseCursorParam): every such text is a valid cursor. */
const encodeCursor = (c: CaseCursor) => `${c.priority ? 1 : 0}.${Date.parse(c.deadlineAt)}.${c.caseId}`;
function decodeCursor(text: string): CaseCursor {
  const [priority, ms, caseId] = text.split('.') as [string, string, string];
  return { priority: priority === '1', deadlineAt: new Date(Number(ms)).toISOString(), caseId };
}

export function caseRoutes(routes: Routes, cases: CaseService, pool: Pool): void {
  routes.add({
    method: 'post',
    path: '/v1/cases',
    summary: 'Open a case (honours Idempotency-Key)',
    tag: 'cases',
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
    summary: "List the cases the caller may see (an applicant: its own enterprise's): priority first, then the soonest due",
    tag: 'cases',
    query: ListCasesQuery,
    responses: { 200: { description: 'A page of cases', schema: CaseListSchema } },
    handler: async ({ actor, query }) => {
      const { cursor, ...filter } = query;
      const scope = listScope(actor);
      if (!('all' in scope) && scope.dept === null && scope.org === null) return { body: { items: [], nextCursor: null } };
      // The scope is one more condition of the same query, so filters and cursors never reach past it.
      const visibleTo = 'all' in scope ? undefined : scope;
      // As UTC: PostgreSQL refuses offsets past ±15:59, which RFC 3339 (and so the document) allows up to ±23:59.
      const utc = (instant?: string) => instant && new Date(instant).toISOString();
      const opened = { openedAfter: utc(filter.openedAfter), openedBefore: utc(filter.openedBefore) };
      const page = await listCases(pool, { ...filter, ...opened, visibleTo, cursor: cursor ? decodeCursor(cursor) : undefined });
      return { body: { items: page.items.map((v) => present(actor, v)), nextCursor: page.next ? encodeCursor(page.next) : null } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/cases/:caseId',
    summary: 'Read a case',
    tag: 'cases',
    params: CaseIdParam,
    responses: { 200: CaseResponse, 404: { description: 'Unknown case' } },
    handler: async ({ actor, params }) => ({ body: await cases.get(actor, params.caseId) }),
  });

  caseChange(routes, {
    path: '/v1/cases/:caseId/tasks/:taskId/decision',
    summary: "Decide a task (its department's caseworker or supervisor; not the case's opener)",
    tag: 'cases',
    params: TaskParam,
    body: DecisionBody,
    notFound: 'Unknown case or task',
    conflict: 'Task already decided or case closed',
    apply: (actor, params, body, key) => cases.decide(actor, params.caseId, { ...body, taskId: params.taskId, actor }, key),
  });

  caseChange(routes, {
    path: '/v1/cases/:caseId/supplements',
    summary: 'File the documents asked for; resumes the clocks',
    tag: 'cases',
    params: CaseIdParam,
    body: SupplementBody,
    notFound: 'Unknown case',
    conflict: 'Not waiting for a supplement, or closed',
    apply: (actor, params, body, key) => cases.supplement(actor, params.caseId, { ...body, actor }, key),
  });

  // Each process's own actions (processes/<kind>/index.ts), as the process states them.
  for (const action of PROCESS_ACTIONS) {
    caseChange(routes, {
      path: action.path,
      summary: action.summary,
      tag: 'cases',
      params: CaseIdParam,
      body: action.body,
      notFound: action.notFound,
      conflict: action.conflict,
      apply: (actor, params, body, key) => cases.processAction(action, actor, params.caseId, body, key),
    });
  }

  caseChange(routes, {
    path: '/v1/cases/:caseId/withdraw',
    summary: 'Withdraw an open case',
    tag: 'cases',
    params: CaseIdParam,
    body: WithdrawBody,
    notFound: 'Unknown case',
    conflict: 'Case closed',
    apply: (actor, params, body, key) => cases.withdraw(actor, params.caseId, { ...body, actor }, key),
  });
}
