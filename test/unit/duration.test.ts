import { describe, expect, it } from 'vitest';
import { durationMs, parseDuration } from '../../common/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['PT48H', 48 * H],
    ['P60D', 60 * D],
    ['PT10S', 10 * S],
    ['P1DT12H', D + 12 * H],
    ['P2W', 14 * D],
    ['PT0.5S', 500],
    ['PT1H30M', H + 30 * M],
    ['PT90M', 90 * M],
    ['P1W1DT1H1M1S', 8 * D + H + M + S],
    ['PT1.5H', 1.5 * H],
    ['PT0S', 0],
    ['P0D', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(durationMs(text)).toBe(ms);
  });

  it('rounds fractional milliseconds', () => {
    expect(parseDuration('PT0.0004S')).toBe(0);
    expect(parseDuration('PT0.0006S')).toBe(1);
  });

  it.each([
    ['', 'empty'],
    ['P', 'no component'],
    ['PT', 'no time component'],
    ['P1DT', 'T with nothing after it'],
    ['P1Y', 'years'],
    ['P1M', 'months (P1M is a month, not a minute)'],
    ['P1Y2M3D', 'years and months'],
    ['48h', 'not ISO'],
    ['PT48h', 'lowercase unit'],
    ['pt48h', 'lowercase'],
    ['-PT1H', 'negative'],
    ['+PT1H', 'signed'],
    ['PT1H ', 'trailing space'],
    [' PT1H', 'leading space'],
    ['PT1H\n', 'trailing newline'],
    ['T1H', 'no P'],
    ['P1H', 'hours without T'],
    ['PT1D', 'days after T'],
    ['PT1M1H', 'components out of order'],
    ['P1D1W', 'weeks after days'],
    ['PT.5S', 'fraction without a leading digit'],
    ['PT1,5S', 'comma decimal'],
    ['P1.5D', 'fractional days'],
    ['PT1S1S', 'repeated component'],
    ['48', 'a bare number'],
    ['PT-1H', 'negative component'],
  ])('refuses %j (%s)', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(() => durationMs(text)).toThrow(TypeError);
  });

  it('durationMs names the refused text', () => {
    expect(() => durationMs('P1M')).toThrow(/P1M/);
  });
});
