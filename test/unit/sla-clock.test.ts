import { describe, expect, it } from 'vitest';
import { CaseTime } from '../../workflows/lib/case-time.js';
import { SlaClock } from '../../workflows/lib/clock.js';
import { DeadlineGroup, Deadlines, type DeadlineKey } from '../../workflows/lib/deadlines.js';

describe('SlaClock', () => {
  it('starts running with nothing paused', () => {
    const c = new SlaClock();
    expect(c.paused).toBe(false);
    expect(c.pausedMs(1_000)).toBe(0);
    expect(c.resume(1_000)).toBe(0);
  });

  it('counts a stop still under way, and the total after resume', () => {
    const c = new SlaClock();
    c.pause(100);
    expect(c.paused).toBe(true);
    expect(c.pausedMs(100)).toBe(0);
    expect(c.pausedMs(350)).toBe(250);
    expect(c.resume(400)).toBe(300);
    expect(c.paused).toBe(false);
    expect(c.pausedMs(400)).toBe(300);
    expect(c.pausedMs(10_000)).toBe(300);
  });

  it('accumulates several stops; resume returns the length of the last one only', () => {
    const c = new SlaClock();
    c.pause(0);
    expect(c.resume(10)).toBe(10);
    c.pause(100);
    expect(c.pausedMs(130)).toBe(40);
    expect(c.resume(150)).toBe(50);
    expect(c.pausedMs(1_000)).toBe(60);
  });

  it('a second pause while paused is a no-op (the stop keeps its start)', () => {
    const c = new SlaClock();
    c.pause(100);
    c.pause(200);
    expect(c.pausedMs(300)).toBe(200);
    expect(c.resume(300)).toBe(200);
  });

  it('resume while running returns 0 and changes nothing', () => {
    const c = new SlaClock();
    c.pause(0);
    c.resume(50);
    expect(c.resume(80)).toBe(0);
    expect(c.pausedMs(100)).toBe(50);
  });

  it('never counts negative time (resume or read before the pause)', () => {
    const c = new SlaClock();
    c.pause(100);
    expect(c.pausedMs(50)).toBe(0);
    expect(c.resume(50)).toBe(0);
    expect(c.pausedMs(200)).toBe(0);
  });

  it('shifted: a mark taken before a pause moves the due date by the whole pause', () => {
    const c = new SlaClock();
    const mark = c.pausedMs(0); // 0
    const base = 1_000;
    expect(c.shifted(base, mark, 100)).toBe(1_000);
    c.pause(200);
    expect(c.shifted(base, mark, 500)).toBe(1_300); // moves while stopped
    c.resume(700);
    expect(c.shifted(base, mark, 800)).toBe(1_500);
  });

  it('shifted: a mark taken during a pause moves only by the rest of the pause', () => {
    const c = new SlaClock();
    c.pause(0);
    c.resume(100); // 100 before anything is set
    c.pause(200);
    const at = 500;
    const mark = c.pausedMs(at); // 100 + 300
    expect(mark).toBe(400);
    const base = at + 1_000;
    expect(c.shifted(base, mark, at)).toBe(1_500);
    c.resume(800); // 300 more after the mark
    expect(c.shifted(base, mark, 900)).toBe(1_800);
  });

  it('shifted: a mark taken after all pauses is not moved by them', () => {
    const c = new SlaClock();
    c.pause(0);
    c.resume(100);
    const mark = c.pausedMs(150);
    expect(c.shifted(1_000, mark, 2_000)).toBe(1_000);
  });
});

/** `group:name` as a deadline key (the last ':' separates them; a key without one is a group of one). */
const k = (key: string): DeadlineKey => {
  const i = key.lastIndexOf(':');
  return i < 0 ? new DeadlineGroup(key).key() : new DeadlineGroup(key.slice(0, i)).key(key.slice(i + 1));
};

describe('Deadlines', () => {
  const setup = () => {
    const clock = new SlaClock();
    const deadlines = new Deadlines(clock, new CaseTime(clock, null));
    const fired: string[] = [];
    const add = (key: string, due: number, at = 0, extra?: () => void | Promise<void>) =>
      deadlines.add(k(key), { measure: 'wall', startMs: due, budgetMs: 0 }, at, async () => {
        fired.push(key);
        await extra?.();
      });
    return { clock, deadlines, fired, add };
  };

  it('msUntilNext is undefined when empty', () => {
    const { deadlines } = setup();
    expect(deadlines.msUntilNext(0)).toBeUndefined();
  });

  it('msUntilNext is the time to the nearest, 0 when overdue', () => {
    const { deadlines, add } = setup();
    add('b', 500);
    add('a', 300);
    expect(deadlines.msUntilNext(100)).toBe(200);
    expect(deadlines.msUntilNext(300)).toBe(0);
    expect(deadlines.msUntilNext(400)).toBe(0);
  });

  it('msUntilNext is undefined while paused, and shifted after resume', () => {
    const { clock, deadlines, add } = setup();
    add('a', 300);
    clock.pause(100);
    expect(deadlines.msUntilNext(150)).toBeUndefined();
    clock.resume(200);
    expect(deadlines.msUntilNext(200)).toBe(200); // due moved from 300 to 400
    expect(deadlines.dueAt(k('a'), 200)).toBe(400);
  });

  it('dueAt is undefined for an unknown key', () => {
    const { deadlines } = setup();
    expect(deadlines.dueAt(k('nope'), 0)).toBeUndefined();
  });

  it('fires due items once, in due order, ties in insertion order; items not yet due stay', async () => {
    const { deadlines, fired, add } = setup();
    add('late', 900);
    add('t2', 200);
    add('first', 100);
    add('t2b', 200);
    add('t2c', 200);
    await deadlines.fireDue(200);
    expect(fired).toEqual(['first', 't2', 't2b', 't2c']);
    await deadlines.fireDue(250);
    expect(fired).toEqual(['first', 't2', 't2b', 't2c']);
    expect(deadlines.dueAt(k('late'), 250)).toBe(900);
    expect(deadlines.msUntilNext(250)).toBe(650);
    await deadlines.fireDue(900);
    expect(fired).toEqual(['first', 't2', 't2b', 't2c', 'late']);
    expect(deadlines.msUntilNext(900)).toBeUndefined();
  });

  it('replacing a key takes the new due date and the new position among ties', async () => {
    const { deadlines, fired, add } = setup();
    add('a', 100);
    add('b', 100);
    add('a', 100); // replaced: now after b
    add('c', 50);
    add('c', 500); // replaced: later
    await deadlines.fireDue(100);
    expect(fired).toEqual(['b', 'a']);
    expect(deadlines.dueAt(k('c'), 100)).toBe(500);
  });

  it('nothing fires while paused; after resume, items fire at their shifted time', async () => {
    const { clock, deadlines, fired, add } = setup();
    add('a', 300);
    clock.pause(100);
    await deadlines.fireDue(1_000);
    expect(fired).toEqual([]);
    clock.resume(400); // +300
    await deadlines.fireDue(500);
    expect(fired).toEqual([]);
    await deadlines.fireDue(600);
    expect(fired).toEqual(['a']);
  });

  it('an item added during a pause is shifted only by the rest of the pause', async () => {
    const { clock, deadlines, fired, add } = setup();
    clock.pause(0);
    add('a', 300, 200); // set at 200 during the pause
    clock.resume(500); // 300 more of pause after it was set
    expect(deadlines.dueAt(k('a'), 500)).toBe(600);
    await deadlines.fireDue(599);
    expect(fired).toEqual([]);
    await deadlines.fireDue(600);
    expect(fired).toEqual(['a']);
  });

  it('cancel(group) drops every deadline of the group and only those (not a group whose id begins alike)', async () => {
    const { deadlines, fired, add } = setup();
    add('task:health:1', 100);
    add('task:health:2', 200);
    add('task:healthcare:1', 100);
    add('task:ecology:1', 100);
    add('case:deadline', 300);
    deadlines.cancel(new DeadlineGroup('task:health'));
    expect(deadlines.dueAt(k('task:health:1'), 0)).toBeUndefined();
    expect(deadlines.dueAt(k('task:health:2'), 0)).toBeUndefined();
    await deadlines.fireDue(1_000);
    expect(fired).toEqual(['task:healthcare:1', 'task:ecology:1', 'case:deadline']);
  });

  it('clear drops everything', () => {
    const { deadlines, add } = setup();
    add('a', 1);
    add('b', 2);
    deadlines.clear();
    expect(deadlines.msUntilNext(0)).toBeUndefined();
  });

  it('a pause started by a firing callback stops the remaining ones from firing in that round', async () => {
    const { clock, deadlines, fired, add } = setup();
    add('a', 100, 0, () => clock.pause(150));
    add('b', 120);
    add('c', 130);
    await deadlines.fireDue(150);
    expect(fired).toEqual(['a']);
    expect(deadlines.msUntilNext(200)).toBeUndefined();
    clock.resume(250); // +100
    expect(deadlines.dueAt(k('b'), 250)).toBe(220);
    await deadlines.fireDue(250);
    expect(fired).toEqual(['a', 'b', 'c']);
  });

  it('a pause started while a callback awaits also stops the rest', async () => {
    const { clock, deadlines, fired, add } = setup();
    add('a', 100, 0, async () => {
      await Promise.resolve();
      clock.pause(100);
    });
    add('b', 100);
    await deadlines.fireDue(100);
    expect(fired).toEqual(['a']);
  });

  it('a callback that cancels a later due item prevents it from firing', async () => {
    const { deadlines, fired, add } = setup();
    add('task:x:reminder', 100, 0, () => deadlines.cancel(new DeadlineGroup('task:x')));
    add('task:x:supervisor', 100);
    add('task:y:reminder', 100);
    await deadlines.fireDue(100);
    expect(fired).toEqual(['task:x:reminder', 'task:y:reminder']);
  });

  it('a callback that re-adds its own key schedules it anew instead of firing twice in the round', async () => {
    const { deadlines, fired, add } = setup();
    const again = () => add('a', 50, 100);
    add('a', 100, 0, again);
    await deadlines.fireDue(100);
    expect(fired).toEqual(['a']);
    // the new 'a' is already due (50 ≤ 100) but only fires in the next round
    await deadlines.fireDue(100);
    expect(fired).toEqual(['a', 'a']);
  });

  it('a callback that adds an already-due item does not fire it in the same round', async () => {
    const { deadlines, fired, add } = setup();
    add('a', 100, 0, () => add('b', 10, 100));
    await deadlines.fireDue(100);
    expect(fired).toEqual(['a']);
    expect(deadlines.msUntilNext(100)).toBe(0);
    await deadlines.fireDue(100);
    expect(fired).toEqual(['a', 'b']);
  });

  it('a callback that replaces a later due item with a new one skips the stale one in that round', async () => {
    const { deadlines, fired, add } = setup();
    add('a', 100, 0, () => add('b', 1_000, 100));
    add('b', 100);
    await deadlines.fireDue(100);
    expect(fired).toEqual(['a']);
    expect(deadlines.dueAt(k('b'), 100)).toBe(1_000);
  });
});
