/**
 * Everything in a case that fires at a time measured by the SLA clock: escalation steps, the case
 * deadline, obligation due dates. The case's main loop sleeps until the nearest one (or until a
 * message arrives), then fires those that are due, in due order.
 */
import type { SlaClock } from './clock.js';

interface Deadline {
  key: string;
  baseDueMs: number;
  mark: number;
  seq: number;
  fire: () => void | Promise<void>;
}

export class Deadlines {
  private readonly items = new Map<string, Deadline>();
  private seq = 0;

  constructor(private readonly clock: SlaClock) {}

  /** Schedules `fire` at `baseDueMs` on the SLA clock; a key already present is replaced. */
  add(key: string, baseDueMs: number, at: number, fire: () => void | Promise<void>): void {
    this.items.set(key, { key, baseDueMs, mark: this.clock.pausedMs(at), seq: this.seq++, fire });
  }

  /** Drops every deadline whose key starts with `prefix` (e.g. all steps of a decided task). */
  cancel(prefix: string): void {
    for (const key of [...this.items.keys()]) if (key.startsWith(prefix)) this.items.delete(key);
  }

  clear(): void {
    this.items.clear();
  }

  /** Current due time of a key, or undefined. */
  dueAt(key: string, at: number): number | undefined {
    const d = this.items.get(key);
    return d && this.clock.shifted(d.baseDueMs, d.mark, at);
  }

  /** Milliseconds until the nearest deadline; undefined when none is pending or the clock is stopped. */
  msUntilNext(at: number): number | undefined {
    if (this.clock.paused || this.items.size === 0) return undefined;
    let min = Infinity;
    for (const d of this.items.values()) min = Math.min(min, this.clock.shifted(d.baseDueMs, d.mark, at));
    return Math.max(0, min - at);
  }

  /** Fires, once each and in due order, every deadline due at `at`. Nothing fires while stopped. */
  async fireDue(at: number): Promise<void> {
    if (this.clock.paused) return;
    const due = [...this.items.values()]
      .map((d) => ({ d, when: this.clock.shifted(d.baseDueMs, d.mark, at) }))
      .filter((x) => x.when <= at)
      .sort((a, b) => a.when - b.when || a.d.seq - b.d.seq);
    for (const { d } of due) {
      // A message handled while an earlier step awaited its activity may have stopped the clock.
      if (this.clock.paused) return;
      // Removed before firing, so a step fires once even if its handler schedules more.
      if (this.items.get(d.key) !== d) continue;
      this.items.delete(d.key);
      await d.fire();
    }
  }
}
