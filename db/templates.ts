/** Template versions in PostgreSQL: deploy (next version, immutable), read latest or a given version. */
import type { Pool } from './pool.js';
import type { Template } from '../templates/schema.js';

export interface StoredTemplate {
  id: string;
  version: number;
  kind: string;
  title: string;
  body: Template;
  deployedBy: string;
  deployedAt: string;
}

interface Row {
  id: string;
  version: number;
  kind: string;
  title: string;
  body: Template;
  deployed_by: string;
  deployed_at: Date;
}

const toStored = (r: Row): StoredTemplate => ({
  id: r.id,
  version: r.version,
  kind: r.kind,
  title: r.title,
  body: r.body,
  deployedBy: r.deployed_by,
  deployedAt: r.deployed_at.toISOString(),
});

/**
 * Deploys `t` as the next version of its id. Concurrent deploys of one id are serialised by a
 * transaction-scoped advisory lock, so versions never collide or skip.
 */
export async function deployTemplate(pool: Pool, t: Template, deployedBy: string): Promise<StoredTemplate> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('template:' || $1))", [t.id]);
    const { rows } = await client.query<Row>(
      `INSERT INTO templates (id, version, kind, title, body, deployed_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5 FROM templates WHERE id = $1
       RETURNING *`,
      [t.id, t.kind, t.title, JSON.stringify(t), deployedBy],
    );
    await client.query('COMMIT');
    return toStored(rows[0] as Row);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function getTemplate(pool: Pool, id: string, version?: number): Promise<StoredTemplate | undefined> {
  const { rows } = version
    ? await pool.query<Row>('SELECT * FROM templates WHERE id = $1 AND version = $2', [id, version])
    : await pool.query<Row>('SELECT * FROM templates WHERE id = $1 ORDER BY version DESC LIMIT 1', [id]);
  return rows[0] && toStored(rows[0]);
}

/** The latest version of every template. */
export async function listTemplates(pool: Pool): Promise<{ id: string; version: number; kind: string; title: string }[]> {
  const { rows } = await pool.query(
    'SELECT DISTINCT ON (id) id, version, kind, title FROM templates ORDER BY id, version DESC',
  );
  return rows;
}

/**
 * Seeds a built-in template: deployed as a new version when no version exists or the latest differs
 * from the shipped file (so editing a built-in file rolls it forward; running cases keep theirs).
 */
export async function seedTemplate(pool: Pool, t: Template): Promise<{ version: number; deployed: boolean }> {
  const latest = await getTemplate(pool, t.id);
  if (latest && JSON.stringify(canonical(latest.body)) === JSON.stringify(canonical(t))) return { version: latest.version, deployed: false };
  const stored = await deployTemplate(pool, t, 'system:seed');
  return { version: stored.version, deployed: true };
}

/** JSON with object keys sorted, so jsonb's key reordering does not look like a change. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}
