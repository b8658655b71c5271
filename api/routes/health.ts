/** Liveness with dependencies: 200 when Temporal and PostgreSQL answer, 503 otherwise. */
import type { Client } from '@temporalio/client';
import type { Pool } from '../../db/pool.js';
import type { Routes } from '../route.js';
import { HealthSchema } from '../schemas.js';

async function probe(check: () => Promise<unknown>, ms = 2000): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)));
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(routes: Routes, pool: Pool, client: Client): void {
  routes.add({
    method: 'get',
    path: '/healthz',
    summary: 'Health of the API and its dependencies',
    tag: 'operations',
    public: true,
    responses: { 200: { description: 'All up', schema: HealthSchema }, 503: { description: 'A dependency is down', schema: HealthSchema } },
    handler: async () => {
      const [temporal, database] = await Promise.all([probe(() => client.workflowService.getSystemInfo({})), probe(() => pool.query('SELECT 1'))]);
      const ok = temporal === 'up' && database === 'up';
      return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', temporal, database } };
    },
  });
}
