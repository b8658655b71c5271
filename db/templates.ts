/** Template versions in PostgreSQL: deploy (next version, immutable), read latest or a given version. */
import type { Pool } from './pool.js';
import { withTransaction } from './transaction.js';
import { canonicalJson } from '../common/canonical-json.js';
import type { Template } from '../processes/registry.js';

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
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('template:' || $1))", [t.id]);
    const { rows } = await client.query<Row>(
      `INSERT INTO templates (id, version, kind, title, body, deployed_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5 FROM templates WHERE id = $1
       RETURNING *`,
      [t.id, t.kind, t.title, JSON.stringify(t), deployedBy],
    );
    return toStored(rows[0] as Row);
  });
}

export async function getTemplate(pool: Pool, id: string, version?: number): Promise<StoredTemplate | undefined> {
  const { rows } = version
    ? await pool.query<Row>('SELECT * FROM templates WHERE id = $1 AND version = $2', [id, version])
    : await pool.query<Row>('SELECT * FROM templates WHERE id = $1 ORDER BY version DESC LIMIT 1', [id]);
  return rows[0] && toStored(rows[0]);
}

/** The latest version of every template. */
export async function listTemplates(pool: Pool): Promise<{ id: string; version: number; kind: string; title: string }[]> {
  const { rows } = await pool.query('SELECT DISTINCT ON (id) id, version, kind, title FROM templates ORDER BY id, version DESC');
  return rows;
}

/** Who deploys the built-ins. */
export const SEED_DEPLOYER = 'system:seed';

/**
 * Seeds a built-in template: deployed as a new version when the shipped file differs from the
 * version last seeded (so editing a built-in file rolls it forward; running cases keep theirs), or
 * when none was seeded and the latest differs. A version an admin deployed since is left as the
 * latest: a restart does not undo it, only a changed file does.
 */
export async function seedTemplate(pool: Pool, t: Template): Promise<{ version: number; deployed: boolean }> {
  const latest = await getTemplate(pool, t.id);
  const { rows } = await pool.query<{ body: Template }>('SELECT body FROM templates WHERE id = $1 AND deployed_by = $2 ORDER BY version DESC LIMIT 1', [
    t.id,
    SEED_DEPLOYER,
  ]);
  const seeded = rows[0]?.body ?? latest?.body;
  if (latest && seeded && canonicalJson(seeded) === canonicalJson(t)) return { version: latest.version, deployed: false };
  const stored = await deployTemplate(pool, t, SEED_DEPLOYER);
  return { version: stored.version, deployed: true };
}
