/**
 * Idempotency-Key on writes that are not workflow updates (the directory, notification retries):
 * the first request with a key claims it for its caller and route; a repeat with the same request is
 * answered without acting again; the same key with another request is 409. Keys expire after
 * IDEMPOTENCY_KEY_TTL, like every other key (db/idempotency.ts).
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { Actor } from '../common/types.js';
import { claimIdempotencyKey } from '../db/idempotency.js';
import type { Pool } from '../db/pool.js';
import { idempotencyKey } from './idempotency-key.js';
import { conflict } from './problem.js';

/**
 * `new` (act) or `repeat` (answer without acting); no key is always `new`. `resource` names what the
 * write acts on (`directory:health`), kept where openings keep their case id.
 */
export async function claimWrite(pool: Pool, ttlMs: number, actor: Actor, req: Request, resource: string, request: unknown): Promise<'new' | 'repeat'> {
  const key = idempotencyKey(req.headers['idempotency-key']);
  if (key === undefined) return 'new';
  const claim = await claimIdempotencyKey(pool, {
    scope: actor.sub,
    route: `${req.method} ${(req.route as { path: string }).path}`,
    key,
    requestHash: createHash('sha256').update(JSON.stringify(request)).digest('hex'),
    caseId: resource,
    ttlMs,
  });
  if (claim.kind === 'mismatch') throw conflict('this Idempotency-Key was already used on this route for a different request');
  return claim.kind;
}
