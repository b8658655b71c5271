/**
 * A production entry (workers/main.ts, api/main.ts) run as a child process, as a deployment runs
 * it (`npm run worker` is `tsx workers/main.ts`): Node with tsx's loader, configured by environment
 * variables only. Its JSON log lines go to a file, which the bench reads to learn when it is up and
 * what it reports. Children are killed if the bench exits without stopping them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { processMemory, type ProcessMemory } from './process-memory.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ServiceProcess {
  pid: number;
  /** performance.now() when it was spawned. */
  spawnedAt: number;
  logFile: string;
  /** The first JSON log line for which `match` holds; rejects after `timeoutMs` or if the process exits first. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  memory(): ProcessMemory;
  /** SIGTERM (the entries stop gracefully on it), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Path from the repository root, e.g. `workers/main.ts`. */
  entry: string;
  env: Record<string, string>;
  logFile: string;
  /** Node flags before the loader, e.g. `--max-old-space-size=1024`. */
  nodeArgs?: string[];
}

export function startService(o: ServiceOptions): ServiceProcess {
  const fd = openSync(o.logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', o.entry], {
    cwd: REPO,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  running.add(child);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      running.delete(child);
      resolve();
    }),
  );
  const tail = () => readFileSync(o.logFile, 'utf8').split('\n').slice(-20).join('\n');

  return {
    pid: child.pid!,
    spawnedAt,
    logFile: o.logFile,
    async waitForLog(match, timeoutMs = 120_000) {
      const deadline = performance.now() + timeoutMs;
      let offset = 0;
      let partial = '';
      for (;;) {
        const text = readFileSync(o.logFile, 'utf8');
        const fresh = partial + text.slice(offset);
        offset = text.length;
        const lines = fresh.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.startsWith('{')) continue;
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            if (match(parsed)) return parsed;
          } catch {
            // not one of its JSON lines
          }
        }
        if (exited !== undefined) throw new Error(`${o.entry} exited (${exited}) before it logged what the bench waits for:\n${tail()}`);
        if (performance.now() > deadline) throw new Error(`${o.entry} did not log what the bench waits for within ${timeoutMs} ms:\n${tail()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    memory: () => processMemory(child.pid!),
    async stop() {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
