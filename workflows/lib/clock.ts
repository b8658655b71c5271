/**
 * The SLA clock of a case. While the case waits on the applicant every clock of the case stops;
 * when it resumes, every due date moves later by the time spent waiting.
 *
 * Rather than rewriting due dates on resume, each due item remembers how much pause had accumulated
 * when it was set (its `mark`); its current due date is its base due plus the pause accumulated since.
 */
export class SlaClock {
  private totalPausedMs = 0;
  private pausedSince: number | null = null;
  /** Every stop, for working time: what a stop costs depends on which hours it covered. */
  private readonly stops: { from: number; to: number | null }[] = [];

  get paused(): boolean {
    return this.pausedSince !== null;
  }

  /** When the current stop began (null while the clock runs). */
  get stoppedAt(): number | null {
    return this.pausedSince;
  }

  /** Stops the clock; stopping a stopped clock changes nothing. */
  pause(at: number): void {
    if (this.pausedSince !== null) return;
    this.pausedSince = at;
    this.stops.push({ from: at, to: null });
  }

  /** Restarts the clock and returns how long this stop lasted (0 if it was running). */
  resume(at: number): number {
    if (this.pausedSince === null) return 0;
    const stopped = Math.max(0, at - this.pausedSince);
    this.totalPausedMs += stopped;
    this.pausedSince = null;
    const last = this.stops[this.stops.length - 1];
    if (last) last.to = at;
    return stopped;
  }

  /** Total stopped time up to `at`, including a stop still under way. */
  pausedMs(at: number): number {
    return this.totalPausedMs + (this.pausedSince === null ? 0 : Math.max(0, at - this.pausedSince));
  }

  /** Current due date of an item whose base due date was set when the pause total was `mark`. */
  shifted(baseDueMs: number, mark: number, at: number): number {
    return baseDueMs + this.pausedMs(at) - mark;
  }

  /**
   * Working time the clock stood still for from `since` to `at` (a stop still under way counts up
   * to `at`), as `between` measures it: a stop over a weekend or a holiday costs no working time.
   */
  stoppedWorkingMs(between: (fromMs: number, toMs: number) => number, since: number, at: number): number {
    let lost = 0;
    for (const s of this.stops) {
      const from = Math.max(s.from, since);
      const to = Math.min(s.to ?? at, at);
      if (to > from) lost += between(from, to);
    }
    return lost;
  }
}
