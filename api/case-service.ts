/**
 * What the case routes do, between HTTP and Temporal: open a case (idempotently), read it, and
 * pass decisions to its workflow as updates carrying the authenticated actor. Business rules stay
 * in the workflow; this layer checks only who may knock, and translates Temporal's answers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { defineUpdate } from '@temporalio/workflow';
import type { Actor, CaseView } from '../common/types.js';
import { getCaseProjection, getPublishedCase } from '../db/cases.js';
import { claimIdempotencyKey } from '../db/idempotency.js';
import { DEFAULT_NUMBER_TIME_ZONE, issueCaseNumber, yearIn } from '../db/case-numbers.js';
import { isKeySme } from '../db/key-smes.js';
import type { Pool } from '../db/pool.js';
import { latestCalendar } from '../db/calendars.js';
import { getTemplate } from '../db/templates.js';
import { pinCalendar } from '../templates/calendar-pin.js';
import { defaultNumberPrefix } from '../templates/schema.js';
import {
  addCommentUpdate,
  assignTaskUpdate,
  claimTaskUpdate,
  releaseTaskUpdate,
  retryIncidentUpdate,
  type AssignInput,
  type CommentInput,
  decideUpdate,
  getCaseQuery,
  supplementUpdate,
  withdrawUpdate,
  type CaseReceipt,
  type DecisionInput,
  type SupplementInput,
  type WithdrawInput,
} from '../workflows/definitions.js';
import { canRead, caseFacts, permits, type ProcessActionKey } from './access-policy.js';
import { present } from './case-presenter.js';
import { conflict, forbidden, fromWorkflowRefusal, fromZod, notFound } from './problem.js';
import type { ProcessAction } from '../processes/process.js';
import { caseOpening, processesOfUpdate, type CaseOpening, type OpenCaseInput, type Template } from '../processes/registry.js';
import type { OpenCaseBody } from './schemas.js';
import type { DocumentRef } from '../common/document-schema.js';
import type { DocumentStore } from './documents/store.js';
import { resolveDocuments, type Resolved } from './documents/resolve.js';
import { caseAfterUpdate, type CaseSources } from '../publication/after-update.js';
import { startCase } from '../publication/case-start.js';

export interface CaseServiceDeps {
  client: Client;
  pool: Pool;
  /** Where uploaded documents are: a request names them by digest, the history records the store's account of each. */
  documents: DocumentStore;
  taskQueue: string;
  /** How long an Idempotency-Key is remembered (IDEMPOTENCY_KEY_TTL); default 24 hours. */
  idempotencyTtlMs?: number;
}

/** Update actions whose relation the API checks (decisions are judged by the workflow: task and four eyes). */
type OnBehalfAction = 'POST /v1/cases/:caseId/supplements' | 'POST /v1/cases/:caseId/withdraw' | ProcessActionKey;

/** An Idempotency-Key on an update route: the key, the route it was sent to, and what was asked. */
export interface Idempotency {
  key: string;
  /** `POST /v1/cases/:caseId/withdraw`: the same key on two routes is two keys. */
  route: string;
  /** The validated path parameters and body: the same key with another request is a 409. */
  request: unknown;
}

const OPEN_ROUTE = 'POST /v1/cases';
const DAY_MS = 24 * 3600_000;

const invisible = (caseId: string) => notFound(`no case ${caseId}`); // never reveal that someone else's case exists

function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

export class CaseService {
  constructor(private readonly d: CaseServiceDeps) {}

  /** Where an update's answer finds the case it changed (publication/after-update.ts). */
  private readonly caseSources: CaseSources = {
    published: (caseId) => getPublishedCase(this.d.pool, caseId),
    live: (caseId) => this.read(caseId),
  };

  private handle(caseId: string) {
    return this.d.client.workflow.getHandle(caseId);
  }

  async open(actor: Actor, body: OpenCaseBody, idempotencyKey?: string): Promise<{ view: CaseView; replayed: boolean }> {
    if (actor.roles.includes('applicant') && !actor.roles.includes('caseworker') && actor.org !== body.applicant.creditCode) {
      throw forbidden(`an applicant may open cases only for its own enterprise (${actor.org ?? 'no org claim'})`);
    }
    const stored = await getTemplate(this.d.pool, body.templateId, body.templateVersion);
    if (!stored) {
      throw notFound(`no template ${body.templateId}${body.templateVersion ? ` version ${body.templateVersion}` : ''}`);
    }
    const opening = openingOf(stored.body, body.details);
    let caseId = `case-${randomUUID()}`;
    let replayed = false;
    if (idempotencyKey) {
      const claim = await claimIdempotencyKey(this.d.pool, {
        scope: actor.sub,
        route: OPEN_ROUTE,
        key: idempotencyKey,
        requestHash: requestHash(body),
        caseId,
        ttlMs: this.d.idempotencyTtlMs ?? DAY_MS,
      });
      if (claim.kind === 'mismatch') throw conflict('this Idempotency-Key was already used for a different request');
      replayed = claim.kind === 'repeat';
      caseId = claim.caseId;
    }
    const documents = await this.filed(actor, caseId, body.documents, 'body.documents');
    const [calendar, priority] = await Promise.all([
      stored.body.calendar ? this.pinnedCalendar(stored.body.calendar) : undefined,
      isKeySme(this.d.pool, body.applicant.creditCode),
    ]);
    const openedAt = new Date();
    // Issued before the start, so the workflow receives it in its input; a repeated key reads the
    // number its case was issued. The year is the template calendar's (else Shanghai's) at opening.
    const number = await issueCaseNumber(
      this.d.pool,
      caseId,
      stored.body.numberPrefix ?? defaultNumberPrefix(stored.body.id),
      yearIn(openedAt, calendar?.timezone ?? DEFAULT_NUMBER_TIME_ZONE),
    );
    const input: OpenCaseInput & { openedAt: string } = {
      caseId,
      number,
      ...opening,
      templateVersion: stored.version,
      applicant: body.applicant,
      ...(documents.length > 0 ? { documents } : {}),
      openedBy: actor,
      priority,
      ...(calendar ? { calendar } : {}),
      openedAt: openedAt.toISOString(),
    };
    // A new case is answered with its first view (first-view.ts), not by asking its workflow, which
    // answers only after its first workflow task; a repeated key reads the case as it is.
    const first = await startCase(this.d, input, replayed);
    return { view: present(actor, first ?? (await this.read(caseId))), replayed };
  }

  /**
   * The latest version of a template's calendar, pinned into the case: later versions never move
   * this case's dates. Templates are checked against deployed calendars when deployed, and
   * calendars are never removed, so a missing one is a server fault, not the caller's.
   */
  private async pinnedCalendar(id: string) {
    const stored = await latestCalendar(this.d.pool, id);
    if (!stored) throw new Error(`the template names calendar ${id}, which is not deployed`);
    return pinCalendar(stored.body, stored.version, Date.now());
  }

  /** The current case: from the workflow while open, from the projection once closed. */
  async read(caseId: string): Promise<CaseView> {
    const projected = await getCaseProjection(this.d.pool, caseId);
    if (projected?.closedAt) return projected;
    try {
      return await this.handle(caseId).query(getCaseQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        if (projected) return projected;
        throw notFound(`no case ${caseId}`);
      }
      throw err;
    }
  }

  /** The case as `actor` may see it; 404 when it may not see it at all. */
  async get(actor: Actor, caseId: string): Promise<CaseView> {
    const view = await this.read(caseId);
    if (!canRead(actor, caseFacts(view))) throw invisible(caseId);
    return present(actor, view);
  }

  /**
   * The case for an update by `actor`: 404 when it may not see the case. The projection answers when
   * it already shows the caller involved (who opened a case and for whom never change); otherwise the
   * live case decides, since a department's first task may not be projected yet.
   */
  private async visibleForUpdate(actor: Actor, caseId: string): Promise<CaseView> {
    const projected = await getCaseProjection(this.d.pool, caseId);
    if (projected && canRead(actor, caseFacts(projected))) return projected;
    if (projected?.closedAt) throw invisible(caseId);
    const live = await this.read(caseId);
    if (!canRead(actor, caseFacts(live))) throw invisible(caseId);
    return live;
  }

  /** Supplements, certificates and withdrawals: the enterprise itself, or the opening department for it. */
  private async authorizeOnBehalf(action: OnBehalfAction, actor: Actor, caseId: string): Promise<{ view: CaseView; onBehalfOf?: string }> {
    const view = await this.visibleForUpdate(actor, caseId);
    const facts = caseFacts(view);
    if (!permits(action, actor, facts)) {
      throw forbidden('only the applicant enterprise, or a caseworker of the department that opened the case acting for it, may do this');
    }
    const ownEnterprise = actor.roles.includes('applicant') && actor.org === facts.creditCode;
    return { view, ...(ownEnterprise ? {} : { onBehalfOf: facts.creditCode }) };
  }

  async decide(actor: Actor, caseId: string, input: DecisionInput, idem?: Idempotency): Promise<CaseView> {
    return this.send(await this.visibleForUpdate(actor, caseId), actor, decideUpdate, input, idem);
  }

  async supplement(
    actor: Actor,
    caseId: string,
    input: Omit<SupplementInput, 'onBehalfOf' | 'documents'> & { documents: DocumentRef[] },
    idem?: Idempotency,
  ): Promise<CaseView> {
    const { view, onBehalfOf } = await this.authorizeOnBehalf('POST /v1/cases/:caseId/supplements', actor, caseId);
    const documents = await this.filed(actor, caseId, input.documents, 'body.documents');
    return this.send(view, actor, supplementUpdate, { ...input, documents, ...(onBehalfOf ? { onBehalfOf } : {}) }, idem);
  }

  /** The documents a request names, as the case's history will record them (api/documents/resolve.ts). */
  private filed<T>(actor: Actor, caseId: string, refs: T, where: string): Promise<Resolved<T>> {
    return resolveDocuments({ store: this.d.documents, pool: this.d.pool }, actor, caseId, refs, where);
  }

  /**
   * An action of a process's own (processes/<kind>/index.ts): checked against the rule its process
   * states; one taken for the enterprise names whom it was taken for, as a supplement does.
   */
  async processAction(action: ProcessAction, actor: Actor, caseId: string, body: Record<string, unknown>, idem?: Idempotency): Promise<CaseView> {
    const key: ProcessActionKey = `POST ${action.path}`;
    const update = defineUpdate<CaseReceipt, [Record<string, unknown>]>(action.update);
    if (action.forTheEnterprise) {
      const { view, onBehalfOf } = await this.authorizeOnBehalf(key, actor, caseId);
      const filed = await this.filed(actor, caseId, body, 'body');
      return this.send(view, actor, update, { ...filed, actor, ...(onBehalfOf ? { onBehalfOf } : {}) }, idem);
    }
    const view = await this.visibleForUpdate(actor, caseId);
    if (!permits(key, actor, caseFacts(view))) throw forbidden(`this action is not yours to take on case ${caseId}`);
    return this.send(view, actor, update, { ...(await this.filed(actor, caseId, body, 'body')), actor }, idem);
  }

  async withdraw(actor: Actor, caseId: string, input: Omit<WithdrawInput, 'onBehalfOf'>, idem?: Idempotency): Promise<CaseView> {
    const { view, onBehalfOf } = await this.authorizeOnBehalf('POST /v1/cases/:caseId/withdraw', actor, caseId);
    return this.send(view, actor, withdrawUpdate, { ...input, ...(onBehalfOf ? { onBehalfOf } : {}) }, idem);
  }

  /** Task work (claim, release, assign) and comments: the workflow judges department and holder. */
  async claimTask(actor: Actor, caseId: string, taskId: string, idem?: Idempotency): Promise<CaseView> {
    return this.send(await this.visibleForUpdate(actor, caseId), actor, claimTaskUpdate, { taskId, actor }, idem);
  }

  async releaseTask(actor: Actor, caseId: string, taskId: string, idem?: Idempotency): Promise<CaseView> {
    return this.send(await this.visibleForUpdate(actor, caseId), actor, releaseTaskUpdate, { taskId, actor }, idem);
  }

  async assignTask(actor: Actor, caseId: string, taskId: string, assignee: AssignInput['assignee'], idem?: Idempotency): Promise<CaseView> {
    return this.send(await this.visibleForUpdate(actor, caseId), actor, assignTaskUpdate, { taskId, actor, assignee }, idem);
  }

  async comment(actor: Actor, caseId: string, input: Omit<CommentInput, 'actor'>, idem?: Idempotency): Promise<CaseView> {
    const view = await this.visibleForUpdate(actor, caseId);
    if (!permits('POST /v1/cases/:caseId/comments', actor, caseFacts(view)))
      throw forbidden('comments are written by the departments on the case and by auditors');
    return this.send(view, actor, addCommentUpdate, { ...input, actor }, idem);
  }

  /**
   * An admin's retry of a case stopped on an incident (routes/incidents.ts). Admins do not read
   * cases, so this asks the workflow directly and answers nothing of the case; the workflow refuses
   * (409) when there is no incident to retry.
   */
  async retryIncident(actor: Actor, caseId: string): Promise<void> {
    try {
      await this.handle(caseId).executeUpdate(retryIncidentUpdate, { args: [{ actor }] });
    } catch (err) {
      const refusal = fromWorkflowRefusal(err);
      if (refusal) throw refusal;
      if (err instanceof WorkflowNotFoundError) {
        const closed = await getCaseProjection(this.d.pool, caseId);
        throw closed ? conflict(`case ${caseId} is closed (${closed.status})`) : notFound(`no case ${caseId}`);
      }
      throw err;
    }
  }

  /**
   * Sends one update to the case's workflow: every write route comes through here. A process that
   * does not have the step (a certificate for a one-stop case) is refused with 409 naming the process,
   * before anything is sent.
   */
  private send<I>(view: CaseView, actor: Actor, update: UpdateDefinition<CaseReceipt, [I]>, input: I, idem?: Idempotency): Promise<CaseView> {
    const kinds = processesOfUpdate(update.name);
    if (kinds && !kinds.includes(view.kind)) {
      return Promise.reject(conflict(`case ${view.caseId} is a ${view.kind} case; only ${kinds.join(', ')} cases take ${update.name}`));
    }
    const { caseId } = view;
    return this.update(
      view,
      actor,
      async (updateId) => caseAfterUpdate(this.caseSources, caseId, await this.handle(caseId).executeUpdate(update, { args: [input], updateId })),
      idem,
    );
  }

  /**
   * The Temporal update id of an Idempotency-Key: derived from who sent it, to which route and
   * case, and which claim of the key (a key reused after it expired is a new request), so that two
   * callers, or two routes, sending the same key never share an update. The key's request hash is
   * recorded first: the same key with another request is refused before anything is sent.
   */
  private async updateIdFor(caseId: string, actor: Actor, idem: Idempotency): Promise<string> {
    const claim = await claimIdempotencyKey(this.d.pool, {
      scope: actor.sub,
      route: idem.route,
      key: idem.key,
      requestHash: requestHash(idem.request),
      caseId,
      ttlMs: this.d.idempotencyTtlMs ?? DAY_MS,
    });
    if (claim.kind === 'mismatch') throw conflict('this Idempotency-Key was already used on this route for a different request');
    const scoped = JSON.stringify([actor.sub, idem.route, caseId, idem.key, claim.claimedAt.toISOString()]);
    return `idem-${createHash('sha256').update(scoped).digest('hex')}`;
  }

  /**
   * Sends an update. The workflow's validator is the judge (403 / 404 / 409 come back as failure
   * types); a case whose workflow has already completed answers 409 from its projection. With an
   * Idempotency-Key (`updateId`) a closed case is still asked: a retry of the update that closed it
   * gets that update's outcome again; any other update finds the run completed and gets the 409.
   */
  private async update(known: CaseView, actor: Actor, send: (updateId?: string) => Promise<CaseView>, idem?: Idempotency): Promise<CaseView> {
    const { caseId } = known;
    if (known.closedAt && !idem) throw conflict(`case ${caseId} is closed (${known.status})`);
    const updateId = idem ? await this.updateIdFor(caseId, actor, idem) : undefined;
    try {
      return present(actor, await send(updateId));
    } catch (err) {
      const refusal = fromWorkflowRefusal(err);
      if (refusal) throw refusal;
      if (isUnknownUpdate(err)) throw conflict(`case ${caseId} is a ${known.kind} case, whose process does not take this request`);
      // The SDK answers an update to a workflow that has completed (NOT_FOUND) with WorkflowNotFoundError.
      if (err instanceof WorkflowNotFoundError) {
        const now = await getCaseProjection(this.d.pool, caseId);
        if (now) throw conflict(`case ${caseId} is closed (${now.status})`);
        throw notFound(`no case ${caseId}`);
      }
      throw err;
    }
  }
}

/** The workflow has no handler for the update (its process does not have this step). */
function isUnknownUpdate(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === 'ReferenceError';
}

/** The template with the details its process parses from the opening (processes/<kind>/details.ts), refusals as 400 at their fields. */
function openingOf(template: Template, raw: Record<string, unknown>): CaseOpening {
  try {
    return caseOpening(template, raw);
  } catch (err) {
    if (err instanceof z.ZodError) throw fromZod(err, 'body.details');
    throw err;
  }
}
