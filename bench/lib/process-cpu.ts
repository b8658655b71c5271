/**
 * CPU time of this process and of the servers it started (the Temporal dev server, PostgreSQL and
 * its backends), read from /proc. On a shared machine wall time depends on the neighbours; the CPU
 * a case costs much less so. Linux only: elsewhere the servers' share reads as zero.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds by process group: `node` (this process: API, workers, the bench's own client) and each child's command name. */
export type CpuSeconds = Record<string, number>;

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime: its own CPU and that of its children it has reaped. */
  ticks: number;
}

function readProcs(): Proc[] {
  if (process.platform !== 'linux') return [];
  const procs: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); // "pid (comm) state ppid ... utime stime cutime cstime ..."
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.push({ pid: Number(entry), ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // gone meanwhile
    }
  }
  return procs;
}

/** CPU seconds used so far, grouped by this process's direct children (with their descendants). */
export function cpuSeconds(): CpuSeconds {
  const usage = process.cpuUsage();
  const out: CpuSeconds = { node: (usage.user + usage.system) / 1e6 };
  const procs = readProcs();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const sum = (p: Proc): number => p.ticks + (children.get(p.pid) ?? []).reduce((a, c) => a + sum(c), 0);
  for (const child of children.get(process.pid) ?? []) {
    out[child.comm] = (out[child.comm] ?? 0) + sum(child) / TICKS_PER_SECOND;
  }
  return out;
}

/**
 * CPU seconds the whole machine has used (every core, every process: /proc/stat), so that the
 * neighbours' share during a measurement can be told apart from ours. 0 elsewhere than Linux.
 */
export function machineCpuSeconds(): number {
  if (process.platform !== 'linux') return 0;
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

/** `after - before`, group by group. */
export function cpuDelta(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}
