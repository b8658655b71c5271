/** How urgent a task's countdown looks: red once breached or overdue, amber under 25 % of its SLA left. */
export type SlaLevel = 'ok' | 'amber' | 'red';

export const AMBER_FRACTION = 0.25;

export function slaLevel(leftMs: number, slaMs: number, breached = false): SlaLevel {
  if (breached || leftMs <= 0) return 'red';
  if (slaMs > 0 && leftMs < slaMs * AMBER_FRACTION) return 'amber';
  return 'ok';
}

/** Time left now: frozen while the clock is stopped, else counting down from when the server said. */
export function leftNow(remainingMs: number, fetchedAt: number, now: number, paused: boolean): number {
  return paused ? remainingMs : remainingMs - (now - fetchedAt);
}
