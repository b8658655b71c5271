/** Small statistics for the benches: percentiles of latency samples, and a running tally by name. */

/** The p-th percentile of ascending `sorted` samples (nearest rank, never interpolated). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export interface Summary {
  count: number;
  total: number;
  mean: number;
  p50: number;
  p99: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  return { count: sorted.length, total, mean: sorted.length ? total / sorted.length : 0, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Samples (milliseconds) collected under names, e.g. one name per activity type. */
export class Tally {
  private readonly samples = new Map<string, number[]>();

  add(name: string, ms: number): void {
    const list = this.samples.get(name);
    if (list) list.push(ms);
    else this.samples.set(name, [ms]);
  }

  get(name: string): number[] {
    return this.samples.get(name) ?? [];
  }

  names(): string[] {
    return [...this.samples.keys()].sort();
  }

  clear(): void {
    this.samples.clear();
  }
}
