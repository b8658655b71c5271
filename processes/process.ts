/**
 * What a process is to the rest of OneStop: one definition in its folder (processes/<kind>/index.ts),
 * listed by the registry (processes/index.ts). The API validates templates and openings with it, the
 * first view and the audit timeline dispatch on it, and the worker registers the workflow it names.
 * Nothing outside a process's folder names its kind.
 */
import type { z } from 'zod';
import type { TimelineEntry } from '../audit/timeline-entry.js';
import type { Rule } from '../common/access-rules.js';
import type { CaseInput } from '../workflows/definitions.js';
import type { NotificationInput, NotificationKind } from '../common/notifications.js';
import type { AnyCaseView, CaseViewBase } from '../common/types.js';
import type { OpenedCase } from '../workflows/lib/case-core.js';
import type { Transitions } from '../workflows/lib/status.js';
import type { DocumentDraft } from './decision-document.js';

/**
 * An action of a process's own, as the API offers it: a POST on one case that sends the update, with
 * the request body it takes, who may take it, and what its 404 and 409 mean. The API declares the
 * route, its row in the access table and its OpenAPI entry from this (api/routes/cases.ts), and
 * answers a case of another process 409.
 */
export interface ProcessAction {
  readonly path: `/v1/cases/:caseId/${string}`;
  readonly summary: string;
  /** The request body; the API adds the actor and, when a caseworker acts for the enterprise, whom for. */
  readonly body: z.ZodType<Record<string, unknown>>;
  /** The name of the update it sends (the process's own `defineUpdate`). */
  readonly update: string;
  /** Who may, by role and relation to the case (api/access-policy.ts). */
  readonly access: Rule;
  /**
   * Taken by the enterprise, or by a caseworker of the opening department for it: the update then
   * names the enterprise acted for (`onBehalfOf`), as supplements and withdrawals do.
   */
  readonly forTheEnterprise: boolean;
  readonly notFound: string;
  readonly conflict: string;
}

/** A template's schema: a zod object (so the registry can build a discriminated union on `kind`). */
export type TemplateSchema = z.ZodObject;

/*
 * The functions are methods, not function-typed properties, so that any process's definition is a
 * `ProcessDefinition` as well (methods compare their parameters both ways): the registry holds them
 * in one list and hands each only a template or input of its own kind.
 */
export interface ProcessDefinition<
  K extends string = string,
  S extends TemplateSchema = TemplateSchema,
  D = unknown,
  W extends string = string,
  St extends string = string,
  V extends AnyCaseView = AnyCaseView,
> {
  /** The template kind this process interprets (`kind` of its templates, and of its cases). */
  readonly kind: K;
  /** Its folder under processes/: its built-in templates are `builtin/*.json` there. */
  readonly folder: string;
  /** The name its workflow function is exported by (the workflow type the API starts, the worker registers). */
  readonly workflowType: W;
  /** Its statuses, each with those it may become (status.ts); a status that may become none is closed. */
  readonly statuses: Transitions<St>;
  /** Its template schema; its `kind` must be the literal `kind` above. */
  readonly template: S;
  /**
   * What a case under `template` files as its details: the schema `details` parses with, which the
   * API also publishes as JSON Schema (GET /v1/templates/:id/details-schema) for the opening form.
   */
  detailsSchema(template: z.output<S>): z.ZodType;
  /** The details a case starts with, parsed from what was filed with `detailsSchema`, or a ZodError. */
  details(template: z.output<S>, raw: Record<string, unknown>): D;
  /** The case laid out as its workflow does before its first command (the API's first view). */
  open(input: CaseInput<z.output<S>, D>): OpenedCase<V>;
  /** Its own actions, each an update only this process answers (every process answers workflows/definitions.ts's). */
  readonly actions: readonly ProcessAction[];
  /** The decision documents a case has issued, from its view (documents.ts): what each says, and its state now. */
  documents(view: V): DocumentDraft[];
  readonly timeline: {
    /** What the timeline's case-opened entry shows beyond what every case has. */
    opening(input: CaseInput<z.output<S>, D>): Record<string, unknown>;
    /** Entries of this process's own updates, by update name; `arg` is the update's argument as recorded. */
    readonly updates?: Readonly<Record<string, (at: string, arg: never) => TimelineEntry[]>>;
    /** Entries of the notifications only this process sends, by kind (the shared kinds are audit/timeline.ts's). */
    readonly notifications?: Readonly<Partial<Record<NotificationKind, (n: NotificationInput) => TimelineEntry>>>;
  };
}

/**
 * A process's definition, checked: `kind` is the template's literal kind, and every type below is
 * inferred from the schema and the functions given.
 */
export function defineProcess<
  const K extends string,
  S extends TemplateSchema & z.ZodType<{ kind: K }>,
  D,
  const W extends string,
  const T extends Transitions<string>,
  V extends CaseViewBase<K, keyof T & string, D>,
>(
  p: ProcessDefinition<K, S, D, W, keyof T & string, V> & { readonly statuses: T },
): ProcessDefinition<K, S, D, W, keyof T & string, V> & { readonly statuses: T } {
  return p;
}
