// Integration test for the local infrastructure helpers: both servers must persist their state
// across a stop/start on the same data dir / db file (that is what `npm start` relies on).
import { chmodSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { devServerExecutable, resolveTemporalCli, resolveTestServer } from '../infra/binaries.js';
import { ensureDatabase, startEmbeddedPostgres } from '../infra/embedded-postgres.js';
import { getFreePort } from '../infra/ports.js';
import { startDevServer } from '../infra/temporal-dev-server.js';

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'onestop-infra-'));
// As root, postgres runs as the `postgres` user, which must be able to enter the temp dir.
chmodSync(tmpRoot, 0o755);

afterAll(() => {
  rmSync(tmpRoot, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A pid that certainly belongs to no running process (a child that already exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('binaries', () => {
  it('resolves the installed CLI and test server', () => {
    const cli = resolveTemporalCli();
    expect(cli).toBeDefined();
    expect(existsSync(cli!)).toBe(true);
    expect(resolveTestServer()).toMatch(/temporal-test-server$/);
    expect(devServerExecutable()).toEqual({ type: 'existing-path', path: cli });
  });

  it('throws when the env override points nowhere', () => {
    const prev = process.env.TEMPORAL_CLI_PATH;
    process.env.TEMPORAL_CLI_PATH = path.join(tmpRoot, 'does-not-exist');
    try {
      expect(() => resolveTemporalCli()).toThrow(/TEMPORAL_CLI_PATH/);
    } finally {
      if (prev === undefined) delete process.env.TEMPORAL_CLI_PATH;
      else process.env.TEMPORAL_CLI_PATH = prev;
    }
  });
});

describe('embedded postgres', () => {
  it('persists data across restarts on the same data dir', async () => {
    const dataDir = path.join(tmpRoot, 'pg');

    const first = await startEmbeddedPostgres({ dataDir });
    try {
      expect(first.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/onestop$/);
      expect(await query<{ one: number }>(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);
      const [enc] = await query<{ server_encoding: string }>(first.url, 'show server_encoding');
      expect(enc?.server_encoding).toBe('UTF8');
      await query(first.url, `create table persisted (v text); insert into persisted values ('kept ✓')`);
    } finally {
      await first.stop();
    }

    // Simulate a run killed with SIGKILL: a leftover postmaster.pid naming a dead process.
    const pidFile = path.join(dataDir, 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(false);
    writeFileSync(pidFile, `${deadPid()}\n${dataDir}\n`);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(second.url).not.toBe(first.url); // new free port, same cluster
      expect(await query<{ v: string }>(second.url, 'select v from persisted')).toEqual([{ v: 'kept ✓' }]);

      // ensureDatabase is idempotent and yields a usable URL for the new database.
      const other = await ensureDatabase(second.url, 'per_test_db');
      expect(await ensureDatabase(second.url, 'per_test_db')).toBe(other);
      expect(await query<{ db: string }>(other, 'select current_database() as db')).toEqual([{ db: 'per_test_db' }]);
    } finally {
      await second.stop();
    }
  });
});

describe('temporal dev server', () => {
  it('registers search attributes and keeps them across restarts on the same db file', async () => {
    const dbFile = path.join(tmpRoot, 'temporal', 'dev.db');
    const namespace = 'onestop-test';
    const searchAttributes = { CaseStatus: 'Keyword', CaseOverdue: 'Bool' } as const;

    const listCustom = async (address: string) => {
      const conn = await Connection.connect({ address });
      try {
        const res = await conn.operatorService.listSearchAttributes({ namespace });
        return res.customAttributes ?? {};
      } finally {
        await conn.close();
      }
    };

    const first = await startDevServer({ dbFile, namespace, uiPort: false, searchAttributes });
    try {
      expect(first.namespace).toBe(namespace);
      const attrs = await listCustom(first.address);
      expect(attrs).toMatchObject({ CaseStatus: 2, CaseOverdue: 5 }); // IndexedValueType KEYWORD, BOOL
    } finally {
      await first.stop();
    }
    expect(existsSync(dbFile)).toBe(true);

    // Same db file, same flags (must not fail on already-registered attributes), plus one new
    // attribute: the CLI skips --search-attribute for existing namespaces, startDevServer adds it.
    const second = await startDevServer({
      dbFile,
      namespace,
      uiPort: false,
      searchAttributes: { ...searchAttributes, CaseDueAt: 'Datetime' },
    });
    try {
      const attrs = await listCustom(second.address);
      expect(attrs).toMatchObject({ CaseStatus: 2, CaseOverdue: 5, CaseDueAt: 6 });
    } finally {
      await second.stop();
    }

    // A conflicting type for an existing attribute is reported, and the server is not left running.
    await expect(startDevServer({ dbFile, namespace, uiPort: false, searchAttributes: { CaseStatus: 'Text' } })).rejects.toThrow(/CaseStatus \(wanted Text/);
  });
});

describe('temporal dev server failures', () => {
  it('says which port is taken instead of connecting to whatever listens there', async () => {
    const squatter = net.createServer();
    const port = await getFreePort();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startDevServer({ port, uiPort: false, searchAttributes: {} })).rejects.toThrow(`gRPC port 127.0.0.1:${port} is taken`);
      await expect(startDevServer({ uiPort: port, searchAttributes: {} })).rejects.toThrow(`Web UI port 127.0.0.1:${port} is taken`);
    } finally {
      squatter.close();
    }
  });

  it('reports a server that exits at once (after the SDK waited its 5 s), here on a db file that is not a database', async () => {
    const dbFile = path.join(tmpRoot, 'not-a-database.db');
    writeFileSync(dbFile, 'not SQLite: '.repeat(100));
    const error = await startDevServer({ dbFile, uiPort: false, searchAttributes: {} }).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(error).toMatch(/^the Temporal dev server did not start on 127\.0\.0\.1:\d+ with /);
    expect(error).toContain(`with ${dbFile}: `);
    expect(error).toContain('did not start within 5s');
    expect(error, 'a server that exited by itself is not started again').not.toContain('attempts');
  });

  it('starts a server again that was still starting when the SDK stopped waiting', async () => {
    // A CLI that hangs past core's 5 s on its first run (as a busy machine or a large db file can make it)
    // and starts normally on the next: the first process is still running when core gives up.
    const realCli = resolveTemporalCli();
    expect(realCli, 'scripts/setup-tools.sh installs the Temporal CLI').toBeDefined();
    const marker = path.join(tmpRoot, 'slow-cli-ran-once');
    const slowCli = path.join(tmpRoot, 'slow-temporal');
    writeFileSync(slowCli, `#!/bin/sh\nif [ ! -e '${marker}' ]; then touch '${marker}'; sleep 8; exit 1; fi\nexec '${realCli}' "$@"\n`, { mode: 0o755 });
    const before = process.env.TEMPORAL_CLI_PATH;
    process.env.TEMPORAL_CLI_PATH = slowCli;
    try {
      const server = await startDevServer({ uiPort: false, searchAttributes: {} });
      try {
        expect(existsSync(marker)).toBe(true);
        expect(await isListening(Number(server.address.split(':')[1]))).toBe(true);
      } finally {
        await server.stop();
      }
    } finally {
      if (before === undefined) delete process.env.TEMPORAL_CLI_PATH;
      else process.env.TEMPORAL_CLI_PATH = before;
    }
  });

  it('leaves no server running when the process that started it exits without stopping it', async () => {
    const port = await getFreePort();
    const script = `
      import { startDevServer } from ${JSON.stringify(path.resolve(import.meta.dirname, '../infra/temporal-dev-server.ts'))};
      await startDevServer({ port: ${port}, uiPort: false, searchAttributes: {} });
      console.log('started');
      process.exit(0);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
    expect(out).toContain('started');
    await expect.poll(() => isListening(port), { timeout: 5_000 }).toBe(false);
  });
});

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
