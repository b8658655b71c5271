/**
 * The case worker: runs the case workflows and their activities on one task queue. The one factory
 * of case workers: the worker process, the API test stack and the workflow tests all build theirs here.
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerInterceptors, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { PaymentsAdapter } from '../activities/payments.js';
import type { Pool } from '../db/pool.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../processes/workflows.ts', import.meta.url));

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  /**
   * The workflow code: a bundle built in this process (tests) or a prebuilt bundle file
   * (`{ codePath }`, npm run build); without it the workflows are bundled at start-up.
   */
  workflowBundle?: WorkflowBundleOption;
  /** Where payments go; the local PostgreSQL ledger by default. */
  payments?: PaymentsAdapter;
  /** The encrypting data converter (infra/payload-codec.ts); the same on every client and worker. */
  dataConverter: DataConverter;
  /** Cases kept in the sticky cache (WORKER_MAX_CACHED_CASES); the SDK's heap-based default when omitted. */
  maxCachedWorkflows?: number;
  /** Worker interceptors (bench/side-by-side.ts times every activity with one); none by default. */
  interceptors?: WorkerInterceptors;
}

export async function createCaseWorker(o: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    dataConverter: o.dataConverter,
    activities: createActivities({ pool: o.pool, ...(o.payments ? { payments: o.payments } : {}) }),
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(o.interceptors ? { interceptors: o.interceptors } : {}),
    ...(o.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
  });
}
