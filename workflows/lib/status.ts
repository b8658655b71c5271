/**
 * A case's status, as its process states it: each status with the statuses it may become, in one
 * table per process (processes/<kind>/status.ts). The core moves every case through the statuses all
 * processes have (CoreStatus); a process moves its own. Validators ask `check` before a client's
 * request is accepted, so a refused move is a 409 naming the state; a move the table does not list
 * once accepted is a bug in the process, and fails the workflow task rather than the case.
 */
import { conflict } from './refusals.js';

/** Statuses every process has: the core moves a case into and out of them (supplements, withdrawal, abandonment). */
export type CoreStatus = 'in-review' | 'awaiting-supplement' | 'withdrawn' | 'abandoned';

/** Each status with the statuses it may become; a status that may become none is closed. */
export type Transitions<S extends string> = { readonly [F in S]: readonly S[] };

/**
 * A process's transitions, checked: every status a row names is a row of its own, and the statuses
 * every process has are there. The first row is the status a case opens in.
 */
export function transitions<const T extends Record<CoreStatus, readonly string[]> & Record<string, readonly string[]>>(
  table: T & { readonly [F in keyof T]: readonly (keyof T & string)[] },
): T {
  return table;
}

/** Statuses of a table that may become none: the case has closed for good. */
export const closedStatuses = <S extends string>(table: Transitions<S>): S[] => (Object.keys(table) as S[]).filter((s) => table[s].length === 0);

export class StatusMachine<S extends string> {
  constructor(
    private readonly table: Transitions<S>,
    private readonly caseId: string,
    private current: S,
  ) {}

  get value(): S {
    return this.current;
  }

  is(...statuses: S[]): boolean {
    return statuses.includes(this.current);
  }

  /** Whether the case may become `next` now (staying as it is is always allowed). */
  may(next: S): boolean {
    return next === this.current || this.table[this.current].includes(next);
  }

  /** Refuses (409, naming the state) what the case cannot become now; `what` says what was asked. */
  check(next: S, what = `becoming ${next}`): void {
    if (!this.may(next)) conflict(`case ${this.caseId} is ${this.current}: ${what} is not possible`);
  }

  /** Moves the case to `next`, which its validators have checked (an unlisted move is a bug). */
  to(next: S): void {
    if (!this.may(next)) throw new Error(`case ${this.caseId}: ${this.current} → ${next} is not a transition of its process`);
    this.current = next;
  }
}
