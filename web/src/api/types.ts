/** The API's types as the pages use them, all from the generated schema (schema.d.ts). */
import type { Schemas } from './client';

export type Task = Schemas['Task'];
export type CaseView = Schemas['Case'];
export type InboxItem = Schemas['InboxTask'];
export type TimelineEntry = Schemas['TimelineEntry'];
export type Dashboard = Schemas['Dashboard'];
export type SlaReport = Schemas['SlaReport'];
export type TemplateSummary = Schemas['TemplateSummary'];
