/** One transaction on one pooled connection: committed when `work` resolves, rolled back when it throws. */
import type pg from 'pg';
import type { Pool } from './pool.js';

/**
 * Whether the connection itself is gone (the server ended it, the socket closed): then nothing more
 * can be sent on it, not even ROLLBACK (pg would wait for an answer that never comes), and the
 * server has rolled the transaction back already.
 */
function connectionLost(err: unknown): boolean {
  const e = err as { severity?: string; message?: string } | undefined;
  return e?.severity === 'FATAL' || /Connection terminated|not queryable/.test(e?.message ?? '');
}

export async function withTransaction<T>(pool: Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out connection that dies between queries emits 'error'; unheard, it would end the process.
  let lost: unknown;
  const onError = (err: unknown) => (lost = err);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    lost ??= connectionLost(err) ? err : undefined;
    if (!lost) await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', onError);
    // A lost connection is destroyed, not handed to the next caller.
    client.release(lost ? (lost as Error) : undefined);
  }
}
