/**
 * Health and readiness, public and counted by no rate limit (a probe asks every few seconds from one
 * address, and must be answered while the database that counts the limits is down):
 * - `/healthz`: this API process and what it needs to serve (Temporal, PostgreSQL); for a load balancer.
 * - `/readyz`: the engine as a whole, for monitoring and deploy gates: also whether workers take the
 *   cases' tasks (pollers on the task queue, its backlog and the age of its oldest task) and how many
 *   cases are stopped on an incident. 503 when a dependency is down or no worker takes tasks in time.
 */
import type { Client } from '@temporalio/client';
// @temporalio/proto is CommonJS: its namespace is read from the default export at run time.
import proto from '@temporalio/proto';
import { countIncidents } from '../../db/incidents.js';
import type { Pool } from '../../db/pool.js';
import type { Routes } from '../route.js';
import { z } from 'zod';

const HealthSchema = z
  .object({ status: z.enum(['ok', 'degraded']), temporal: z.enum(['up', 'down']), database: z.enum(['up', 'down']) })
  .meta({ id: 'Health' });

const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    reasons: z.array(z.string()).describe('Why not ready (empty when ready)'),
    temporal: z.enum(['up', 'down']),
    database: z.enum(['up', 'down']),
    worker: z.object({
      status: z.enum(['up', 'down', 'unknown']).describe('up: a worker polls the task queue and no task waits too long; unknown: the server cannot say'),
      pollers: z.number().int().describe('Workers seen polling the workflow task queue lately'),
      backlog: z.number().int().describe('Workflow tasks waiting (approximate)'),
      oldestTaskAgeSeconds: z.number().describe('Age of the oldest waiting workflow task'),
    }),
    incidents: z.number().int().nullable().describe('Cases stopped on an incident (GET /v1/incidents); null when PostgreSQL does not answer'),
  })
  .meta({ id: 'Readiness' });

/** A poller not seen for this long is a worker that has gone (the server keeps pollers listed a while). */
const POLLER_SEEN_SECONDS = 90;

async function probe<T>(check: () => Promise<T>, ms = 2000): Promise<{ ok: true; value: T } | { ok: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)));
  try {
    return { ok: true, value: await Promise.race([check(), timeout]) };
  } catch {
    return { ok: false };
  } finally {
    clearTimeout(timer);
  }
}

const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined): number => (d ? Number(d.seconds ?? 0) + (d.nanos ?? 0) / 1e9 : 0);

interface WorkerState {
  status: 'up' | 'down' | 'unknown';
  pollers: number;
  backlog: number;
  oldestTaskAgeSeconds: number;
}

/** The cases' workflow task queue as Temporal sees it: who polls it, and what waits on it. */
async function workerState(client: Client, taskQueue: string, maxTaskAgeSeconds: number): Promise<WorkerState> {
  const r = await probe(() =>
    client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    }),
  );
  // A server without the call (the time-skipping test server) cannot say.
  if (!r.ok) return { status: 'unknown', pollers: 0, backlog: 0, oldestTaskAgeSeconds: 0 };
  const nowS = Date.now() / 1000;
  const pollers = (r.value.pollers ?? []).filter((p) => nowS - seconds(p.lastAccessTime) < POLLER_SEEN_SECONDS).length;
  const backlog = Number(r.value.stats?.approximateBacklogCount ?? 0);
  const oldestTaskAgeSeconds = Math.round(seconds(r.value.stats?.approximateBacklogAge) * 10) / 10;
  const status = pollers > 0 && oldestTaskAgeSeconds <= maxTaskAgeSeconds ? 'up' : 'down';
  return { status, pollers, backlog, oldestTaskAgeSeconds };
}

export interface ReadinessSettings {
  taskQueue: string;
  /** READY_MAX_TASK_AGE_MS: a workflow task older than this on the queue means no worker is taking the cases' tasks. */
  maxTaskAgeMs: number;
}

export function healthRoutes(routes: Routes, pool: Pool, client: Client, { taskQueue, maxTaskAgeMs }: ReadinessSettings): void {
  const maxTaskAgeSeconds = maxTaskAgeMs / 1000;
  const dependencies = async () => {
    const [t, d] = await Promise.all([probe(() => client.workflowService.getSystemInfo({})), probe(() => pool.query('SELECT 1'))]);
    return { temporal: t.ok ? ('up' as const) : ('down' as const), database: d.ok ? ('up' as const) : ('down' as const) };
  };

  routes.add({
    method: 'get',
    path: '/healthz',
    summary: 'Health of this API process and its dependencies (Temporal, PostgreSQL)',
    tag: 'operations',
    public: true,
    unlimited: true,
    responses: { 200: { description: 'All up', schema: HealthSchema }, 503: { description: 'A dependency is down', schema: HealthSchema } },
    handler: async () => {
      const { temporal: t, database } = await dependencies();
      const ok = t === 'up' && database === 'up';
      return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', temporal: t, database } };
    },
  });

  routes.add({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness of the engine: dependencies, whether workers take the cases\u2019 tasks, cases stopped on an incident',
    tag: 'operations',
    public: true,
    unlimited: true,
    responses: {
      200: { description: 'Ready: dependencies up, and workers take tasks (or the server cannot say)', schema: ReadinessSchema },
      503: { description: 'Not ready, with the reasons', schema: ReadinessSchema },
    },
    handler: async () => {
      const [deps, worker, incidents] = await Promise.all([
        dependencies(),
        workerState(client, taskQueue, maxTaskAgeSeconds),
        probe(() => countIncidents(pool)),
      ]);
      const reasons: string[] = [];
      if (deps.temporal === 'down') reasons.push('Temporal does not answer');
      if (deps.database === 'down') reasons.push('PostgreSQL does not answer');
      if (deps.temporal === 'up' && worker.status === 'down') {
        reasons.push(
          worker.pollers === 0
            ? `no worker polls the task queue ${taskQueue}`
            : `the oldest workflow task has waited ${worker.oldestTaskAgeSeconds} s (more than ${maxTaskAgeSeconds} s)`,
        );
      }
      const ready = reasons.length === 0;
      return {
        status: ready ? 200 : 503,
        body: { status: ready ? 'ready' : 'not-ready', reasons, ...deps, worker, incidents: incidents.ok ? incidents.value : null },
      };
    },
  });
}
