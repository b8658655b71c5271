/**
 * Starts a local Temporal dev server (`temporal server start-dev`) for `npm start` and the tests, through
 * @temporalio/testing's `TestWorkflowEnvironment.createLocal`: the SDK's core spawns the CLI (the one
 * scripts/setup-tools.sh installs; the SDK's cached download when there is none), waits until it answers
 * and kills it on `stop()`. On top of that this module adds what `npm start` relies on: the SQLite pragmas
 * of a persistent file, the Web UI's codec endpoint, search attributes that also reach a namespace an older
 * db file already holds, a clear error when a port is taken, and no server left behind by an exit.
 *
 * What core does differently from a spawner of our own (docs/testing.md, "The Temporal dev server"):
 * - It instantiates the Temporal `Runtime` if none is installed, so a process that routes the SDK's logs
 *   into pino (`installTemporalLogger`) must do that before it starts a dev server.
 * - It copies the server's stdout and stderr to this process's own as they are, not to pino. We ask the
 *   server for no banner (`--output none`) and no log (JSON lines at warn with LOG_LEVEL=debug).
 * - It waits a fixed 5 s for the server to answer, then kills it. A server still running then was slow
 *   and is started again; one that exited early (a broken db file) is reported after those 5 s, with its
 *   reason in the `Error: ...` line it printed on stderr.
 * - `stop()` kills the server (SIGKILL); SQLite in WAL mode keeps every committed transaction.
 * - It kills the server only when its handle is dropped, which a process exit skips: an exit hook here does.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Connection } from '@temporalio/client';
import { defineSearchAttributeKey, type SearchAttributeType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Logger } from 'pino';
import { typeOfCliName, type SearchAttributeTypeName } from '../common/search-attributes.js';
import { devServerExecutable } from './binaries.js';
import { getFreePort } from './ports.js';
import { registerSearchAttributes } from './search-attributes.js';

export type { SearchAttributeTypeName };

export interface DevServerOptions {
  /** sqlite file for persistence; in-memory when omitted. */
  dbFile?: string;
  /** gRPC frontend port; 0/undefined picks a free port. */
  port?: number;
  /** Web UI port; 0/undefined picks a free port, false disables the UI (headless). */
  uiPort?: number | false;
  /** Namespace created at startup (the "default" namespace always exists too). Default "default". */
  namespace?: string;
  /** Custom search attributes that must exist in `namespace` (registered/reconciled at startup). */
  searchAttributes: Record<string, SearchAttributeTypeName>;
  logger?: Logger;
  /** Codec server the Web UI sends encrypted payloads to for display (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
  /** Extra CLI args (e.g. `--dynamic-config-value`), appended verbatim (a repeated flag's last value wins). */
  extraArgs?: string[];
}

export interface DevServer {
  /** host:port of the gRPC frontend, for Connection.connect / NativeConnection.connect. */
  address: string;
  namespace: string;
  /** Web UI URL when the UI is enabled. */
  uiUrl?: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** How long the namespace may take to appear after the frontend answers. */
const NAMESPACE_WAIT_MS = 10_000;

// WAL lets the server use concurrent readers; synchronous=normal is the usual WAL pairing
// (durable across process crashes and kills, may lose the last commits on power loss - fine for dev).
// Note: the CLI forwards any --sqlite-pragma KEY=VALUE to the sqlite DSN unvalidated.
const SQLITE_PRAGMA_ARGS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

/** The attributes as the SDK's keys; names and types are checked here, since a bad one only makes the CLI exit. */
function searchAttributeTypes(attrs: Record<string, SearchAttributeTypeName>): Record<string, SearchAttributeType> {
  return Object.fromEntries(
    Object.entries(attrs).map(([name, typeName]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid search attribute name: ${name}`);
      const type = typeOfCliName(typeName);
      if (!type) throw new Error(`invalid search attribute type for ${name}: ${String(typeName)}`);
      return [name, type];
    }),
  );
}

/**
 * Fails unless `port` can be bound. The CLI would exit on a taken port, but core's readiness check would
 * connect to whatever else listens there (another dev server) and report success.
 */
async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `cannot start the Temporal dev server: its ${what} port ${HOST}:${port} is taken (${err.code ?? err.message}); stop what listens there or choose another port`,
        ),
      ),
    );
    probe.listen(port, HOST, () => probe.close(() => resolve()));
  });
}

/** The frontend can answer slightly before the namespace registry has the namespace. */
async function waitForNamespace(connection: Connection, namespace: string): Promise<void> {
  const deadline = performance.now() + NAMESPACE_WAIT_MS;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      if (performance.now() > deadline) throw new Error(`namespace ${namespace} did not appear on the Temporal dev server`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The pid of this process's child that runs `start-dev` on `port` (core does not say): Linux reads /proc,
 * elsewhere `ps`; undefined when neither finds it.
 */
function serverPid(port: number): number | undefined {
  const isServer = (ppid: number, args: string[]) => ppid === process.pid && args.includes('start-dev') && args[args.indexOf('--port') + 1] === String(port);
  if (process.platform === 'linux') {
    for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); // "pid (comm) state ppid ...", comm may hold spaces
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (isServer(ppid, readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'))) return Number(pid);
      } catch {
        // gone meanwhile
      }
    }
    return undefined;
  }
  try {
    const rows = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'args='], { encoding: 'utf8' }).split('\n');
    const row = rows.map((r) => r.trim().split(/\s+/)).find(([, ppid, ...args]) => isServer(Number(ppid), args));
    return row ? Number(row[0]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Core waits a fixed 5 s for the server and then kills it. A server that is merely slow (a busy machine, a
 * large db file to open) was still running at that moment and is started again, up to this many times; one
 * that exited by itself (a db file that is not a database) is reported at once.
 */
const START_ATTEMPTS = 3;
/** A server seen running this shortly before core gave up was killed by core (which kills, then rejects). */
const STILL_RUNNING_MS = 1_000;

function isStartupTimeout(err: unknown): boolean {
  return err instanceof Error && /did not start within/.test(err.message);
}

/**
 * Watches, while core waits, whether our `start-dev` child on `port` is running: `runningWithin(ms)` is true
 * when it was last seen running less than `ms` ago. A server that exited by itself is never seen (it exits
 * at once) or was gone long before core gave up.
 */
function watchServerProcess(port: number): { runningWithin(ms: number): boolean; stop(): void } {
  let lastSeen: number | undefined;
  const timer = setInterval(() => {
    if (serverPid(port) !== undefined) lastSeen = performance.now();
  }, 200);
  return {
    runningWithin: (ms) => lastSeen !== undefined && performance.now() - lastSeen < ms,
    stop: () => clearInterval(timer),
  };
}

/** Starts a Temporal dev server; see DevServerOptions. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const types = searchAttributeTypes(options.searchAttributes);
  const dbFile = options.dbFile ? path.resolve(options.dbFile) : undefined;
  if (dbFile) mkdirSync(path.dirname(dbFile), { recursive: true });
  const port = options.port || (await getFreePort());
  const uiPort = options.uiPort === false ? false : options.uiPort || (await getFreePort());
  await assertPortFree(port, 'gRPC');
  if (uiPort !== false) await assertPortFree(uiPort, 'Web UI');
  const log = options.logger?.child({ component: 'temporal-dev-server' });
  const started = performance.now();

  const createLocal = () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: devServerExecutable(),
        ip: HOST,
        port,
        namespace,
        ...(dbFile ? { dbFilename: dbFile } : {}),
        ...(uiPort === false ? { ui: false } : { ui: true, uiPort }),
        // The CLI registers these only on a namespace it creates; reconciled below for an older db file.
        searchAttributes: Object.entries(types).map(([name, type]) => defineSearchAttributeKey(name, type)),
        // Core copies the server's output to our stdout/stderr as it is. Its log (even at error level it
        // reports core's first readiness probes as failures) only with LOG_LEVEL=debug, as JSON lines; a
        // server that cannot start still prints why (`Error: ...`, not a log line).
        log: { format: 'json', level: log?.isLevelEnabled('debug') ? 'warn' : 'never' },
        extraArgs: [
          '--output',
          'none', // no start-up banner on stdout; start.ts logs the addresses
          ...(dbFile ? SQLITE_PRAGMA_ARGS : []),
          ...(options.uiCodecEndpoint && uiPort !== false ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
          ...(options.extraArgs ?? []),
        ],
      },
    });

  let env: TestWorkflowEnvironment | undefined;
  for (let attempt = 1; !env; attempt++) {
    const watch = watchServerProcess(port);
    try {
      env = await createLocal();
    } catch (err) {
      if (watch.runningWithin(STILL_RUNNING_MS) && attempt < START_ATTEMPTS && isStartupTimeout(err)) {
        log?.warn({ port, attempt }, 'the Temporal dev server was still starting when the SDK stopped waiting (5 s); starting it again');
        continue;
      }
      throw new Error(
        `the Temporal dev server did not start on ${HOST}:${port}${dbFile ? ` with ${dbFile}` : ''}` +
          `${attempt > 1 ? ` (${attempt} attempts)` : ''}: ${err instanceof Error ? err.message : String(err)}. ` +
          'If it exited, it printed why on stderr (`Error: ...`).',
        { cause: err },
      );
    } finally {
      watch.stop();
    }
  }

  // Don't leave an orphan server holding the port and the db file if this process exits without stop().
  const pid = serverPid(port);
  if (pid === undefined) log?.warn({ port }, 'could not find the dev server process: it outlives this process unless stopped');
  const killOnExit = () => {
    if (pid !== undefined && serverPid(port) === pid) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    process.removeListener('exit', killOnExit);
    return (stopped ??= env.teardown());
  };
  try {
    await waitForNamespace(env.connection, namespace);
    await registerSearchAttributes(env.connection, namespace, types, log);
  } catch (err) {
    await stop();
    throw err;
  }

  log?.info({ address: env.address, namespace, dbFile, ms: Math.round(performance.now() - started) }, 'temporal dev server ready');
  return {
    address: env.address,
    namespace,
    ...(uiPort === false ? {} : { uiUrl: `http://${HOST}:${uiPort}` }),
    stop,
  };
}
