/**
 * One declaration per route: its zod schemas validate the request (the parsed values are what the
 * handler gets), enforce its roles, and describe it in the OpenAPI document — so the contract that
 * is published is the one that is enforced.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Actor, Role } from '../common/types.js';
import { actorOf, requireRole } from './auth.js';
import { fromZod, Problem, ProblemSchema } from './problem.js';
import type { Limiters, RouteLimit } from './rate-limit.js';

export interface HandlerContext<P, Q, B> {
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<P, Q, B> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path (`/v1/cases/:caseId`). */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it; `public` skips authentication. */
  roles: readonly Role[] | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Extra request body media types (besides JSON) that the route reads, documented as strings. */
  extraBodyTypes?: string[];
  headers?: z.ZodObject;
  /** A tighter per-caller rate limit of its own, on top of the general one (api/rate-limit.ts). */
  limit?: RouteLimit;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<Reply>;
}

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input (with the zod issues)',
  401: 'No or bad token',
  403: 'Not allowed',
  429: 'Rate limited',
};

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(r.error, where);
  return r.data;
}

export class Routes {
  /** Every declared path and its methods, for 405 answers with `Allow`. */
  private readonly methods = new Map<string, Set<string>>();

  constructor(
    private readonly router: Router,
    private readonly registry: OpenAPIRegistry,
    private readonly authenticate: RequestHandler,
    private readonly limiters: Limiters,
  ) {}

  /**
   * Authentication, then the caller's rate limits. A request whose authentication fails is counted
   * against its address instead, so guessing tokens is limited too (429 once past the limit).
   */
  private guard(spec: { roles: readonly Role[] | 'public'; limit?: RouteLimit }): RequestHandler[] {
    if (spec.roles === 'public') return [this.limiters.address];
    const authenticated: RequestHandler = (req, res, next) =>
      this.authenticate(req, res, (err?: unknown) => (err ? this.limiters.address(req, res, (limited?: unknown) => next(limited ?? err)) : next()));
    return [authenticated, this.limiters.subject, ...(spec.limit ? [this.limiters.route[spec.limit]] : [])];
  }

  add<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): void {
    this.document(spec);
    const handler: RequestHandler = async (req, res) => {
      const actor = spec.roles === 'public' ? ({ sub: 'anonymous', name: 'anonymous', roles: [] } as Actor) : actorOf(req);
      if (spec.roles !== 'public') requireRole(actor, spec.roles, `${spec.method.toUpperCase()} ${spec.path}`);
      const params = parse(spec.params, req.params, 'path');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body, 'body');
      const reply = await spec.handler({ actor, params, query, body, req, res });
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      res.status(reply.status ?? 200).json(reply.body);
    };
    this.router[spec.method](spec.path, ...this.guard(spec), handler);
    const methods = this.methods.get(spec.path) ?? new Set<string>();
    this.methods.set(spec.path, methods.add(spec.method.toUpperCase()));
  }

  /**
   * Call after the last `add`: a request that reached no route but whose path is declared (with
   * other methods) collects those methods; `methodNotAllowed` then answers 405 with `Allow`.
   * Several declared paths may match one URL (`/v1/key-smes/import`, `/v1/key-smes/:creditCode`),
   * hence collecting over all of them rather than answering at the first.
   */
  declareFallbacks(): void {
    for (const [path, methods] of this.methods) {
      this.router.all(path, (_req, res, next) => {
        const allow: Set<string> = (res.locals.allow ??= new Set<string>());
        for (const m of methods) allow.add(m);
        next();
      });
    }
  }

  private document<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = r.schema ? { description: r.description, content: { 'application/json': { schema: r.schema } } } : { description: r.description };
    }
    const errorStatuses = spec.roles === 'public' ? [400, 429] : [400, 401, 403, 429];
    for (const s of errorStatuses) {
      responses[s] ??= { description: STANDARD_ERRORS[s] as string, content: { 'application/problem+json': { schema: ProblemSchema } } };
    }
    const bodyContent: Record<string, { schema: z.ZodType }> = {};
    if (spec.body) bodyContent['application/json'] = { schema: spec.body };
    for (const t of spec.extraBodyTypes ?? []) bodyContent[t] = { schema: z.string() };
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      tags: [spec.tag],
      security: spec.roles === 'public' ? [] : [{ bearerAuth: [] }],
      description: spec.roles === 'public' ? undefined : `Roles: ${spec.roles.join(', ')}`,
      request: {
        params: spec.params as z.ZodObject | undefined,
        query: spec.query as z.ZodObject | undefined,
        headers: spec.headers,
        body: spec.body || spec.extraBodyTypes ? { content: bodyContent, required: true } : undefined,
      },
      responses,
    });
  }
}

/** After the router (which answers OPTIONS itself, with Allow): 405 with `Allow` for a declared path, else 404. */
export const methodNotAllowed: RequestHandler = (req, res, next) => {
  const allow = res.locals.allow as Set<string> | undefined;
  if (!allow?.size) return next(new Problem(404, `no route ${req.method} ${req.path}`));
  const methods = [...allow].sort().join(', ');
  next(new Problem(405, `${req.method} is not allowed on ${req.path}; allowed: ${methods}`, undefined, { Allow: methods }));
};
