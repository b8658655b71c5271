/**
 * Resident memory of a process and of its descendants, read from /proc (Linux only; elsewhere
 * every figure reads 0). A worker or API run through tsx has one descendant, tsx's esbuild service,
 * whose memory is listed apart: a deployment that runs compiled JavaScript has none.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** VmRSS of the process itself, bytes. */
  rss: number;
  /** VmHWM: the highest RSS the process has had so far, bytes. */
  peakRss: number;
  /** VmRSS of its descendants together, bytes. */
  descendantsRss: number;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : 0; // "VmRSS:   123456 kB"
  } catch {
    return 0; // gone meanwhile
  }
}

function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const e of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8'); // "pid (comm) state ppid ..."
      parentOf.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

export function processMemory(pid: number): ProcessMemory {
  if (process.platform !== 'linux') return { rss: 0, peakRss: 0, descendantsRss: 0 };
  return {
    rss: statusField(pid, 'VmRSS'),
    peakRss: statusField(pid, 'VmHWM'),
    descendantsRss: descendants(pid).reduce((a, p) => a + statusField(p, 'VmRSS'), 0),
  };
}
