import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, scanJson } from '../../api/body-guard.js';

const scan = (text: string) => scanJson(Buffer.from(text, 'utf8'));
const objects = (n: number) => '{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1);
const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('scanJson', () => {
  it('allows nesting up to MAX_JSON_DEPTH levels and refuses one more', () => {
    expect(MAX_JSON_DEPTH).toBe(32);
    expect(scan(objects(32))).toBeUndefined();
    expect(scan(arrays(32))).toBeUndefined();
    expect(scan(objects(33))).toBe('too-deep');
    expect(scan(arrays(33))).toBe('too-deep');
    expect(scan(`[${objects(16)},${objects(32)}]`)).toBe('too-deep');
  });

  it('refuses 5000 levels without recursing (and stops early)', () => {
    expect(scan(arrays(5000))).toBe('too-deep');
    expect(scan('{"a":'.repeat(100_000))).toBe('too-deep');
  });

  it('counts siblings as one level, not many', () => {
    expect(scan(`[${Array.from({ length: 1000 }, () => objects(31)).join(',')}]`)).toBeUndefined();
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    expect(scan(JSON.stringify({ s: '['.repeat(100) + '{'.repeat(100) }))).toBeUndefined();
    expect(scan(JSON.stringify({ s: 'say \\"[[[' + '['.repeat(100) }))).toBeUndefined();
    expect(scan(JSON.stringify({ s: 'ends with a backslash \\', t: '[[[' }))).toBeUndefined();
    expect(scan(JSON.stringify({ s: '"', deep: JSON.parse(objects(31)) }))).toBeUndefined();
    expect(scan(JSON.stringify({ s: '"', deep: JSON.parse(objects(32)) }))).toBe('too-deep');
  });
});
