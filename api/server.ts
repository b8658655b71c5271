/** Serves the API over HTTP until stopped. */
import { createServer, type RequestListener, type Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import type { Config } from '../infra/config.js';
import { connectClient, dataConverterFromConfig } from '../infra/temporal-connection.js';
import { createApp } from './app.js';
import { PgDocumentStore } from './documents/pg-store.js';
import { startDocumentSweep } from './documents/sweep.js';
import { listenHost, type AuthSettings } from '../infra/auth-settings.js';

export interface RunningApi {
  host: string;
  port: number;
  client: Client;
  stop(): Promise<void>;
}

type ServerLimits = Pick<Config, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS' | 'HTTP_MAX_CONNECTIONS'>;

/**
 * Slow clients must not hold sockets open: the headers must arrive within HTTP_HEADERS_TIMEOUT_MS
 * and the whole request (body included) within HTTP_REQUEST_TIMEOUT_MS, else Node answers 408 and
 * closes; an idle keep-alive connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS.
 */
export function applyServerTimeouts(
  server: Server,
  config: Pick<Config, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>,
): void {
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    throw new Error('HTTP_HEADERS_TIMEOUT_MS may not exceed HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
}

/**
 * How often Node looks for connections past their headers or request timeout. Its default, 30 s,
 * would let a slow client hold a socket up to 30 s beyond the timeout (40 s instead of 10 s): check
 * every half of the headers timeout instead, at most every second and at least every 100 ms.
 */
export function connectionsCheckingInterval(config: Pick<Config, 'HTTP_HEADERS_TIMEOUT_MS'>): number {
  return Math.max(100, Math.min(1000, Math.floor(config.HTTP_HEADERS_TIMEOUT_MS / 2)));
}

/**
 * The API's HTTP server: the timeouts above, checked often enough to act within a second or so of
 * their setting, and at most HTTP_MAX_CONNECTIONS sockets at once (Node closes any further one as
 * soon as it is accepted, until some close).
 */
export function createApiServer(app: RequestListener, config: ServerLimits): Server {
  const server = createServer({ connectionsCheckingInterval: connectionsCheckingInterval(config) }, app);
  applyServerTimeouts(server, config);
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  return server;
}

export async function startApi(config: Config, address: string, pool: Pool, logger: Logger, auth: AuthSettings): Promise<RunningApi> {
  const dataConverter = dataConverterFromConfig(config);
  const connection = await connectClient(config, address);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const app = createApp({ client, pool, logger, config, auth });
  const host = listenHost(config, auth);
  const server = createApiServer(app, config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const stopSweep = startDocumentSweep(
    pool,
    new PgDocumentStore(pool),
    config.DOCUMENT_UNATTACHED_TTL,
    config.DOCUMENT_SWEEP_INTERVAL_MS,
    logger.child({ component: 'documents' }),
  );
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  logger.info({ host, port }, `API listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`);
  if (auth.mode === 'secret' && auth.development) {
    logger.warn({ host }, 'using the PUBLIC development token secret: listening on 127.0.0.1 only; set AUTH_JWT_SECRET or AUTH_JWKS_URL to serve anyone else');
  }
  return {
    host,
    port,
    client,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await stopSweep();
      await connection.close();
    },
  };
}
