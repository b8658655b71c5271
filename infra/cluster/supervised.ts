/**
 * A child process of the cluster, supervised the way the drills need it: started with its own
 * environment and log file, killed with any signal (SIGKILL included) and started again with the
 * same command, and stopped with SIGTERM (then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

export interface SupervisedSpec {
  /** A short name: frontend, history, worker-1, api-2, haproxy. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Its output goes to `<logDir>/<name>.log`, appended across restarts. */
  logDir: string;
}

export class Supervised {
  private child?: ChildProcess;
  private log?: WriteStream;
  private exited?: Promise<number | null>;
  /** How often it was started (1 after the first start). */
  starts = 0;

  constructor(readonly spec: SupervisedSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get logFile(): string {
    return path.join(this.spec.logDir, `${this.spec.name}.log`);
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is running already`);
    mkdirSync(this.spec.logDir, { recursive: true });
    this.log ??= createWriteStream(this.logFile, { flags: 'a' });
    this.log.write(`--- start ${++this.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(this.spec.command, this.spec.args, { cwd: this.spec.cwd, env: this.spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.child = child;
  }

  /** Sends `signal` and waits for the process to end. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const ended = await Promise.race([this.exited!.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref())]);
    if (!ended) await this.kill('SIGKILL');
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.kill(signal);
    this.start();
  }

  /** The exit code once it has ended (null when ended by a signal). */
  async exitCode(): Promise<number | null> {
    return (await this.exited) ?? null;
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
    this.log = undefined;
  }
}
