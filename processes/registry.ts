/**
 * The processes, read from the registry (processes/index.ts): their kinds, the union of their
 * templates and inputs, and the dispatch by kind that the API, the first view and the audit timeline
 * use. A new process joins every one of these by its line in index.ts.
 */
import { z } from 'zod';
import type { TimelineEntry } from '../audit/timeline-entry.js';
import type { NotificationInput } from '../common/notifications.js';
import type { CaseInput } from '../workflows/definitions.js';
import type { OpenedCase } from '../workflows/lib/case-contract.js';
import * as registered from './index.js';
import type * as bundled from './workflows.js';
import type { Transitions } from '../workflows/lib/status.js';
import type { DocumentDraft } from './decision-document.js';
import type { ProcessAction, ProcessDefinition } from './process.js';

type Registered = (typeof registered)[keyof typeof registered];

/** Every registered process's definition (a union, one member per process). */
export type AnyProcess = Extract<Registered, { readonly workflowType: string; readonly folder: string }>;
export type CaseKind = AnyProcess['kind'];
export type ProcessOf<K extends CaseKind> = Extract<AnyProcess, { kind: K }>;
export type TemplateOf<K extends CaseKind> = z.output<ProcessOf<K>['template']>;
export type DetailsOf<K extends CaseKind> = ReturnType<ProcessOf<K>['details']>;
/** The input of a case of process K: its template and the details it started with. */
export type InputOf<K extends CaseKind> = CaseInput<TemplateOf<K>, DetailsOf<K>>;
/** The statuses of process K's cases. */
export type StatusOf<K extends CaseKind> = keyof ProcessOf<K>['statuses'] & string;
/** The statuses in which a case of process K has closed for good (those that may become none). */
export type ClosedStatusOf<K extends CaseKind> = {
  [S in StatusOf<K>]: ProcessOf<K>['statuses'][S] extends readonly [] ? S : never;
}[StatusOf<K>];
/** Any process's statuses. */
export type CaseStatus = { [K in CaseKind]: StatusOf<K> }[CaseKind];
/** Statuses in which a case is closed for good (its workflow has completed). */
export type ClosedStatus = { [K in CaseKind]: ClosedStatusOf<K> }[CaseKind];
/** The view of a case of process K (its view.ts). */
export type ViewOf<K extends CaseKind> = ReturnType<ProcessOf<K>['open']> extends OpenedCase<infer V> ? V : never;
/** Each member of U, with the fields only other members have declared absent: `view.permit` reads on any view. */
type Exclusive<U, All = U> = U extends unknown ? U & { [P in Exclude<All extends unknown ? keyof All : never, keyof U>]?: never } : never;
/** Any case's view: one member per process, discriminated by `kind` (and by `status`). */
export type CaseView = Exclusive<{ [K in CaseKind]: ViewOf<K> }[CaseKind]>;
/** Any process's template. */
export type Template = { [K in CaseKind]: TemplateOf<K> }[CaseKind];
/**
 * What the API hands a new case workflow on a template of type T; for any template, one member per
 * process, told apart by `template.kind` (the registry dispatches on it). Its JSON is what saved
 * histories hold: the types describe it, they never change it.
 */
export type OpenCaseInput<T extends Template = Template> = { [K in CaseKind]: T extends TemplateOf<K> ? InputOf<K> : never }[CaseKind];
/** A template with the details filed under it: the part of a case's input that depends on its process. */
export type CaseOpening = { [K in CaseKind]: { template: TemplateOf<K>; details: DetailsOf<K> } }[CaseKind];

const isProcess = (v: unknown): v is AnyProcess => typeof v === 'object' && v !== null && 'workflowType' in v && 'folder' in v;

/**
 * Every process, in order of kind (a module namespace lists its exports by name, not in the order
 * index.ts gives them, so the order is stated here: it is the order of kinds in the API document).
 */
export const PROCESSES: readonly AnyProcess[] = Object.values(registered)
  .filter(isProcess)
  .sort((a, b) => (a.kind < b.kind ? -1 : 1));

/** Every workflow type a process names is exported by the worker's bundle (workflows.ts); else the name shows here. */
type Unexported = Exclude<AnyProcess['workflowType'], keyof typeof bundled>;
const everyWorkflowExported: [Unexported] extends [never] ? true : Unexported = true;
void everyWorkflowExported;

export const CASE_KINDS = PROCESSES.map((p) => p.kind) as [CaseKind, ...CaseKind[]];

/** Every process's statuses, each once, in the order of the processes and of their tables. */
export const CASE_STATUSES = [...new Set(PROCESSES.flatMap((p) => Object.keys(p.statuses)))] as [CaseStatus, ...CaseStatus[]];
/** The closed statuses among them (closedStatuses in workflows/lib/status.ts). */
export const CLOSED_STATUSES = CASE_STATUSES.filter((s) => PROCESSES.some((p) => (p.statuses as Transitions<string>)[s]?.length === 0)) as [
  ClosedStatus,
  ...ClosedStatus[],
];

/** Every process's template schema, one union discriminated by `kind` (the deploy route validates with it). */
export const Template = z.discriminatedUnion('kind', PROCESSES.map((p) => p.template) as [AnyProcess['template'], ...AnyProcess['template'][]]);

/** The definition of process `kind`. */
export function processOf<K extends CaseKind>(kind: K): ProcessOf<K>;
export function processOf(kind: string): ProcessDefinition {
  const p = PROCESSES.find((d) => d.kind === kind);
  if (!p) throw new Error(`no process of kind ${kind} is registered`);
  return p;
}

/** Every process's own actions, in the order of the processes (the API declares a route for each). */
export const PROCESS_ACTIONS: readonly ProcessAction[] = PROCESSES.flatMap((p) => p.actions);

/** The kinds of the processes that answer update `name` of their own; undefined for an update every process answers. */
export function processesOfUpdate(name: string): CaseKind[] | undefined {
  const kinds = PROCESSES.filter((p) => p.actions.some((a) => a.update === name)).map((p) => p.kind);
  return kinds.length ? kinds : undefined;
}

/** The workflow type that runs cases of `kind`. */
export const workflowTypeOf = (kind: CaseKind): string => processOf(kind).workflowType;

/**
 * The details a case starts with, parsed by its template's process, paired with the template; or a
 * ZodError saying what is wrong (at the fields).
 */
export function caseOpening(template: Template, raw: Record<string, unknown>): CaseOpening {
  const process: ProcessDefinition = processOf(template.kind);
  // The process is the template's own (found by its kind), so the details are of the template's kind.
  return { template, details: process.details(template, raw) } as CaseOpening;
}

/** The details schema of a case under `template` (its process's `detailsSchema`): what the opening form fills in. */
export function detailsSchemaOf(template: Template): z.ZodType {
  const process: ProcessDefinition = processOf(template.kind);
  return process.detailsSchema(template);
}

/** The decision documents a case has issued, as its process states them from its view. */
export function documentDraftsOf(view: CaseView): DocumentDraft[] {
  const process: ProcessDefinition = processOf(view.kind);
  return process.documents(view);
}

/** What the audit timeline's case-opened entry shows of the opening's process. */
export function openingTimeline(input: OpenCaseInput): Record<string, unknown> {
  const process: ProcessDefinition = processOf(input.template.kind);
  return process.timeline.opening(input);
}

/** The timeline entry of a notification of a process's own kind (its timeline.ts), or undefined. */
export function processNotificationEntry(n: NotificationInput): TimelineEntry | undefined {
  for (const p of PROCESSES as readonly ProcessDefinition[]) {
    const entry = p.timeline.notifications?.[n.kind];
    if (entry) return entry(n);
  }
  return undefined;
}

/** The timeline entries of a process's own update `name` (its timeline.ts), or undefined for any other update. */
export function processUpdateEntries(name: string, at: string, arg: unknown): TimelineEntry[] | undefined {
  for (const p of PROCESSES as readonly ProcessDefinition[]) {
    const entries = p.timeline.updates?.[name];
    // Recorded by the workflow that answered this update, so `arg` is that update's argument.
    if (entries) return entries(at, arg as never);
  }
  return undefined;
}
