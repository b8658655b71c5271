/**
 * What the case routes do, between HTTP and Temporal: open a case (idempotently), read it, and
 * pass decisions to its workflow as updates carrying the authenticated actor. Business rules stay
 * in the workflow; this layer checks only who may knock, and translates Temporal's answers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Actor, CaseView, ClaimDetails, ProduceFirstDetails } from '../common/types.js';
import type { Template } from '../templates/schema.js';
import { getCaseProjection } from '../db/cases.js';
import { claimIdempotencyKey } from '../db/idempotency.js';
import { isKeySme } from '../db/key-smes.js';
import type { Pool } from '../db/pool.js';
import { getTemplate } from '../db/templates.js';
import {
  decideUpdate,
  fileCertificateUpdate,
  getCaseQuery,
  supplementUpdate,
  withdrawUpdate,
  WORKFLOW_TYPES,
  type CertificateInput,
  type DecisionInput,
  type OpenCaseInput,
  type SupplementInput,
  type WithdrawInput,
} from '../workflows/definitions.js';
import { badRequest, conflict, forbidden, fromWorkflowRefusal, fromZod, notFound } from './problem.js';
import { ClaimDetailsBody, ProduceFirstDetailsBody, type OpenCaseBody } from './schemas.js';

export interface CaseServiceDeps {
  client: Client;
  pool: Pool;
  taskQueue: string;
  /** How long an Idempotency-Key is remembered (IDEMPOTENCY_KEY_TTL); default 24 hours. */
  idempotencyTtlMs?: number;
}

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

const STAFF = ['caseworker', 'supervisor', 'auditor', 'admin'] as const;

/** Staff see every case; an applicant only its own enterprise's cases. */
export function assertCanRead(actor: Actor, view: Pick<CaseView, 'applicant' | 'openedBy'>): void {
  if (actor.roles.some((r) => (STAFF as readonly string[]).includes(r))) return;
  if (actor.org === view.applicant.creditCode || actor.sub === view.openedBy) return;
  throw notFound('no such case'); // do not reveal that another enterprise's case exists
}

function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

export class CaseService {
  constructor(private readonly d: CaseServiceDeps) {}

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
    const details = detailsFor(stored.body, body.details);
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
    const input: OpenCaseInput = {
      caseId,
      template: stored.body,
      templateVersion: stored.version,
      applicant: body.applicant,
      details,
      openedBy: actor,
      priority: await isKeySme(this.d.pool, body.applicant.creditCode),
    };
    try {
      // USE_EXISTING: a retry after a crash between the key claim and this start converges on one workflow.
      await this.d.client.workflow.start(WORKFLOW_TYPES[stored.body.kind], {
        workflowId: caseId,
        taskQueue: this.d.taskQueue,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // closed already: a replay
    }
    return { view: await this.read(caseId), replayed };
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

  async get(actor: Actor, caseId: string): Promise<CaseView> {
    const view = await this.read(caseId);
    assertCanRead(actor, view);
    return view;
  }

  decide(caseId: string, input: DecisionInput, idem?: Idempotency): Promise<CaseView> {
    return this.update(caseId, input.actor, (updateId) => this.handle(caseId).executeUpdate(decideUpdate, { args: [input], updateId }), idem);
  }

  supplement(caseId: string, input: SupplementInput, idem?: Idempotency): Promise<CaseView> {
    return this.update(caseId, input.actor, (updateId) => this.handle(caseId).executeUpdate(supplementUpdate, { args: [input], updateId }), idem);
  }

  fileCertificate(caseId: string, input: CertificateInput, idem?: Idempotency): Promise<CaseView> {
    return this.update(caseId, input.actor, (updateId) => this.handle(caseId).executeUpdate(fileCertificateUpdate, { args: [input], updateId }), idem);
  }

  withdraw(caseId: string, input: WithdrawInput, idem?: Idempotency): Promise<CaseView> {
    return this.update(caseId, input.actor, (updateId) => this.handle(caseId).executeUpdate(withdrawUpdate, { args: [input], updateId }), idem);
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
  private async update(caseId: string, actor: Actor, send: (updateId?: string) => Promise<CaseView>, idem?: Idempotency): Promise<CaseView> {
    const projected = await getCaseProjection(this.d.pool, caseId);
    if (projected) assertCanRead(actor, projected);
    if (projected?.closedAt && !idem) throw conflict(`case ${caseId} is closed (${projected.status})`);
    const updateId = idem ? await this.updateIdFor(caseId, actor, idem) : undefined;
    try {
      return await send(updateId);
    } catch (err) {
      const refusal = fromWorkflowRefusal(err);
      if (refusal) throw refusal;
      if (err instanceof WorkflowNotFoundError || isCompletedError(err)) {
        const now = await getCaseProjection(this.d.pool, caseId);
        if (now) throw conflict(`case ${caseId} is closed (${now.status})`);
        throw notFound(`no case ${caseId}`);
      }
      throw err;
    }
  }
}

/**
 * The process-specific part of an opening: one-stop details are free-form; produce-first details
 * are validated, and `missing` must name obligations of the template (default: all of them).
 */
function detailsFor(template: Template, raw: Record<string, unknown>): Record<string, unknown> {
  if (template.kind === 'claim-prepayment') return claimDetails(template, raw);
  if (template.kind !== 'produce-first-certify-later') return raw;
  const parsed = ProduceFirstDetailsBody.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, 'body.details');
  const known = template.obligations.map((o) => o.qualification);
  const missing = parsed.data.missing ?? known;
  const unknown = missing.map((q, i) => ({ q, i })).filter(({ q }) => !known.includes(q));
  if (unknown.length) {
    throw badRequest(
      `unknown qualification(s) ${unknown.map((u) => u.q).join(', ')}; this template's obligations are ${known.join(', ')}`,
      unknown.map(({ q, i }) => ({ path: `body.details.missing.${i}`, message: `not an obligation of this template: ${q}` })),
    );
  }
  const details: ProduceFirstDetails = { ...parsed.data, missing: [...new Set(missing)] };
  return details as unknown as Record<string, unknown>;
}

/** Claims: validated details in the policy's currency (the template's threshold currency). */
function claimDetails(template: Extract<Template, { kind: 'claim-prepayment' }>, raw: Record<string, unknown>): Record<string, unknown> {
  const parsed = ClaimDetailsBody.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error, 'body.details');
  const expected = template.prepayment.approvalThreshold.currency;
  if (parsed.data.claimedAmount.currency !== expected) {
    throw badRequest(`claims under ${template.id} are in ${expected}`, [
      { path: 'body.details.claimedAmount.currency', message: `expected ${expected}, got ${parsed.data.claimedAmount.currency}` },
    ]);
  }
  const details: ClaimDetails = parsed.data;
  return details as unknown as Record<string, unknown>;
}

/** Temporal answers an update to a finished workflow with NOT_FOUND "workflow execution already completed". */
function isCompletedError(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : '';
  return /already completed|not found/i.test(text);
}
