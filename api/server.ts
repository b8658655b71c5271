/** Serves the API over HTTP until stopped. */
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import type { Config } from '../infra/config.js';
import { connectClient, dataConverterFromConfig } from '../infra/temporal-connection.js';
import { createApp } from './app.js';

export interface RunningApi {
  port: number;
  client: Client;
  stop(): Promise<void>;
}

export async function startApi(config: Config, address: string, pool: Pool, logger: Logger): Promise<RunningApi> {
  const dataConverter = dataConverterFromConfig(config);
  const connection = await connectClient(config, address);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const app = createApp({ client, pool, logger, config });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.PORT, '0.0.0.0', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  logger.info({ port }, `API listening on http://localhost:${port}`);
  return {
    port,
    client,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await connection.close();
    },
  };
}
