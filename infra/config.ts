/**
 * Every setting the engine reads from the environment, parsed once. `npm start` fills the blanks
 * with embedded services; in production set TEMPORAL_ADDRESS and DATABASE_URL and the same code
 * talks to a Temporal cluster (or Temporal Cloud) and a managed PostgreSQL.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from '../common/duration.js';
import { configuredPayloadKeys } from './payload-keys.js';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The verification check codes' key for local development and tests only: public, so a production
 * API process (api/main.ts) refuses to start with it (anyone could compute the code of any number).
 */
export const DEV_VERIFY_SECRET = 'onestop-local-development-verify-secret-change-me';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(5433),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(0).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(0).max(65535).default(8233),
  TEMPORAL_TASK_QUEUE: z.string().default('onestop-cases'),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_CA_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  /** HS256 secret; at least 32 bytes, so that it cannot be guessed by brute force. */
  AUTH_JWT_SECRET: z
    .string()
    .refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes')
    .optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  /** The web app's client id at the OpenID provider (AUTH_ISSUER): sign-in by authorization code with PKCE. */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Scopes the web app asks for (space-separated). */
  OIDC_SCOPES: z.string().min(1).default('openid profile'),
  /** Oldest token accepted, counted from its `iat` (ISO 8601 duration). */
  AUTH_MAX_TOKEN_AGE: z
    .string()
    .refine((s) => (parseDuration(s) ?? 0) > 0, 'an ISO 8601 duration such as PT12H')
    .default('PT12H'),
  /** Address the API listens on (default: every interface; `npm start` with the development secret forces 127.0.0.1). */
  HOST: z.string().optional(),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_OPEN_PER_MINUTE: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_IMPORT_PER_MINUTE: z.coerce.number().int().positive().default(5),
  RATE_LIMIT_RAW_HISTORY_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Public verification page look-ups (GET /verify/…) per minute per client address, on top of the anonymous limit. */
  RATE_LIMIT_VERIFY_PER_MINUTE: z.coerce.number().int().positive().default(30),
  TRUST_PROXY: z.string().transform(trustProxy).default(false),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Sockets the API holds open at once; Node closes any further one as soon as it is accepted. */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1000),
  // /readyz: a workflow task waiting longer than this on the cases' task queue means no worker takes them.
  READY_MAX_TASK_AGE_MS: z.coerce.number().int().positive().default(30_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  IDEMPOTENCY_KEY_TTL: z
    .string()
    .transform((v, ctx) => parseDuration(v) || (ctx.addIssue({ code: 'custom', message: 'an ISO 8601 duration such as PT24H' }), z.NEVER))
    .default(24 * 3600_000),
  NOTIFY_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  /** Notifications by e-mail through this SMTP server (`smtp://user:pass@host:587`, `smtps://…:465`); `npm start` runs a local catcher. */
  SMTP_URL: z
    .string()
    .refine(
      (v) => URL.canParse(v) && ['smtp:', 'smtps:'].includes(new URL(v).protocol) && new URL(v).hostname !== '',
      'an smtp:// or smtps:// URL, e.g. smtp://mail.example.org:587',
    )
    .optional(),
  /** The sender of notification mails: an address, or a name and an address (`OneStop <onestop@example.org>`). */
  SMTP_FROM: z
    .string()
    .regex(/^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an address, or a name and an address: OneStop <onestop@example.org>')
    .default('OneStop <onestop@localhost>'),
  /** Every notification is also POSTed here as signed JSON (with NOTIFY_WEBHOOK_SECRET). */
  NOTIFY_WEBHOOK_URL: z
    .string()
    .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), 'an http:// or https:// URL')
    .optional(),
  /** HMAC-SHA256 key of the webhook's X-OneStop-Signature; at least 32 bytes, so that it cannot be guessed. */
  NOTIFY_WEBHOOK_SECRET: z
    .string()
    .refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes')
    .optional(),
  /** How long the webhook receiver may take to answer one delivery. */
  NOTIFY_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Attempts per delivery before it is failed for good (an admin may retry it). */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** Delay after the first failed attempt; doubled after each further one, up to NOTIFY_RETRY_MAX_MS. */
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().positive().default(30_000),
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().positive().default(3_600_000),
  ARCHIVE_INTERVAL_MS: z.coerce.number().int().positive().default(10_000),
  /** Largest uploaded document, in bytes (docs/documents.md): a larger one is refused with 413 as soon as it passes this. */
  DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().default(20_971_520), // 20 MiB
  /** How long an upload no case refers to is kept (ISO 8601 duration), counted from its last upload. */
  DOCUMENT_UNATTACHED_TTL: z
    .string()
    .transform((v, ctx) => parseDuration(v) || (ctx.addIssue({ code: 'custom', message: 'an ISO 8601 duration such as PT24H' }), z.NEVER))
    .default(24 * 3600_000),
  DOCUMENT_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(600_000),
  /**
   * Cases a worker keeps in memory between their workflow tasks (the SDK's sticky cache): 0.5–0.7 MiB
   * each (npm run bench:scale); an evicted case is replayed from its history at its next task. 500 keeps
   * worker and API under 1 GiB together with 10,000 cases open; the SDK's own default follows the heap
   * limit (2,310 with Node's 4 GiB here: 1.4 GiB of RSS).
   */
  WORKER_MAX_CACHED_CASES: z.coerce.number().int().min(0).default(500),
  /** The font decision documents (PDF) are set in: a file holding the face NotoSansCJKsc-Regular (Debian's fonts-noto-cjk). */
  PDF_CJK_FONT: z.string().min(1).default('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'),
  /**
   * HMAC-SHA256 key of the check codes in decision documents' verification links (api/verify-code.ts);
   * at least 32 bytes. The default is public and only for development: `npm run api` refuses it
   * (changing the key voids the codes printed on documents already issued).
   */
  VERIFY_SECRET: z
    .string()
    .refine((s) => Buffer.byteLength(s, 'utf8') >= 32, 'must be at least 32 bytes')
    .default(DEV_VERIFY_SECRET),
  /** The public origin (`https://onestop.example.gov.cn`) verification links on documents point to; default the origin each request came to. */
  PUBLIC_BASE_URL: z
    .string()
    .refine(
      (v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol) && new URL(v).origin === v.replace(/\/$/, ''),
      'an http(s) origin, e.g. https://onestop.example.org',
    )
    .optional(),
  /** Payload encryption keys, `id:base64key` separated by commas, newest first (infra/payload-keys.ts). */
  PAYLOAD_KEYS: z.string().optional(),
  /** A file holding the same list (one entry a line is fine). */
  PAYLOAD_KEYS_FILE: z.string().optional(),
  /**
   * Web UI origins (comma-separated) allowed to call the codec endpoint (/codec/decode, /codec/encode);
   * default the local dev UI, http://localhost:<TEMPORAL_UI_PORT> and http://127.0.0.1:<TEMPORAL_UI_PORT>.
   */
  CODEC_CORS_ORIGIN: z
    .string()
    .refine(
      (v) => v.split(',').every((o) => URL.canParse(o.trim()) && new URL(o.trim()).origin === o.trim()),
      'comma-separated origins, e.g. https://temporal-ui.example.org',
    )
    .optional(),
});

export type Config = z.infer<typeof Env>;

/** Names proxy-addr (Express's `trust proxy`) accepts for address ranges. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * `TRUST_PROXY`: how many proxy hops to trust (`1`), or which proxies (`loopback, 10.0.0.0/8`).
 * Unset or `false` trusts none, so X-Forwarded-For is ignored and the rate limit keys on the
 * socket address. `true` (trust every hop) is refused: any client could then pick its own address.
 */
function trustProxy(v: string, ctx: z.RefinementCtx): false | number | string[] {
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((a) => !PROXY_RANGES.includes(a) && !isIP(a.replace(/\/\d+$/, '')));
  if (bad.length || !list.length) {
    ctx.addIssue({
      code: 'custom',
      message: `a hop count, or addresses, subnets or ${PROXY_RANGES.join('/')} separated by commas (not: ${bad.join(', ') || v})`,
    });
    return z.NEVER;
  }
  return list;
}

/**
 * The development secret: public (it is in the repository), so only `npm start` may fall back to it,
 * and then the API listens on 127.0.0.1 only (see resolveAuth).
 */
export const DEV_JWT_SECRET = 'onestop-local-development-secret-change-me';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means "not set", as shells and .env files use it.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid environment:\n${lines}`);
  }
  const pairs = notificationSettingIssues(parsed.data);
  if (pairs.length) throw new Error(`invalid environment:\n${pairs.map((m) => `  ${m}`).join('\n')}`);
  try {
    // Read and checked now, so a bad key stops the process at start-up, not at its first case.
    configuredPayloadKeys(parsed.data);
  } catch (err) {
    throw new Error(`invalid environment:\n  ${(err as Error).message}`, { cause: err });
  }
  return parsed.data;
}

/** For the entries (`npm start`, `npm run api`, `npm run worker`): a bad setting stops the process with one clear message. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    process.stderr.write(`onestop: refusing to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

/** Settings that only make sense together: a webhook is signed, so its URL and its secret go in pairs. */
function notificationSettingIssues(c: Config): string[] {
  const issues: string[] = [];
  if (c.NOTIFY_WEBHOOK_URL && !c.NOTIFY_WEBHOOK_SECRET) issues.push('NOTIFY_WEBHOOK_SECRET: required with NOTIFY_WEBHOOK_URL (every delivery is signed)');
  if (c.NOTIFY_WEBHOOK_SECRET && !c.NOTIFY_WEBHOOK_URL) issues.push('NOTIFY_WEBHOOK_URL: required with NOTIFY_WEBHOOK_SECRET');
  if (c.NOTIFY_RETRY_BASE_MS > c.NOTIFY_RETRY_MAX_MS) issues.push('NOTIFY_RETRY_MAX_MS: must not be below NOTIFY_RETRY_BASE_MS');
  return issues;
}
