/**
 * Calls of the task-work API (inbox, claim, release, assign, comments). Typed from the agreed
 * contract until that API is merged; then these go through the generated client like the rest.
 */
import { rawFetch } from './client';
import type { CaseView, InboxItem } from './types';

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

export interface InboxQuery {
  dept?: string;
  assignee?: string;
  templateId?: string;
  priority?: boolean;
  breached?: boolean;
  paused?: boolean;
  cursor?: string;
  limit?: number;
}

export async function listTasks(q: InboxQuery): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return (await rawFetch(`/v1/tasks?${params}`)).json();
}

const taskPath = (caseId: string, taskId: string, what: string) => `/v1/cases/${encodeURIComponent(caseId)}/tasks/${encodeURIComponent(taskId)}/${what}`;

export async function claimTask(caseId: string, taskId: string): Promise<CaseView> {
  return (await rawFetch(taskPath(caseId, taskId, 'claim'), json({}))).json();
}
export async function releaseTask(caseId: string, taskId: string): Promise<CaseView> {
  return (await rawFetch(taskPath(caseId, taskId, 'release'), json({}))).json();
}
export async function assignTask(caseId: string, taskId: string, assignee: string, assigneeName?: string): Promise<CaseView> {
  return (await rawFetch(taskPath(caseId, taskId, 'assign'), json({ assignee, ...(assigneeName ? { assigneeName } : {}) }))).json();
}
export async function addComment(caseId: string, text: string, taskId?: string): Promise<CaseView> {
  return (await rawFetch(`/v1/cases/${encodeURIComponent(caseId)}/comments`, json({ text, ...(taskId ? { taskId } : {}) }))).json();
}

export interface CaseQuery {
  status?: string;
  templateId?: string;
  dept?: string;
  involves?: string;
  applicant?: string;
  breached?: 'true' | 'false';
  priority?: 'true' | 'false';
  openedAfter?: string;
  openedBefore?: string;
  limit?: number;
  cursor?: string;
}

/** GET /v1/cases with the search filters of the contract (applicant, openedAfter/Before, involves). */
export async function searchCases(q: CaseQuery): Promise<{ items: CaseView[]; nextCursor: string | null }> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return (await rawFetch(`/v1/cases?${params}`)).json();
}
