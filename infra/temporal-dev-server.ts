// Starts a local Temporal dev server (`temporal server start-dev`) for development and tests.
//
// We spawn the CLI ourselves instead of always going through @temporalio/testing because:
//  - we want the sqlite pragmas (WAL) and a persistent db file for `npm start`,
//  - @temporalio/testing is a devDependency and pulls in the native worker bridge.
// The SDK path is only a fallback when no CLI binary is installed (it downloads one).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { Logger } from 'pino';
import { typeOfCliName, type SearchAttributeTypeName } from '../common/search-attributes.js';
import { devServerExecutable, resolveTemporalCli, type EphemeralServerExecutable } from './binaries.js';
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
  /** Extra CLI args (e.g. `--dynamic-config-value`), appended verbatim. */
  extraArgs?: string[];
  /** How long to wait for the frontend to answer. Default 60 s. */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** host:port of the gRPC frontend, for Connection.connect / NativeConnection.connect. */
  address: string;
  namespace: string;
  /** Web UI URL when the UI is enabled. */
  uiUrl?: string;
  /** 'cli' = our own spawned binary, 'sdk' = @temporalio/testing fallback. */
  via: 'cli' | 'sdk';
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const STOP_GRACE_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Keeps the last N lines of the server output for error messages. */
class Tail {
  private lines: string[] = [];
  constructor(private readonly max = 60) {}
  push(chunk: string): string[] {
    const lines = chunk.split(/\r?\n/).filter((l) => l.trim() !== '');
    this.lines.push(...lines);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    return lines;
  }
  toString(): string {
    return this.lines.join('\n');
  }
}

function searchAttributeArgs(attrs: Record<string, SearchAttributeTypeName>): string[] {
  return Object.entries(attrs).flatMap(([name, type]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid search attribute name: ${name}`);
    if (!typeOfCliName(type)) throw new Error(`invalid search attribute type for ${name}: ${String(type)}`);
    return ['--search-attribute', `${name}=${type}`];
  });
}

// WAL lets the server use concurrent readers; synchronous=normal is the usual WAL pairing
// (durable across app crashes, may lose the last commits on power loss - fine for dev).
// Note: the CLI forwards any --sqlite-pragma KEY=VALUE to the sqlite DSN unvalidated.
const SQLITE_PRAGMA_ARGS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

function uiCodecArgs(opts: DevServerOptions): string[] {
  return opts.uiCodecEndpoint && opts.uiPort !== false ? ['--ui-codec-endpoint', opts.uiCodecEndpoint] : [];
}

interface Normalized extends DevServerOptions {
  namespace: string;
  port: number;
  uiPort: number | false;
  dbFile?: string;
  startTimeoutMs: number;
}

async function normalize(opts: DevServerOptions): Promise<Normalized> {
  const dbFile = opts.dbFile ? path.resolve(opts.dbFile) : undefined;
  if (dbFile) mkdirSync(path.dirname(dbFile), { recursive: true });
  const { dbFile: _ignored, ...rest } = opts;
  return {
    ...rest,
    ...(dbFile ? { dbFile } : {}),
    namespace: opts.namespace ?? 'default',
    port: opts.port || (await getFreePort()),
    uiPort: opts.uiPort === false ? false : opts.uiPort || (await getFreePort()),
    startTimeoutMs: opts.startTimeoutMs ?? 60_000,
  };
}

/**
 * Waits until the frontend answers and `namespace` is registered.
 * Returns an open Connection (caller closes it). Aborts early if `exited()` reports a dead process.
 */
async function waitUntilReady(address: string, namespace: string, timeoutMs: number, exited: () => string | undefined): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    const why = exited();
    if (why) throw new Error(why);
    const conn = Connection.lazy({ address, connectTimeout: 2_000 });
    try {
      await conn.ensureConnected();
      // The frontend can accept calls slightly before the namespace registry is populated.
      await conn.workflowService.describeNamespace({ namespace });
      return conn;
    } catch (err) {
      lastErr = err;
      await conn.close().catch(() => undefined);
      await sleep(200);
    }
  }
  const why = exited();
  if (why) throw new Error(why);
  throw new Error(`Temporal dev server at ${address} not ready after ${timeoutMs} ms: ${String(lastErr)}`);
}

/**
 * The CLI registers --search-attribute only on namespaces it creates in that launch, so with a
 * reused db file newly added attributes would be silently missing. Add whatever is missing here;
 * a type mismatch is an error because workflows would fail at runtime anyway.
 */
async function reconcileSearchAttributes(conn: Connection, namespace: string, wanted: Record<string, SearchAttributeTypeName>, logger?: Logger): Promise<void> {
  // Every name was checked by searchAttributeArgs before the server started.
  const types = Object.fromEntries(Object.entries(wanted).map(([name, type]) => [name, typeOfCliName(type) as SearchAttributeType]));
  await registerSearchAttributes(conn, namespace, types, logger);
}

/** Starts a Temporal dev server; see DevServerOptions. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const opts = await normalize(options);
  const { namespace, port, uiPort, dbFile } = opts;
  const log = opts.logger?.child({ component: 'temporal-dev-server' });

  const cli = resolveTemporalCli();
  if (!cli) {
    log?.warn('temporal CLI not found (run scripts/setup-tools.sh); falling back to the SDK download');
    return await startViaSdk(opts, { type: 'cached-download' });
  }

  const args = [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    '--namespace',
    namespace,
    ...searchAttributeArgs(opts.searchAttributes),
    '--log-level',
    'warn',
    ...(dbFile ? ['--db-filename', dbFile, ...SQLITE_PRAGMA_ARGS] : []),
    ...(uiPort === false ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...uiCodecArgs(opts),
    ...(opts.extraArgs ?? []),
  ];
  const address = `${HOST}:${port}`;
  const started = Date.now();
  log?.debug({ cli, args }, 'spawning temporal dev server');

  const child: ChildProcess = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new Tail();
  const onOutput = (stream: 'stdout' | 'stderr') => (buf: Buffer) => {
    for (const line of tail.push(buf.toString('utf8'))) log?.debug({ stream }, line);
  };
  child.stdout?.on('data', onOutput('stdout'));
  child.stderr?.on('data', onOutput('stderr'));

  let exitInfo: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = `code ${String(code)}, signal ${String(signal)}`;
      resolve();
    });
    child.once('error', (err) => {
      exitInfo = `spawn error: ${err.message}`;
      resolve();
    });
  });
  // Don't leave an orphan server holding the port/db file if this Node process exits without stop().
  const killOnExit = () => {
    if (exitInfo === undefined) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    if (exitInfo !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      log?.warn('temporal dev server did not exit after SIGTERM, sending SIGKILL');
      child.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await exitPromise;
    clearTimeout(timer);
  };

  let conn: Connection | undefined;
  try {
    conn = await waitUntilReady(address, namespace, opts.startTimeoutMs, () =>
      exitInfo === undefined ? undefined : `temporal dev server exited early (${exitInfo}); output tail:\n${tail.toString()}`,
    );
    await reconcileSearchAttributes(conn, namespace, opts.searchAttributes, log);
  } catch (err) {
    await stop();
    if (err instanceof Error && !err.message.includes('output tail')) {
      err.message += `\nserver output tail:\n${tail.toString()}`;
    }
    throw err;
  } finally {
    await conn?.close().catch(() => undefined);
  }

  log?.info({ address, namespace, dbFile, ms: Date.now() - started }, 'temporal dev server ready');
  return {
    address,
    namespace,
    ...(uiPort === false ? {} : { uiUrl: `http://${HOST}:${uiPort}` }),
    via: 'cli',
    stop,
  };
}

/**
 * Fallback through @temporalio/testing (by default it downloads and caches the CLI on first use).
 * Exported with an explicit executable so this path can be tested even when a CLI is installed.
 */
export async function startViaSdk(options: DevServerOptions, executable: EphemeralServerExecutable = devServerExecutable()): Promise<DevServer> {
  const opts = await normalize(options);
  const { namespace, port, uiPort, dbFile } = opts;
  // Dynamic import: devDependency with a native addon; only load it when actually needed.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const log = opts.logger?.child({ component: 'temporal-dev-server' });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      ip: HOST,
      port,
      namespace,
      ...(dbFile ? { dbFilename: dbFile } : {}),
      ...(uiPort === false ? { ui: false } : { ui: true, uiPort }),
      log: { format: 'pretty', level: 'warn' },
      // Raw CLI args: same behaviour as the spawn path and no SearchAttributeKey mapping needed.
      extraArgs: [...searchAttributeArgs(opts.searchAttributes), ...(dbFile ? SQLITE_PRAGMA_ARGS : []), ...uiCodecArgs(opts), ...(opts.extraArgs ?? [])],
    },
  });
  const address = env.address;
  let conn: Connection | undefined;
  try {
    conn = await waitUntilReady(address, namespace, opts.startTimeoutMs, () => undefined);
    await reconcileSearchAttributes(conn, namespace, opts.searchAttributes, log);
  } catch (err) {
    await env.teardown();
    throw err;
  } finally {
    await conn?.close().catch(() => undefined);
  }
  log?.info({ address, namespace, dbFile }, 'temporal dev server ready (via @temporalio/testing)');
  let stopped = false;
  return {
    address,
    namespace,
    ...(uiPort === false ? {} : { uiUrl: `http://${HOST}:${uiPort}` }),
    via: 'sdk',
    async stop() {
      if (stopped) return;
      stopped = true;
      await env.teardown();
    },
  };
}
