/**
 * Each process's statuses (processes/<kind>/status.ts) and the machine that moves a case through
 * them (workflows/lib/status.ts).
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { REFUSAL } from '../../common/errors.js';
import { CASE_STATUSES, CLOSED_STATUSES, PROCESSES } from '../../processes/registry.js';
import { closedStatuses, StatusMachine, type Transitions } from '../../workflows/lib/status.js';

const CORE = ['in-review', 'awaiting-supplement', 'withdrawn', 'abandoned'];

describe.each(PROCESSES.map((p) => [p.kind, p.statuses as Transitions<string>] as const))('%s statuses', (_kind, table) => {
  const statuses = Object.keys(table);

  it('has the statuses every process has', () => expect(statuses).toEqual(expect.arrayContaining(CORE)));

  it('names only its own statuses as targets, never itself', () => {
    for (const [from, to] of Object.entries(table)) {
      for (const t of to) expect(statuses, `${from} → ${t}`).toContain(t);
      expect(to).not.toContain(from);
    }
  });

  it('reaches every status from in-review, and a closed status from every open one', () => {
    const reach = (from: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(from)) return seen;
      seen.add(from);
      for (const t of table[from] ?? []) reach(t, seen);
      return seen;
    };
    expect([...reach('in-review')].sort()).toEqual([...statuses].sort());
    const closed = closedStatuses(table);
    for (const s of statuses)
      expect(
        [...reach(s)].some((r) => closed.includes(r)),
        s,
      ).toBe(true);
  });

  it('withdrawn and abandoned are closed; in-review and awaiting-supplement are not', () => {
    expect(closedStatuses(table)).toEqual(expect.arrayContaining(['withdrawn', 'abandoned']));
    expect(closedStatuses(table)).not.toContain('in-review');
    expect(closedStatuses(table)).not.toContain('awaiting-supplement');
  });
});

describe('the registry', () => {
  it('lists every status once, and the closed ones among them', () => {
    expect(new Set(CASE_STATUSES).size).toBe(CASE_STATUSES.length);
    const closed = PROCESSES.flatMap((p) => closedStatuses(p.statuses as Transitions<string>));
    expect([...CLOSED_STATUSES].sort()).toEqual([...new Set(closed)].sort());
    for (const s of CLOSED_STATUSES) expect(CASE_STATUSES).toContain(s);
  });

  it('keeps each process to its own statuses: a claim is never provisional', () => {
    const claim = PROCESSES.find((p) => p.kind === 'claim-prepayment')?.statuses as Transitions<string>;
    expect(Object.keys(claim)).not.toContain('provisional');
  });
});

describe('StatusMachine', () => {
  const table: Transitions<'in-review' | 'awaiting-supplement' | 'approved' | 'withdrawn' | 'abandoned'> = {
    'in-review': ['awaiting-supplement', 'approved', 'withdrawn'],
    'awaiting-supplement': ['in-review', 'withdrawn', 'abandoned'],
    approved: [],
    withdrawn: [],
    abandoned: [],
  };

  it('moves along the table, and staying is always allowed', () => {
    const m = new StatusMachine(table, 'case-1', 'in-review');
    m.to('awaiting-supplement');
    m.to('awaiting-supplement');
    m.to('in-review');
    m.to('approved');
    expect(m.value).toBe('approved');
    expect(m.is('approved', 'withdrawn')).toBe(true);
  });

  it('refuses what a client asks that the table does not allow: a 409 naming the state', () => {
    const m = new StatusMachine(table, 'case-1', 'in-review');
    m.to('approved');
    let refusal: unknown;
    try {
      m.check('withdrawn', 'withdrawal');
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(ApplicationFailure);
    expect((refusal as ApplicationFailure).type).toBe(REFUSAL.conflict);
    expect((refusal as ApplicationFailure).message).toBe('case case-1 is approved: withdrawal is not possible');
    expect(m.value).toBe('approved');
  });

  it('treats a move the table does not list as a bug in the process, not a refusal', () => {
    const m = new StatusMachine(table, 'case-1', 'in-review');
    expect(() => m.to('abandoned')).toThrow(/in-review → abandoned is not a transition/);
    expect(() => m.to('abandoned')).not.toThrow(ApplicationFailure);
    expect(m.value).toBe('in-review');
  });
});
