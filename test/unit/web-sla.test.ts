/** The web app's countdown rule: amber under 25 % of the task's SLA left, red when breached or overdue, frozen while stopped. */
import { expect, test } from 'vitest';
import { leftNow, slaLevel } from '../../web/src/sla.js';

const H = 3600_000;

test('amber under a quarter of the SLA, red once overdue or breached', () => {
  expect(slaLevel(13 * H, 48 * H)).toBe('ok');
  expect(slaLevel(12 * H, 48 * H)).toBe('ok');
  expect(slaLevel(12 * H - 1, 48 * H)).toBe('amber');
  expect(slaLevel(1, 48 * H)).toBe('amber');
  expect(slaLevel(0, 48 * H)).toBe('red');
  expect(slaLevel(-5 * H, 48 * H)).toBe('red');
  expect(slaLevel(40 * H, 48 * H, true)).toBe('red');
});

test("the countdown runs from the server's answer, and stands still while the clock is stopped", () => {
  expect(leftNow(10 * H, 1000, 1000 + H, false)).toBe(9 * H);
  expect(leftNow(10 * H, 1000, 1000 + H, true)).toBe(10 * H);
});
