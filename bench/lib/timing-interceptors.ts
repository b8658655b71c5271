/**
 * Where a case's time goes, seen from inside the process: an activity interceptor times every
 * activity's execute() by activity type (worker side), and a workflow-client interceptor times the
 * API's calls to Temporal (start, query, update) by kind. Both record into a Tally the bench clears
 * after its warm-up.
 */
import { performance } from 'node:perf_hooks';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Tally } from './stats.js';

async function timed<T>(tally: Tally, name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    tally.add(name, performance.now() - started);
  }
}

/** Times each activity's execution (what the worker spends on it, PostgreSQL waits included). */
export function activityTimer(tally: Tally): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: (input, next) => timed(tally, ctx.info.activityType, () => next(input)),
    },
  });
}

/**
 * Times the Temporal calls a client makes. `update` covers executeUpdate's request until the
 * server answers with the outcome (the update's run in the workflow included).
 */
export function clientTimer(tally: Tally): WorkflowClientInterceptor {
  return {
    start: (input, next) => timed(tally, 'start', () => next(input)),
    query: (input, next) => timed(tally, `query ${input.queryType}`, () => next(input)),
    startUpdate: (input, next) => timed(tally, `update ${input.updateName}`, () => next(input)),
  };
}
