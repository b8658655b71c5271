/**
 * Everything in a case that fires at a time measured by the SLA clock: escalation steps, the case
 * deadline, obligation due dates. The case's main loop sleeps until the nearest one (or until a
 * message arrives), then fires those that are due, in due order.
 *
 * A few deadlines run while the clock is stopped instead (the date by which the applicant must
 * supply what a department asked for): they are fixed instants, and only they fire during a stop.
 */
import type { CaseTime, Span } from './case-time.js';
import type { SlaClock } from './clock.js';

/** A deadline's name: its group and its name within the group (made by a DeadlineGroup, never by hand). */
export interface DeadlineKey {
  readonly group: string;
  readonly name: string;
}

/**
 * Deadlines that end together: a task's escalation ladder, an obligation's reminders and due dates,
 * the supplement date and its reminders. A group is cancelled as a whole and by its id exactly, so
 * one group's cancellation never reaches another whose id merely begins the same way.
 */
export class DeadlineGroup {
  constructor(readonly id: string) {}

  /** The deadline `name` of this group ('' for a group of one). */
  key(name = ''): DeadlineKey {
    return { group: this.id, name };
  }
}

/** Where a deadline is kept: its group and name, which no id or name can run together (NUL is in none). */
const slot = (k: DeadlineKey): string => `${k.group}\u0000${k.name}`;

interface Deadline {
  key: DeadlineKey;
  span: Span;
  mark: number;
  whileStopped: boolean;
  seq: number;
  fire: () => void | Promise<void>;
}

export class Deadlines {
  private readonly items = new Map<string, Deadline>();
  private seq = 0;

  constructor(
    private readonly clock: SlaClock,
    private readonly time: CaseTime,
  ) {}

  /**
   * Schedules `fire` where `span` runs out on the SLA clock (or, `whileStopped`, at its end whatever
   * the clock does); a key already present is replaced.
   */
  add(key: DeadlineKey, span: Span, at: number, fire: () => void | Promise<void>, opts: { whileStopped?: boolean } = {}): void {
    this.items.set(slot(key), { key, span, mark: this.clock.pausedMs(at), whileStopped: opts.whileStopped ?? false, seq: this.seq++, fire });
  }

  /** Drops every deadline of `group` (e.g. all steps of a decided task's ladder). */
  cancel(group: DeadlineGroup): void {
    for (const [at, d] of [...this.items]) if (d.key.group === group.id) this.items.delete(at);
  }

  clear(): void {
    this.items.clear();
  }

  /** Current due time of a key, or undefined. */
  dueAt(key: DeadlineKey, at: number): number | undefined {
    const d = this.items.get(slot(key));
    return d && this.when(d, at);
  }

  private when(d: Deadline, at: number): number {
    return d.whileStopped ? this.time.end(d.span) : this.time.due(d.span, d.mark, at);
  }

  /** What may fire now: everything while the clock runs, only the `whileStopped` deadlines during a stop. */
  private live(): Deadline[] {
    const all = [...this.items.values()];
    return this.clock.paused ? all.filter((d) => d.whileStopped) : all;
  }

  /** When the nearest deadline that can fire is due; undefined when there is none. */
  nextAt(at: number): number | undefined {
    const live = this.live();
    if (live.length === 0) return undefined;
    let min = Infinity;
    for (const d of live) min = Math.min(min, this.when(d, at));
    return min;
  }

  /** Milliseconds until the nearest deadline that can fire; undefined when there is none. */
  msUntilNext(at: number): number | undefined {
    const next = this.nextAt(at);
    return next === undefined ? undefined : Math.max(0, next - at);
  }

  /** Fires, once each and in due order, every deadline due at `at` that can fire. */
  async fireDue(at: number): Promise<void> {
    const due = this.live()
      .map((d) => ({ d, when: this.when(d, at) }))
      .filter((x) => x.when <= at)
      .sort((a, b) => a.when - b.when || a.d.seq - b.d.seq);
    for (const { d } of due) {
      // A message handled while an earlier step awaited its activity may have stopped the clock.
      if (this.clock.paused && !d.whileStopped) return;
      // Removed before firing, so a step fires once even if its handler schedules more.
      if (this.items.get(slot(d.key)) !== d) continue;
      this.items.delete(slot(d.key));
      await d.fire();
    }
  }
}
