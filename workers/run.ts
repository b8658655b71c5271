/** Runs the case worker, the notification sender and the history archiver until stopped. */
import { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import type { Config } from '../infra/config.js';
import { connectClient, connectWorker, dataConverterFromConfig } from '../infra/temporal-connection.js';
import { installTemporalLogger } from '../infra/temporal-logger.js';
import { startArchiver } from './archiver.js';
import { channelsFromConfig } from './channels/from-config.js';
import { retryPolicyOf, startNotificationSender } from './notification-sender.js';
import { createCaseWorker } from './worker.js';

export interface RunningWorker {
  /** Settles when the worker stops (rejects if it failed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function runWorker(config: Config, address: string, pool: Pool, logger: Logger): Promise<RunningWorker> {
  installTemporalLogger(logger, config.TEMPORAL_LOG_LEVEL);
  const dataConverter = dataConverterFromConfig(config);
  const connection = await connectWorker(config, address);
  const worker = await createCaseWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    pool,
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
    dataConverter,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_CASES,
  });
  const notifyLogger = logger.child({ component: 'notifications' });
  const stopSender = startNotificationSender(pool, channelsFromConfig(config, notifyLogger), retryPolicyOf(config), notifyLogger, config.NOTIFY_INTERVAL_MS);
  const clientConnection = await connectClient(config, address);
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const stopArchiver = startArchiver(pool, client, logger.child({ component: 'archive' }), config.ARCHIVE_INTERVAL_MS);
  const done = worker.run().finally(async () => {
    await stopSender();
    await stopArchiver();
    await clientConnection.close();
    await connection.close();
  });
  // The sticky cache bounds the worker's memory (WORKER_MAX_CACHED_CASES): say what it is.
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, maxCachedWorkflows: worker.options.maxCachedWorkflows },
    'worker running',
  );
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
