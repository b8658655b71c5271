/**
 * The API's types as the pages use them, from the generated schema. The task-work fields
 * (assignees, SLA lengths, comments) are typed here from the agreed contract until that API is
 * merged and `npm run gen:api` brings them into schema.d.ts.
 */
import type { Schemas } from './client';

type GenTask = Schemas['Task'];
type GenCase = Schemas['Case'];

export interface TaskWork {
  assignee?: string | null;
  assigneeName?: string | null;
  slaMs?: number;
  remainingMs?: number;
}
export type Task = GenTask & TaskWork;

export interface CaseComment {
  at: string;
  by: string;
  byName: string;
  text: string;
  taskId: string | null;
}
export type CaseView = Omit<GenCase, 'tasks'> & { tasks: Task[]; comments?: CaseComment[] };
export type TimelineEntry = Schemas['TimelineEntry'];
export type Dashboard = Schemas['Dashboard'];
export type TemplateSummary = Schemas['TemplateSummary'];

export interface InboxItem {
  caseId: string;
  taskId: string;
  title: string;
  dept: string;
  dueAt: string;
  remainingMs: number;
  paused: boolean;
  escalationLevel: number;
  assignee: string | null;
  assigneeName: string | null;
  caseTitle: string;
  applicantName: string;
  priority: boolean;
  openedAt: string;
  slaMs: number;
  breached: boolean;
  templateId: string;
}
