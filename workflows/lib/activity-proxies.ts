/** How case workflows call their activities (activities/index.ts): the one place their options are set. */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../../activities/index.js';

/**
 * Activities retry with backoff without limit: a database that is down delays a case, it does not
 * fail it. Every activity is idempotent (keys in the input), so a retry never writes twice. What
 * retrying cannot cure fails at once (DataRefused, activities/database-failures.ts) and raises an
 * incident (incidents.ts).
 */
export const activities = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Short, idempotent database writes as local activities (the projection with its notifications,
 * formal numbers, incidents): each runs inside the workflow task that asks for it, so it costs one
 * marker event instead of an activity's three events and the workflow task its completion would
 * wake. A database that is down is retried as before; past `localRetryThreshold` the wait between
 * attempts is a workflow timer, so a case waiting out an outage holds no workflow-task or
 * local-activity slot that other cases need (the SDK's default threshold is a minute).
 */
export const localActivities = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
