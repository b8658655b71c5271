/**
 * A worker process as production runs it: `workers/main.ts` (the case worker, its notification
 * sender and its archiver) in a child process of its own, configured by the environment. Tests can
 * stop it as a deploy does (SIGTERM: a graceful shutdown) or kill it as a crash does (SIGKILL).
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';

export interface WorkerProcess {
  pid: number;
  /** The identity its Temporal worker reports (the SDK's default, `pid@host`): histories name it. */
  identity: string;
  /** Its log, one parsed pino line each (lines that are not JSON are kept as `{ msg }`). */
  logs: { level?: number; msg?: string; [k: string]: unknown }[];
  /** Settles with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, as a deploy stops it: the worker drains and the process exits. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash or an out-of-memory kill: nothing runs after it. */
  kill(): Promise<number | null>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Starts `npm run worker`'s entry with `env` on top of this process's environment (the DATABASE_URL,
 * TEMPORAL_ADDRESS, AUTH_JWT_SECRET and PAYLOAD_KEYS it requires among them) and resolves once it
 * logged that it runs.
 */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const { PAYLOAD_KEYS_FILE: _file, ...inherited } = process.env;
  // tsx as an import of this node, not its CLI: the CLI runs node as a child of its own, which a SIGKILL would orphan.
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
    cwd: ROOT,
    env: { ...inherited, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: WorkerProcess['logs'] = [];
  let pending = '';
  const onOutput = (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ msg: line });
      }
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const tail = () =>
    logs
      .slice(-20)
      .map((l) => JSON.stringify(l))
      .join('\n');
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (logs.some((l) => l.msg === 'worker running')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`the worker process exited with ${code} before it ran:\n${tail()}`));
    });
  });
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    return exited;
  };
  return {
    pid: child.pid as number,
    identity: `${child.pid}@${hostname()}`,
    logs,
    exited,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}
