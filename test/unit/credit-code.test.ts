import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isValidCreditCode } from '../../common/credit-code.js';

/** Independent implementation of GB 32100-2015, to check the module against. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function reference(first17: string): string {
  const sum = [...first17].reduce((acc, c, i) => acc + ALPHABET.indexOf(c) * (WEIGHTS[i] as number), 0);
  return ALPHABET[(31 - (sum % 31)) % 31] as string;
}

const VALID = ['91350100M000100Y43', '91110000600037341L', '9144030071526726XG'];

describe('unified social credit code', () => {
  it.each(VALID)('%s is valid (and agrees with the reference computation)', (code) => {
    expect(reference(code.slice(0, 17))).toBe(code[17]);
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
    expect(isValidCreditCode(code)).toBe(true);
  });

  it('computes the check character like the reference for many pseudo-random bodies', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 31;
    for (let n = 0; n < 500; n++) {
      const body = Array.from({ length: 17 }, () => ALPHABET[rand()]).join('');
      const check = reference(body);
      expect(creditCodeCheckChar(body)).toBe(check);
      expect(isValidCreditCode(body + check)).toBe(true);
    }
  });

  it('check character 0 (sum divisible by 31) is handled', () => {
    // '0' * 17 sums to 0 → (31 - 0) % 31 = 0
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    expect(isValidCreditCode('000000000000000000')).toBe(true);
  });

  it('refuses every single-character corruption of a valid code', () => {
    const code = VALID[0] as string;
    const replacements = [...ALPHABET, 'I', 'O', 'S', 'V', 'Z', 'a', 'y', ' ', '-'];
    let tried = 0;
    for (let i = 0; i < code.length; i++) {
      for (const c of replacements) {
        if (c === code[i]) continue;
        const bad = code.slice(0, i) + c + code.slice(i + 1);
        expect(isValidCreditCode(bad), bad).toBe(false);
        tried++;
      }
    }
    expect(tried).toBe(18 * (replacements.length - 1));
  });

  it('refuses the wrong length', () => {
    const code = VALID[1] as string;
    expect(isValidCreditCode('')).toBe(false);
    expect(isValidCreditCode(code.slice(0, 17))).toBe(false);
    expect(isValidCreditCode(code + '0')).toBe(false);
    expect(isValidCreditCode(' ' + code)).toBe(false);
    expect(isValidCreditCode(code + ' ')).toBe(false);
  });

  it.each(['I', 'O', 'S', 'V', 'Z'])('refuses the forbidden letter %s anywhere, even with a "fitting" check character', (letter) => {
    const body = '91350100M000100Y4'.slice(0, 8) + letter + '000100Y4';
    expect(body).toHaveLength(17);
    expect(creditCodeCheckChar(body)).toBeUndefined();
    for (const check of ALPHABET) expect(isValidCreditCode(body + check)).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4' + letter)).toBe(false);
  });

  it('refuses lowercase (the alphabet is capitals only)', () => {
    expect(isValidCreditCode('91350100m000100y43')).toBe(false);
    expect(isValidCreditCode('91110000600037341l')).toBe(false);
  });

  it('creditCodeCheckChar ignores nothing within the first 17 characters', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });

  // A short body used to be read as if padded with '0'.
  it('creditCodeCheckChar refuses a body that is not 17 characters long', () => {
    expect(creditCodeCheckChar('9135')).toBeUndefined();
    expect(creditCodeCheckChar('')).toBeUndefined();
    expect(creditCodeCheckChar('91350100M000100Y43')).toBeUndefined();
  });
});
