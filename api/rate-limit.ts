/**
 * Rate limits, counted in PostgreSQL so that every API process behind a load balancer shares one
 * bucket per caller. An authenticated request is counted against its verified subject (the JWT
 * `sub`, after the signature is checked, so forged tokens cannot spread load over made-up
 * subjects); a request without a valid token, against its address. Opening a case, importing the
 * key-SME list and reading raw histories are costly and get tighter limits of their own, on top.
 *
 * express-rate-limit does the HTTP side (RateLimit / RateLimit-Policy headers, Retry-After);
 * rate-limiter-flexible's RateLimiterPostgres is the counter (one atomic upsert per hit) in the
 * `rate_limits` table that our migration creates.
 */
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Pool } from '../db/pool.js';
import type { Config } from '../infra/config.js';
import { databaseErrorCode, isUncurable } from '../common/database-errors.js';
import { Problem } from './problem.js';

const WINDOW_MS = 60_000;

/** The routes with a tighter limit of their own (RouteSpec.limit). */
export type RouteLimit = 'open' | 'import' | 'raw-history' | 'verify';

export interface Limiters {
  /** Requests without a valid token: public routes, and failed authentication. */
  address: RequestHandler;
  /** Every authenticated request, by its verified subject. */
  subject: RequestHandler;
  route: Record<RouteLimit, RequestHandler>;
}

/** An express-rate-limit store over a RateLimiterPostgres counter. */
class PostgresStore implements Store {
  private counter?: RateLimiterPostgres;
  readonly localKeys = false;

  constructor(
    private readonly pool: Pool,
    readonly prefix: string,
    /** Only one store per app needs to sweep expired rows: they all share the table. */
    private readonly sweeps: boolean,
    private readonly logger: Logger,
  ) {}

  private windowMs = WINDOW_MS;

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.counter = new RateLimiterPostgres({
      storeClient: this.pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true, // db/migrations creates it; the API never runs DDL
      clearExpiredByTimeout: this.sweeps,
      keyPrefix: this.prefix,
      points: typeof options.limit === 'number' ? options.limit : 1, // only read for its "remaining"; express-rate-limit decides
      duration: Math.ceil(options.windowMs / 1000),
    });
  }

  private get store(): RateLimiterPostgres {
    if (!this.counter) throw new Error('rate limit store used before init');
    return this.counter;
  }

  private static info(r: RateLimiterRes): ClientRateLimitInfo {
    return { totalHits: r.consumedPoints, resetTime: new Date(Date.now() + Math.max(r.msBeforeNext, 0)) };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const r = await this.store.get(key);
    return r ? PostgresStore.info(r) : undefined;
  }

  /**
   * `penalty` adds a hit without judging it (consume would reject past `points`). If PostgreSQL
   * is unreachable the request is let through, uncounted: every route that needs the database
   * answers 503 anyway, and /healthz must still say which dependency is down. Only an outage is let
   * through: a key the database refuses (a data exception, which the text rule should have stopped
   * at the edge) is an error, never a free pass, so no input can turn the limit off.
   */
  async increment(key: string): Promise<ClientRateLimitInfo> {
    try {
      return PostgresStore.info(await this.store.penalty(key, 1));
    } catch (err) {
      const code = databaseErrorCode(err);
      if (code && isUncurable(code)) throw err;
      this.logger.warn({ err, limiter: this.prefix }, 'rate limit not counted: the database did not answer');
      // Answered as a first hit (express-rate-limit insists on a positive count and a reset time).
      return { totalHits: 1, resetTime: new Date(Date.now() + this.windowMs) };
    }
  }

  async decrement(key: string): Promise<void> {
    await this.store.reward(key, 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.store.delete(key);
  }
}

interface LimiterSpec {
  name: string;
  limit: number;
  per: 'address' | 'subject';
  what: string;
}

function limiter(pool: Pool, logger: Logger, { name, limit, per, what }: LimiterSpec, sweeps = false): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit,
    identifier: name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new PostgresStore(pool, name, sweeps, logger),
    keyGenerator: (req) => (per === 'subject' && req.actor ? `sub:${req.actor.sub}` : ipKeyGenerator(req.ip ?? 'unknown')),
    handler: (_req, _res, next) =>
      next(
        new Problem(
          429,
          `more than ${limit} ${what} a minute ${per === 'subject' ? 'by this caller' : 'from this address'}; retry after the time in Retry-After`,
        ),
      ),
  });
}

export function createLimiters(pool: Pool, config: Config, logger: Logger): Limiters {
  return {
    address: limiter(
      pool,
      logger,
      { name: 'address', limit: config.RATE_LIMIT_ANONYMOUS_PER_MINUTE, per: 'address', what: 'requests without a valid token' },
      true,
    ),
    subject: limiter(pool, logger, { name: 'subject', limit: config.RATE_LIMIT_PER_MINUTE, per: 'subject', what: 'requests' }),
    route: {
      open: limiter(pool, logger, { name: 'open', limit: config.RATE_LIMIT_OPEN_PER_MINUTE, per: 'subject', what: 'case openings' }),
      import: limiter(pool, logger, { name: 'import', limit: config.RATE_LIMIT_IMPORT_PER_MINUTE, per: 'subject', what: 'key-SME imports' }),
      'raw-history': limiter(pool, logger, { name: 'raw-history', limit: config.RATE_LIMIT_RAW_HISTORY_PER_MINUTE, per: 'subject', what: 'raw history reads' }),
      // Public: guessing document numbers and codes is limited per address.
      verify: limiter(pool, logger, { name: 'verify', limit: config.RATE_LIMIT_VERIFY_PER_MINUTE, per: 'address', what: 'document verifications' }),
    },
  };
}
