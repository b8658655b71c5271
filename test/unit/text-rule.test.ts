import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findTextFault, TEXT_PATTERN, textFault, withRefusedReplaced } from '../../common/text-rule.js';

/** Every character the rule refuses, one of each class. */
const REFUSED = [
  '\u0000',
  '\u0001',
  '\u0008',
  '\u000B',
  '\u000C',
  '\u000E',
  '\u001B',
  '\u001F',
  '\u007F',
  '\u0080',
  '\u009F',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uDFFF',
];
/** Awkward but kept: tab, LF, CR, noncharacters, the BOM, bidi controls, combining marks, astral characters (a surrogate pair). */
const KEPT = ['\t', '\n', '\r', '\uFFFE', '\uFFFF', '\uFDD0', '\uFEFF', '\u202E', '\u2066', 'e\u0301', '\u{1F600}', '\u{10FFFF}', '\u{1FFFE}', '中文', ' '];

describe('the text rule', () => {
  it('refuses each refused character wherever it stands, naming its code point and position, never quoting the text', () => {
    for (const c of REFUSED) {
      for (const text of [c, `a${c}`, `${c}b`, `secret ${c} name`]) {
        const fault = textFault(text);
        expect(fault, JSON.stringify(text)).toMatch(/U\+[0-9A-F]{4}/);
        expect(fault).toContain(`position ${text.indexOf(c)}`);
        expect(fault).not.toContain('secret');
      }
    }
    expect(textFault('a\u0000')).toMatch(/NUL character \(U\+0000\)/);
    expect(textFault('G \uDFFF')).toMatch(/lone UTF-16 surrogate \(U\+DFFF\) at position 2/);
  });

  it('keeps every other character, a surrogate pair included', () => {
    for (const c of KEPT) expect(textFault(`x${c}y`), JSON.stringify(c)).toBeUndefined();
    // A high surrogate before a low one is a pair; the reverse order is two lone ones.
    expect(textFault('\uD83D\uDE00')).toBeUndefined();
    expect(textFault('\uDE00\uD83D')).toMatch(/lone/);
  });

  it('agrees with its published pattern on every string without surrogates (fast-check); the pattern leaves lone surrogates to the description', () => {
    const pattern = new RegExp(TEXT_PATTERN);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        if (!/[\uD800-\uDFFF]/.test(s)) expect(pattern.test(s)).toBe(textFault(s) === undefined);
        // Whatever the pattern refuses the rule refuses.
        if (!pattern.test(s)) expect(textFault(s)).toBeDefined();
      }),
      { numRuns: 2000 },
    );
    expect(pattern.test('G \uDFFF')).toBe(true);
    expect(textFault('G \uDFFF')).toBeDefined();
  });

  it('a string is refused exactly when it holds a refused character or a lone surrogate (fast-check)', () => {
    const isRefusedControl = (code: number) => (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0x7f && code <= 0x9f);
    // Draws controls often enough to meet each kind: a mix of plain strings and of characters from the low range.
    const awkward = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xa0 }).map((n) => String.fromCharCode(n)), maxLength: 8 }),
    );
    fc.assert(
      fc.property(awkward, (s) => {
        const hasControl = [...s].some((c) => isRefusedControl(c.codePointAt(0) ?? 0));
        // An independent oracle for lone surrogates: UTF-8 cannot carry them (they come back as U+FFFD).
        const wellFormed = Buffer.from(s, 'utf8').toString('utf8') === s;
        expect(textFault(s) !== undefined).toBe(hasControl || !wellFormed);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the first bad string in nested values and keys, with its dotted path', () => {
    expect(findTextFault({ a: ['ok', { b: 'x\u0001' }] }, 'body')).toMatchObject({ path: 'body.a.1.b' });
    expect(findTextFault({ ok: 1, ['k\uDFFF']: 'v' }, 'body')).toMatchObject({
      path: 'body.k<U+DFFF>',
      message: expect.stringMatching(/^the key holds a lone/),
    });
    expect(findTextFault({ sub: 'u', dept: 'd\u0000' }, 'token')).toMatchObject({ path: 'token.dept' });
    expect(findTextFault('plain', 'body')).toBeUndefined();
    expect(findTextFault(JSON.parse('{"details":{"__proto__":"x"}}'), 'body')).toMatchObject({ path: 'body.details.__proto__' });
    expect(findTextFault({ n: 1, b: true, z: null, list: [1, 2] }, 'body')).toBeUndefined();
  });

  it('replaces refused characters with U+FFFD for display, deep, keys too, and leaves kept ones alone', () => {
    const shown = withRefusedReplaced({ name: 'G \uDFFF', list: ['a\u0000b', 'e\u0301 \u202E \u{1F600}'], ['k\u001B']: 1, n: 2, z: null });
    expect(shown).toEqual({ name: 'G \uFFFD', list: ['a\uFFFDb', 'e\u0301 \u202E \u{1F600}'], ['k\uFFFD']: 1, n: 2, z: null });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => textFault(withRefusedReplaced(s)) === undefined));
  });
});
