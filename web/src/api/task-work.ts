/** Calls of the task-work API (inbox, claim, release, assign, comments) and the case search, typed from the contract. */
import { api, ok } from './client';
import type { paths } from './schema';
import type { CaseView, InboxItem } from './types';

type TaskQuery = NonNullable<paths['/v1/tasks']['get']['parameters']['query']>;
export type CaseQuery = NonNullable<paths['/v1/cases']['get']['parameters']['query']>;

export interface InboxQuery {
  assignee?: string;
  templateId?: string;
  priority?: boolean;
  breached?: boolean;
  paused?: boolean;
  escalatedTo?: TaskQuery['escalatedTo'];
  limit?: number;
  cursor?: string;
}

const flag = (b: boolean | undefined) => (b === undefined ? undefined : b ? ('true' as const) : ('false' as const));
/** Drops empty values: the API refuses unknown or empty parameters. */
function compact<T extends object>(q: T): T {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export async function listTasks(q: InboxQuery): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
  const query: TaskQuery = compact({ ...q, priority: flag(q.priority), breached: flag(q.breached), paused: flag(q.paused) });
  return ok(api.GET('/v1/tasks', { params: { query } }));
}

const task = (caseId: string, taskId: string) => ({ params: { path: { caseId, taskId } } });

export const claimTask = (caseId: string, taskId: string): Promise<CaseView> => ok(api.POST('/v1/cases/{caseId}/tasks/{taskId}/claim', task(caseId, taskId)));
export const releaseTask = (caseId: string, taskId: string): Promise<CaseView> =>
  ok(api.POST('/v1/cases/{caseId}/tasks/{taskId}/release', task(caseId, taskId)));
export const assignTask = (caseId: string, taskId: string, assignee: string, assigneeName?: string): Promise<CaseView> =>
  ok(api.POST('/v1/cases/{caseId}/tasks/{taskId}/assign', { ...task(caseId, taskId), body: { assignee, ...(assigneeName ? { assigneeName } : {}) } }));
export const addComment = (caseId: string, text: string, taskId?: string): Promise<CaseView> =>
  ok(api.POST('/v1/cases/{caseId}/comments', { params: { path: { caseId } }, body: { text, ...(taskId ? { taskId } : {}) } }));

export async function searchCases(q: CaseQuery): Promise<{ items: CaseView[]; nextCursor: string | null }> {
  return ok(api.GET('/v1/cases', { params: { query: compact(q) } }));
}
