/** The Idempotency-Key header of the write routes: opaque, printable, bounded, scoped to its route. */
import type { Request } from 'express';
import { z } from 'zod';
import type { Idempotency } from './case-service.js';
import { badRequest } from './problem.js';

/** An Idempotency-Key: opaque, printable, bounded. */
export const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'printable ASCII, at most 200 characters');
export const IdempotencyHeader = z.object({ 'idempotency-key': IdempotencyKey.optional() });

export function idempotencyKey(raw: string | string[] | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const r = IdempotencyKey.safeParse(raw);
  if (!r.success)
    throw badRequest('the Idempotency-Key header must be printable ASCII, at most 200 characters', [
      { path: 'header.Idempotency-Key', message: r.error.issues[0]?.message ?? 'invalid' },
    ]);
  return r.data;
}

/** An update route's Idempotency-Key, scoped to the route it was sent to, with what was asked. */
export function idempotencyOf(req: Request, request: unknown): Idempotency | undefined {
  const key = idempotencyKey(req.headers['idempotency-key']);
  return key === undefined ? undefined : { key, route: `${req.method} ${(req.route as { path: string }).path}`, request };
}
