/**
 * RFC 9457 problem details: every error the API answers, and the one error handler that turns
 * anything thrown into one. Client mistakes are 4xx with a reason; only our own faults are 500.
 */
import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { REFUSAL_STATUS, type RefusalType } from '../common/errors.js';
import { databaseErrorCode } from '../common/database-errors.js';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type ProblemBody = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, [slug: string, title: string]> = {
  400: ['invalid-request', 'Invalid request'],
  401: ['unauthenticated', 'Authentication required'],
  403: ['forbidden', 'Not allowed'],
  404: ['not-found', 'Not found'],
  405: ['method-not-allowed', 'Method not allowed'],
  409: ['conflict', 'Conflict with the current state'],
  413: ['payload-too-large', 'Request body too large'],
  415: ['unsupported-media-type', 'Unsupported media type'],
  429: ['rate-limited', 'Too many requests'],
  500: ['internal', 'Internal error'],
  503: ['unavailable', 'Service unavailable'],
};

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: { path: string; message: string }[],
    /** Headers the answer needs (`Allow` on a 405). */
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }

  body(instance?: string): ProblemBody {
    const [slug, title] = TITLES[this.status] ?? ['error', 'Error'];
    return {
      type: `https://onestop.dev/problems/${slug}`,
      title,
      status: this.status,
      detail: this.detail,
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const badRequest = (detail: string, errors?: { path: string; message: string }[]) => new Problem(400, detail, errors);
export const forbidden = (detail: string) => new Problem(403, detail);
export const notFound = (detail: string) => new Problem(404, detail);
export const conflict = (detail: string) => new Problem(409, detail);

export function fromZod(err: z.ZodError, where: string): Problem {
  const errors = err.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  return badRequest(`the ${where} is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`.slice(0, 1000), errors);
}

/** A workflow refused an update (validator) or failed it (handler): its failure type says why. */
export function fromWorkflowRefusal(err: unknown): Problem | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.type && cause.type in REFUSAL_STATUS) {
    return new Problem(REFUSAL_STATUS[cause.type as RefusalType], cause.message);
  }
  return undefined;
}

/** Errors from body-parser carry `status` and `type` (entity.too.large, entity.parse.failed, …). */
function fromBodyParser(err: unknown): Problem | undefined {
  if (!err || typeof err !== 'object' || !('type' in err) || !('status' in err)) return undefined;
  const { type, status } = err as { type: unknown; status: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  if (type === 'entity.too.large') return new Problem(413, 'the request body is larger than the 1 MB limit');
  if (type === 'entity.parse.failed') return badRequest('the request body is not valid JSON');
  // Refusals of our own body checks (api/body-guard.ts), thrown from body-parser's verify hook.
  if (type === 'json.too.deep') return badRequest(String((err as { message?: unknown }).message));
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new Problem(415, 'unsupported body encoding or charset');
  if (status >= 400 && status < 500) return new Problem(status, `the request body could not be read (${type})`);
  return undefined;
}

/**
 * A dependency that is down is not the client's fault and not a bug either: 503, so clients and
 * load balancers retry. gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4) from Temporal, refused or
 * dropped connections from PostgreSQL.
 */
function fromUnavailable(err: unknown): Problem | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code } = e as { code?: unknown };
    if (code === 14 || code === 4) return new Problem(503, 'Temporal is unavailable; retry shortly');
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '57P03') {
      return new Problem(503, 'the database is unavailable; retry shortly');
    }
    // query_canceled: the pool's statement_timeout stopped a query (an overloaded database).
    if (code === '57014') return new Problem(503, 'the database did not answer in time; retry shortly');
  }
  return undefined;
}

/**
 * PostgreSQL refused a value the request carried (class 22, data exception: text it cannot hold, a
 * number out of range): the client's input, so 400, and never the database's own words, which quote
 * the value. The text rule (common/text-rule.ts) refuses such text before it gets here; this is the
 * net under it.
 */
function fromDataException(err: unknown): Problem | undefined {
  const code = databaseErrorCode(err);
  if (code?.startsWith('22')) return badRequest(`the request holds a value the database cannot store (PostgreSQL ${code})`);
  return undefined;
}

export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  if (err instanceof z.ZodError) return fromZod(err, 'request');
  if (err instanceof WorkflowNotFoundError) return notFound('no such case');
  // The router could not decode a path parameter (`/v1/cases/%ED%BF%BF`: not UTF-8): the client's
  // text, so 400 like every other text refused at the edge; the router's message quotes it, this does not.
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) {
    return badRequest('a path parameter is not percent-encoded UTF-8', [{ path: 'path', message: 'not percent-encoded UTF-8' }]);
  }
  return (
    fromWorkflowRefusal(err) ??
    fromBodyParser(err) ??
    fromUnavailable(err) ??
    fromDataException(err) ??
    new Problem(500, 'an unexpected error occurred; it has been logged')
  );
}

export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const problem = toProblem(err);
  if (problem.status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.info({ status: problem.status, detail: problem.detail }, 'request refused');
  for (const [k, v] of Object.entries(problem.headers ?? {})) res.setHeader(k, v);
  res.status(problem.status).type('application/problem+json').json(problem.body(req.originalUrl));
};
