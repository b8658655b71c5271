/**
 * A POST that changes one case through its workflow (a decision, a supplement, a certificate, a
 * withdrawal, task work, a comment): path parameters naming the case, a validated body, an
 * Idempotency-Key, and the case as the answer. Declared once here, so the routes differ only in
 * what they say and what they call.
 */
import type { z } from 'zod';
import type { Actor, CaseView } from '../../common/types.js';
import type { Idempotency } from '../case-service.js';
import { IdempotencyHeader, idempotencyOf } from '../idempotency-key.js';
import type { Routes } from '../route.js';
import { CaseSchema } from '../schemas.js';

export const CaseResponse = { description: 'The case', schema: CaseSchema };

export interface CaseChange<P extends { caseId: string }, B> {
  path: string;
  summary: string;
  tag: 'cases' | 'tasks';
  params: z.ZodType<P>;
  body?: z.ZodType<B>;
  /** 201 where the change adds something (a comment); 200 otherwise. */
  status?: 200 | 201;
  /** What a 404 and a 409 mean on this route. */
  notFound: string;
  conflict: string;
  apply: (actor: Actor, params: P, body: B, idempotency: Idempotency | undefined) => Promise<CaseView>;
}

export function caseChange<P extends { caseId: string }, B = undefined>(routes: Routes, spec: CaseChange<P, B>): void {
  const status = spec.status ?? 200;
  routes.add<P, undefined, B>({
    method: 'post',
    path: spec.path,
    summary: spec.summary,
    tag: spec.tag,
    params: spec.params,
    ...(spec.body ? { body: spec.body } : {}),
    headers: IdempotencyHeader,
    responses: { [status]: CaseResponse, 404: { description: spec.notFound }, 409: { description: spec.conflict } },
    handler: async ({ actor, params, body, req }) => ({
      status,
      // The key covers the whole request: the same key with another body or another case is a conflict.
      body: await spec.apply(actor, params, body, idempotencyOf(req, spec.body ? { params, body } : { params })),
    }),
  });
}
