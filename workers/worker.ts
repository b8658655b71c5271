/** The case worker: runs the case workflows and their activities on one task queue. */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { Pool } from '../db/pool.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  /** A prebuilt bundle (npm run build); without it the workflows are bundled at start-up. */
  bundlePath?: string;
  /** The encrypting data converter (infra/payload-codec.ts); the same on every client and worker. */
  dataConverter: DataConverter;
}

export async function createCaseWorker(o: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    dataConverter: o.dataConverter,
    activities: createActivities({ pool: o.pool }),
    ...(o.bundlePath ? { workflowBundle: { codePath: o.bundlePath } } : { workflowsPath: WORKFLOWS_PATH }),
  });
}
