/**
 * Starting a case's workflow from its input, as the API opens a case (api/case-service.ts) and as the
 * scale bench opens thousands (bench/lib/case-opener.ts): the case is laid out from its input
 * (publication/first-view.ts) for its first view and search attributes, the workflow is started with
 * those attributes, and the first view is projected as publication 0, which the workflow's own first
 * publication (1) replaces: lists show the case at once, and a decision sent right away finds it
 * projected instead of querying a workflow that has not run its first task yet. The first view is
 * written in the same transaction as the start, so one never happens without the other.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type SearchAttributePair } from '@temporalio/common';
import type { CaseView } from '../common/types.js';
import { writeProjection } from '../db/cases.js';
import { withTransaction } from '../db/transaction.js';
import type { Pool } from '../db/pool.js';
import { workflowTypeOf, type OpenCaseInput } from '../processes/registry.js';
import { firstCase } from './first-view.js';

export interface CaseStarter {
  client: Client;
  pool: Pool;
  taskQueue: string;
}

/**
 * Starts the case; returns its first view, or undefined for a `retried` opening (an Idempotency-Key
 * seen before: its workflow may have started already, from an input of its own, and is read instead).
 */
export async function startCase(d: CaseStarter, input: OpenCaseInput & { openedAt: string }, retried = false): Promise<CaseView | undefined> {
  const first = firstCase(input);
  const start = async (): Promise<'started' | 'closed'> => {
    try {
      // USE_EXISTING: a retry after a crash between an idempotency key's claim and this start converges on one workflow.
      await d.client.workflow.start(workflowTypeOf(input.template.kind), {
        workflowId: input.caseId,
        taskQueue: d.taskQueue,
        args: [input],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        // Never null here (first-view.ts sets every attribute), which is all that an update pair adds.
        typedSearchAttributes: first.searchAttributes as SearchAttributePair[],
      });
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
      throw err;
    }
  };
  if (retried) {
    await start();
    return undefined;
  }
  // The first view is written before the workflow starts, in a transaction committed once it has:
  // a view PostgreSQL refuses (or a start Temporal refuses) rolls everything back and leaves no
  // workflow running unlisted, so the answer and the workflow agree. The workflow's own first
  // publication (seq 1) waits on this row's lock for the moment until the commit, then replaces it.
  const started = await withTransaction(d.pool, async (client) => {
    await writeProjection(client, first.view, 0);
    return start();
  });
  return started === 'started' ? first.view : undefined;
}
