/** Serves the API over HTTP until stopped. */
import { createServer, type Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import type { Config } from '../infra/config.js';
import { connectClient, dataConverterFromConfig } from '../infra/temporal-connection.js';
import { createApp } from './app.js';
import { listenHost, type AuthSettings } from '../infra/auth-settings.js';

export interface RunningApi {
  host: string;
  port: number;
  client: Client;
  stop(): Promise<void>;
}

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

export async function startApi(config: Config, address: string, pool: Pool, logger: Logger, auth: AuthSettings): Promise<RunningApi> {
  const dataConverter = dataConverterFromConfig(config);
  const connection = await connectClient(config, address);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const app = createApp({ client, pool, logger, config, auth });
  const host = listenHost(config, auth);
  const server = createServer(app);
  applyServerTimeouts(server, config);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
      await connection.close();
    },
  };
}
