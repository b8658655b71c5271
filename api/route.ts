/**
 * One declaration per route: its zod schemas validate the request (the parsed values are what the
 * handler gets), enforce its roles, and describe it in the OpenAPI document — so the contract that
 * is published is the one that is enforced.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Actor, Role } from '../common/types.js';
import { isRouteAction, rolesFor } from './access-policy.js';
import { actorOf, requireRole } from './auth.js';
import { textProblem, undecodableBody, undecodableQuery } from './body-guard.js';
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
  /** Another media type than JSON (one the route declares under `also`): `body` is then the text (or the bytes, a Buffer) sent. */
  contentType?: string;
}

export interface RouteSpec<P, Q, B> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express-style path (`/v1/cases/:caseId`). */
  path: string;
  summary: string;
  tag: string;
  /** Public routes skip authentication; every other route's roles come from the access table (api/access-policy.ts). */
  public?: true;
  /**
   * A public route that no rate limit counts: health and readiness probes, which a load balancer or
   * an orchestrator asks every few seconds from one address, and which must answer while the
   * database (where the limits are counted) is down.
   */
  unlimited?: true;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Extra request body media types (besides JSON) that the route reads, documented as strings. */
  extraBodyTypes?: string[];
  /** A body no parser reads: the handler streams it from `req` itself (an upload); documented under its media type with this schema. */
  streamedBody?: { mediaType: string; schema: z.ZodType };
  /**
   * What the document publishes as the JSON body, when the route checks more of it in its handler
   * than `body` does (an import validates every row itself, to report each bad one).
   */
  documentedBody?: z.ZodType;
  headers?: z.ZodObject;
  /** A tighter per-caller rate limit of its own, on top of the general one (api/rate-limit.ts). */
  limit?: RouteLimit;
  /** `also`: further media types the same answer may come as (a CSV of a report), each with its schema. */
  responses: Record<number, { description: string; schema?: z.ZodType; also?: Record<string, z.ZodType> }>;
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<Reply>;
}

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input (with the zod issues)',
  401: 'No or bad token',
  403: 'Not allowed',
  404: 'Not found (or not visible to the caller)',
  413: 'Request body too large',
  415: 'Unsupported media type or encoding',
  429: 'Rate limited',
  503: 'Temporal or PostgreSQL is unavailable; retry',
};

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(r.error, where);
  return r.data;
}

/** A route's roles, from its row in the access table; a route without a row does not start. */
function rolesOfRoute(spec: { method: string; path: string }): Role[] {
  const key = `${spec.method.toUpperCase()} ${spec.path}`;
  if (!isRouteAction(key)) throw new Error(`route ${key} has no row in the access table (api/access-policy.ts)`);
  return rolesFor(key);
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
  private guard(roles: readonly Role[] | 'public', limit?: RouteLimit, unlimited?: true): RequestHandler[] {
    if (roles === 'public') return unlimited ? [] : [this.limiters.address, ...(limit ? [this.limiters.route[limit]] : [])];
    const authenticated: RequestHandler = (req, res, next) =>
      this.authenticate(req, res, (err?: unknown) => (err ? this.limiters.address(req, res, (limited?: unknown) => next(limited ?? err)) : next()));
    return [authenticated, this.limiters.subject, ...(limit ? [this.limiters.route[limit]] : [])];
  }

  add<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): void {
    const roles = spec.public ? 'public' : rolesOfRoute(spec);
    this.document(spec, roles);
    const method = spec.method.toUpperCase();
    // `/v1/key-smes/import` is a path of its own, not a credit code: a method it does not have is
    // 405 there, as the document says (a literal path takes precedence over a templated one).
    const literalFirst: RequestHandler = (req, _res, next) => {
      const literal = this.methods.get(req.path);
      if (!literal || literal.has(method)) return next();
      const allow = [...literal].sort().join(', ');
      next(new Problem(405, `${method} is not allowed on ${req.path}; allowed: ${allow}`, undefined, { Allow: allow }));
    };
    const handler: RequestHandler = async (req, res) => {
      const actor = roles === 'public' ? ({ sub: 'anonymous', name: 'anonymous', roles: [] } as Actor) : actorOf(req);
      if (roles !== 'public') requireRole(actor, roles, `${spec.method.toUpperCase()} ${spec.path}`);
      // The text rule (common/text-rule.ts) over everything the request carries, before anything
      // reads it: after authentication, so a request without a valid token is still 401, and an
      // unknown method still 405 (it reaches no route).
      const illFormed =
        undecodableQuery(req.originalUrl) ?? undecodableBody(req) ?? textProblem({ path: req.params, query: req.query, body: req.body as unknown });
      if (illFormed) throw illFormed;
      const params = parse(spec.params, req.params, 'path');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body, 'body');
      const reply = await spec.handler({ actor, params, query, body, req, res });
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      // A stream (a stored document) is piped as it is read. An error half-way can only end the
      // connection (the status is sent): logged, not answered as a problem.
      if (reply.body instanceof Readable)
        await pipeline(reply.body, res.status(reply.status ?? 200).type(reply.contentType ?? 'application/octet-stream')).catch((err: unknown) =>
          req.log?.warn({ err }, 'streamed answer ended early'),
        );
      else if (reply.contentType)
        res
          .status(reply.status ?? 200)
          .type(reply.contentType)
          .send(Buffer.isBuffer(reply.body) ? reply.body : String(reply.body));
      else res.status(reply.status ?? 200).json(reply.body);
    };
    this.router[spec.method](spec.path, ...(spec.path.includes(':') ? [literalFirst] : []), ...this.guard(roles, spec.limit, spec.unlimited), handler);
    const methods = this.methods.get(spec.path) ?? new Set<string>();
    this.methods.set(spec.path, methods.add(method));
  }

  /**
   * Call after the last `add`: a request that reached no route but whose path is declared (with
   * other methods) collects those methods; `methodNotAllowed` then answers 405 with `Allow`.
   * Several declared paths may match one URL (`/v1/key-smes/import`, `/v1/key-smes/:creditCode`),
   * hence collecting over all of them rather than answering at the first.
   */
  declareFallbacks(): void {
    // OPTIONS on a literal path that a templated one also matches (`/v1/key-smes/import` and
    // `/v1/key-smes/:creditCode`): Express would list the methods of both; answer with its own only,
    // the way Express answers OPTIONS elsewhere (200, `Allow`, the list as text; HEAD with GET).
    const templated = [...this.methods.keys()].filter((p) => p.includes(':')).map((p) => new RegExp(`^${p.replace(/:\w+/g, '[^/]+')}$`));
    for (const [path, methods] of this.methods) {
      if (path.includes(':') || !templated.some((re) => re.test(path))) continue;
      const allow = [...new Set([...methods, ...(methods.has('GET') ? ['HEAD'] : [])])].sort().join(', ');
      this.router.options(path, (_req, res) => {
        res.setHeader('Allow', allow);
        res.type('text/plain').send(allow);
      });
    }
    for (const [path, methods] of this.methods) {
      this.router.all(path, (_req, res, next) => {
        const allow: Set<string> = (res.locals.allow ??= new Set<string>());
        for (const m of methods) allow.add(m);
        next();
      });
    }
  }

  private document<P, Q, B>(spec: RouteSpec<P, Q, B>, roles: readonly Role[] | 'public'): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      const also = Object.fromEntries(Object.entries(r.also ?? {}).map(([media, schema]) => [media, { schema }]));
      if (r.schema) responses[status] = { description: r.description, content: { 'application/json': { schema: r.schema }, ...also } };
      // Only other media types (a PDF; an HTML page), with a problem's for an error status.
      else if (r.also)
        responses[status] = {
          description: r.description,
          content: { ...(Number(status) >= 400 ? { 'application/problem+json': { schema: ProblemSchema } } : {}), ...also },
        };
      else if (Number(status) >= 400) responses[status] = { description: r.description, content: { 'application/problem+json': { schema: ProblemSchema } } };
      else responses[status] = { description: r.description };
    }
    // Every answer the server can give is declared, so that clients (and schemathesis) can rely on it.
    const takesBody = Boolean(spec.body || spec.extraBodyTypes || spec.streamedBody);
    const errorStatuses = [
      400,
      ...(spec.unlimited ? [] : [429]),
      503,
      ...(roles === 'public' ? [] : [401, 403]),
      ...(takesBody ? [413, 415] : []),
      ...(spec.path.includes(':') ? [404] : []),
    ];
    for (const s of errorStatuses) {
      responses[s] ??= { description: STANDARD_ERRORS[s] as string, content: { 'application/problem+json': { schema: ProblemSchema } } };
    }
    const bodyContent: Record<string, { schema: z.ZodType }> = {};
    if (spec.documentedBody ?? spec.body) bodyContent['application/json'] = { schema: (spec.documentedBody ?? spec.body) as z.ZodType };
    for (const t of spec.extraBodyTypes ?? []) bodyContent[t] = { schema: z.string() };
    if (spec.streamedBody) bodyContent[spec.streamedBody.mediaType] = { schema: spec.streamedBody.schema };
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      tags: [spec.tag],
      security: roles === 'public' ? [] : [{ bearerAuth: [] }],
      description: roles === 'public' ? undefined : `Roles: ${roles.join(', ')}`,
      request: {
        params: spec.params as z.ZodObject | undefined,
        query: spec.query as z.ZodObject | undefined,
        headers: spec.headers,
        body: takesBody ? { content: bodyContent, required: true } : undefined,
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
