/**
 * Task work: the department's inbox (from the PostgreSQL projection, never by querying workflows),
 * claiming, releasing and assigning a task, and internal comments on a case. Every change is a
 * workflow update carrying the authenticated actor, so the case's history records who did it.
 */
import { ESCALATION_ACTIONS } from '../../common/types.js';
import type { Pool } from '../../db/pool.js';
import { listOpenTasks, type TaskCursor } from '../../db/tasks.js';
import type { CaseService } from '../case-service.js';
import { badRequest, forbidden } from '../problem.js';
import type { Routes } from '../route.js';
import { caseChange } from './case-change.js';
import { AssignBody, CaseIdParam, CommentBody, TaskListSchema, TaskParam } from '../schemas.js';
import { ListTasksQuery } from '../list-queries.js';

/** `<asOf>.<priority>.<sortAt>.<caseId>.<taskId>` (InboxCursorParam): every such text is a valid cursor. */
const encodeCursor = (c: TaskCursor) => [Date.parse(c.asOf), c.priority ? 1 : 0, Date.parse(c.sortAt), c.caseId, c.taskId].join('.');
function decodeCursor(text: string): TaskCursor {
  const [asOf, priority, sortAt, caseId, taskId] = text.split('.') as [string, string, string, string, string];
  return { asOf: new Date(Number(asOf)).toISOString(), priority: priority === '1', sortAt: new Date(Number(sortAt)).toISOString(), caseId, taskId };
}

export function taskRoutes(routes: Routes, cases: CaseService, pool: Pool): void {
  routes.add({
    method: 'get',
    path: '/v1/tasks',
    summary: "A department's open tasks: priority first, then the soonest due (a stopped task by its remaining time)",
    tag: 'tasks',
    query: ListTasksQuery,
    responses: { 200: { description: 'A page of open tasks', schema: TaskListSchema } },
    handler: async ({ actor, query }) => {
      const { cursor, dept = actor.dept, assignee, dueBefore, escalatedTo, ...filter } = query;
      if (!dept) throw badRequest('name a department: your token carries none', [{ path: 'query.dept', message: 'required without a dept claim' }]);
      // A department's queue is its own business: officers see their own department's tasks.
      if (dept !== actor.dept) throw forbidden(`you work for ${actor.dept ?? 'no department'}; the tasks of ${dept} are not yours to list`);
      const page = await listOpenTasks(pool, {
        ...filter,
        dept,
        assignee: assignee === undefined ? undefined : assignee === 'none' ? { none: true } : { sub: assignee === 'me' ? actor.sub : assignee },
        dueBefore: dueBefore ? new Date(dueBefore) : undefined,
        // The ladder's actions rank in this order, so "escalated to the supervisor" takes in the command
        // centre beyond it, whatever level numbers a template's ladder gives the steps.
        escalatedTo: escalatedTo ? ESCALATION_ACTIONS.slice(ESCALATION_ACTIONS.indexOf(escalatedTo)) : undefined,
        cursor: cursor ? decodeCursor(cursor) : undefined,
      });
      return { body: { items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null } };
    },
  });

  const NOT_FOUND = 'Unknown case or task, or a case the caller may not see';
  const TASK_CONFLICT = 'The task is not open, is held by another officer, or the case is closed';
  const holding = [
    { act: 'claim', summary: 'Take a task (a caseworker of its department), so that no other officer works on it', run: cases.claimTask.bind(cases) },
    { act: 'release', summary: 'Give a task back (the officer who holds it, or a supervisor of its department)', run: cases.releaseTask.bind(cases) },
  ] as const;
  for (const { act, summary, run } of holding) {
    caseChange(routes, {
      path: `/v1/cases/:caseId/tasks/:taskId/${act}`,
      summary,
      tag: 'tasks',
      params: TaskParam,
      notFound: NOT_FOUND,
      conflict: TASK_CONFLICT,
      apply: (actor, params, _body, key) => run(actor, params.caseId, params.taskId, key),
    });
  }

  caseChange(routes, {
    path: '/v1/cases/:caseId/tasks/:taskId/assign',
    summary: 'Hand a task to an officer (a supervisor of its department)',
    tag: 'tasks',
    params: TaskParam,
    body: AssignBody,
    notFound: NOT_FOUND,
    conflict: TASK_CONFLICT,
    apply: (actor, params, body, key) =>
      cases.assignTask(actor, params.caseId, params.taskId, { sub: body.assignee, name: body.assigneeName ?? body.assignee }, key),
  });

  caseChange(routes, {
    path: '/v1/cases/:caseId/comments',
    summary: 'An internal note on the case, optionally about one task (the departments on the case and auditors)',
    tag: 'cases',
    params: CaseIdParam,
    body: CommentBody,
    status: 201,
    notFound: NOT_FOUND,
    conflict: 'The case is closed',
    apply: (actor, params, body, key) => cases.comment(actor, params.caseId, body, key),
  });
}
