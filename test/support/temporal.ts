/** Temporal for tests: the time-skipping server (resolved binary, never a download when installed) and one bundle per file. */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { PaymentsAdapter } from '../../activities/payments.js';
import type { Pool } from '../../db/pool.js';
import { testServerExecutable } from '../../infra/binaries.js';
import { ensureSearchAttributes } from '../../infra/search-attributes.js';
import { pino } from 'pino';
import { createCaseWorker, WORKFLOWS_PATH } from '../../workers/worker.js';
import type { WorkflowHandle } from '@temporalio/client';
import { decodeHistory } from '../../audit/decoded-history.js';
import { testDataConverter } from './payload-keys.js';

let runtimeInstalled = false;
/** Keeps the SDK's own logs to warnings, so test output shows test results. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // already installed by an earlier helper in this process
  }
}

export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testServerExecutable() },
    // Payloads are encrypted in tests as in production (a random key per test process).
    client: { dataConverter: testDataConverter },
  });
  // The workflows upsert the engine's search attributes; the test server knows only registered ones.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default', pino({ level: 'silent' }));
  return env;
}

export function bundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
}

/** A worker on its own task queue with the real activities over `pool` (and `payments`, if given). */
export async function caseWorker(env: TestWorkflowEnvironment, workflowBundle: WorkflowBundleWithSourceMap, pool: Pool, payments?: PaymentsAdapter) {
  const taskQueue = `test-${randomUUID()}`;
  const worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    pool,
    ...(payments ? { payments } : {}),
    dataConverter: testDataConverter,
  });
  return { worker, taskQueue };
}

/** A workflow's history with its payloads decoded (what the timeline reads), via the tests' codec. */
export async function readableHistory(handle: WorkflowHandle) {
  return decodeHistory(await handle.fetchHistory(), testDataConverter.payloadCodecs ?? []);
}
