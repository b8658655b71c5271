/** Time units and assertions for time-skipping tests, shared by the workflow test files. */
import { expect, vi } from 'vitest';

export const MIN = 60_000;
export const H = 60 * MIN;
export const D = 24 * H;

/** Retries `check` (real time, short) until the worker has processed what the clock just released. */
export const eventually = <T>(check: () => Promise<T>): Promise<T> => vi.waitFor(check, { timeout: 20_000, interval: 50 });

/** `iso` is at `expectedMs` or a little after (timers fire at their due time plus scheduling latency). */
export function expectAtOrJustAfter(iso: string | null | undefined, expectedMs: number, slackMs = 60_000): void {
  expect(iso).toEqual(expect.any(String));
  const ms = Date.parse(iso as string);
  expect(ms).toBeGreaterThanOrEqual(expectedMs);
  expect(ms).toBeLessThanOrEqual(expectedMs + slackMs);
}

/** `iso` lies in the server-clock interval in which the update that stamped it ran. */
export function expectWithin(iso: string | null | undefined, { before, after }: { before: number; after: number }): void {
  expect(iso).toEqual(expect.any(String));
  const ms = Date.parse(iso as string);
  expect(ms).toBeGreaterThanOrEqual(before);
  expect(ms).toBeLessThanOrEqual(after);
}
