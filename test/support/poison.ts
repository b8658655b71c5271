/**
 * The poisoned-text attack (issue: an applicant token could stop the engine with text PostgreSQL
 * refuses), shared by test/e2e/poison.test.ts and bench/poison.ts: the texts, the openings and the
 * updates that carry them with the field each one must be refused for, and a start that bypasses
 * the API (as a bug or an old client might) to put such text into a workflow anyway.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Actor, Applicant } from '../../common/types.js';
import type { Pool } from '../../db/pool.js';
import { latestCalendar } from '../../db/calendars.js';
import { getTemplate } from '../../db/templates.js';
import { pinCalendar } from '../../templates/calendar-pin.js';
import { caseOpening } from '../../processes/registry.js';
import { workflowTypeOf, type OpenCaseInput } from '../../processes/registry.js';
import { firstCase } from '../../publication/first-view.js';

/** Texts the text rule (common/text-rule.ts) refuses, each in otherwise ordinary words. */
export const POISONS: readonly { label: string; text: string }[] = [
  { label: 'lone low surrogate', text: 'G \udfff' },
  { label: 'lone high surrogate', text: 'Acme \ud83d Ltd' },
  { label: 'reversed surrogate pair', text: 'Acme \ude00\ud83d' },
  { label: 'lone high surrogate at the end', text: 'Acme Protective Equipment \ud83d' },
  { label: 'NUL', text: 'Acme\u0000Ltd' },
  { label: 'ESC (a terminal escape)', text: 'Acme \u001b[31mLtd' },
  { label: 'backspace', text: 'Acme\u0008\u0008Ltd' },
  { label: 'DEL', text: 'Acme\u007fLtd' },
  { label: 'C1 NEL', text: 'Acme\u0085Ltd' },
  { label: 'vertical tab', text: 'Acme\u000bLtd' },
  { label: 'form feed', text: 'Acme\u000cLtd' },
];

/** Lone surrogates only: what reaches PostgreSQL as 22P02 when the edge is bypassed. */
export const LONE_SURROGATES = POISONS.filter((p) => /surrogate/.test(p.label));

/** A second enterprise with its own applicant token, beside test/support/fixtures.ts's. */
export const betaApplicant: Applicant = {
  creditCode: '91110000600037341L',
  name: 'Beta Medical Supplies Co., Ltd.',
  contact: { name: 'Li Na', phone: '+86 10 6666 0000', email: 'li.na@beta.example' },
};
export const betaActor: Actor = { sub: 'beta-user', name: 'Li Na', roles: ['applicant'], org: betaApplicant.creditCode };

/** A request the API must refuse with 400, and the field (problem `errors[0].path`) it must name. */
export interface PoisonedRequest {
  method: 'POST';
  path: string;
  as: Actor;
  body: Record<string, unknown>;
  /** The dotted path the problem must name. */
  field: string;
  /** What kind of request, and what it carries (for reports). */
  label: string;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * Where an opening carries the poison: each sets `text` into a copy of the healthy body and says
 * which field the problem must name.
 */
const OPENING_PLACES: readonly { where: string; put(body: OpenBody, text: string): string }[] = [
  {
    where: 'applicant name',
    put: (b, t) => ((b.applicant.name = t), 'body.applicant.name'),
  },
  {
    where: 'contact name',
    put: (b, t) => ((b.applicant.contact.name = t), 'body.applicant.contact.name'),
  },
  {
    where: 'contact email',
    put: (b, t) => ((b.applicant.contact.email = `x${t}@acme.example`), 'body.applicant.contact.email'),
  },
  {
    where: 'details value',
    put: (b, t) => ((b.details.product = t), 'body.details.product'),
  },
  {
    where: 'details, nested',
    put: (b, t) => ((b.details.lines = [{ name: 'line 1' }, { name: t }]), 'body.details.lines.1.name'),
  },
];

interface OpenBody {
  templateId: string;
  applicant: Applicant;
  details: Record<string, unknown>;
}

/** The opening's body as the healthy load sends it. */
export const healthyOpening = (templateId: string, applicant: Applicant): OpenBody => ({
  templateId,
  applicant: clone(applicant),
  details: { product: 'medical masks' },
});

/**
 * The i-th poisoned opening: the places and the poisons taken in turn (every place meets every
 * poison over 55 openings), alternately by the two applicants, each for its own enterprise.
 */
export function poisonedOpening(i: number, templateId: string, applicants: readonly { as: Actor; applicant: Applicant }[]): PoisonedRequest {
  const who = applicants[i % applicants.length]!;
  const place = OPENING_PLACES[i % OPENING_PLACES.length]!;
  const poison = POISONS[Math.floor(i / OPENING_PLACES.length) % POISONS.length]!;
  const body = healthyOpening(templateId, who.applicant);
  const field = place.put(body, poison.text);
  return {
    method: 'POST',
    path: '/v1/cases',
    as: who.as,
    body: body as unknown as Record<string, unknown>,
    field,
    label: `opening: ${place.where}, ${poison.label}`,
  };
}

/** What a poisoned update is sent as, on an existing case. */
export type UpdateKind = 'comment' | 'supplement' | 'withdrawal' | 'decision';

/**
 * The poisoned update of `kind` on `caseId`: a comment by the task's department, a supplement's
 * note and a withdrawal reason by the applicant, a decision's comment by the department.
 *
 * A supplement names `documents`, which must be the applicant's own uploads (POST /v1/documents), so
 * that its text is all that is wrong with it. Its documents' names are not in the request: they come
 * from the upload's file name, which the store cleans (api/documents/name.ts), so the poison goes in
 * the note; test/e2e/poison.test.ts then files a document uploaded under a poisoned file name.
 */
export function poisonedUpdate(
  kind: UpdateKind,
  i: number,
  caseId: string,
  dept: string,
  officer: Actor,
  applicant: Actor,
  documents: readonly { digest: string }[],
): PoisonedRequest {
  const poison = POISONS[i % POISONS.length]!;
  const base = { method: 'POST' as const, label: `${kind}: ${poison.label}` };
  switch (kind) {
    case 'comment':
      return { ...base, path: `/v1/cases/${caseId}/comments`, as: officer, body: { text: poison.text, taskId: dept }, field: 'body.text' };
    case 'supplement':
      if (documents.length === 0) throw new Error("a poisoned supplement names documents: upload the applicant's first");
      return {
        ...base,
        path: `/v1/cases/${caseId}/supplements`,
        as: applicant,
        body: { documents: documents.map((d) => ({ digest: d.digest })), note: `attached: ${poison.text}` },
        field: 'body.note',
      };
    case 'withdrawal':
      return { ...base, path: `/v1/cases/${caseId}/withdraw`, as: applicant, body: { reason: poison.text }, field: 'body.reason' };
    case 'decision':
      return {
        ...base,
        path: `/v1/cases/${caseId}/tasks/${dept}/decision`,
        as: officer,
        body: i % 2 === 0 ? { outcome: 'approve', comment: poison.text } : { outcome: 'reject', comment: poison.text },
        field: 'body.comment',
      };
  }
}

/** The 10 poisoned updates of the attack, in order: comments, supplements, withdrawals, decisions. */
export const UPDATE_KINDS: readonly UpdateKind[] = [
  'comment',
  'supplement',
  'withdrawal',
  'decision',
  'comment',
  'decision',
  'withdrawal',
  'supplement',
  'comment',
  'decision',
];

/** Whether `answer` is the refusal `req` must get: 400, problem details naming the field first. */
export function refusalFault(req: PoisonedRequest, answer: { status: number; contentType: string | null; body: any }): string | undefined {
  if (answer.status !== 400) return `${req.label}: ${answer.status} ${JSON.stringify(answer.body)}`;
  if (!/application\/problem\+json/.test(answer.contentType ?? '')) return `${req.label}: content type ${answer.contentType}`;
  const first = answer.body?.errors?.[0];
  if (first?.path !== req.field) return `${req.label}: named ${first?.path}, not ${req.field}`;
  if (typeof answer.body.detail !== 'string' || !answer.body.detail.startsWith(req.field)) return `${req.label}: detail ${answer.body.detail}`;
  return undefined;
}

/**
 * Starts a case's workflow straight through the Temporal client with the input the API would build
 * (api/case-service.ts `open`), as a bug or an old client might: no text rule, and no first view
 * written with the start (publication/case-start.ts), so nothing stops text PostgreSQL refuses from
 * reaching the workflow. Returns the case id (the workflow id).
 */
export async function startBypassingEdge(
  d: { client: Client; pool: Pool; taskQueue: string },
  o: { templateId: string; openedBy: Actor; applicant: Applicant; details?: Record<string, unknown> },
): Promise<string> {
  const stored = await getTemplate(d.pool, o.templateId);
  if (!stored) throw new Error(`no template ${o.templateId}`);
  const calendar = stored.body.calendar ? await latestCalendar(d.pool, stored.body.calendar) : undefined;
  if (stored.body.calendar && !calendar) throw new Error(`the template names calendar ${stored.body.calendar}, which is not deployed`);
  const caseId = `case-${randomUUID()}`;
  const input: OpenCaseInput & { openedAt: string } = {
    caseId,
    ...caseOpening(stored.body, o.details ?? {}),
    templateVersion: stored.version,
    applicant: o.applicant,
    openedBy: o.openedBy,
    priority: false,
    ...(calendar ? { calendar: pinCalendar(calendar.body, calendar.version, Date.now()) } : {}),
    openedAt: new Date().toISOString(),
  };
  await d.client.workflow.start(workflowTypeOf(stored.body.kind), {
    workflowId: caseId,
    taskQueue: d.taskQueue,
    args: [input],
    typedSearchAttributes: firstCase(input).searchAttributes as SearchAttributePair[],
  });
  return caseId;
}
