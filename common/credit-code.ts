/**
 * Unified social credit code (GB 32100-2015): 18 characters from a 31-character alphabet
 * (digits and capitals without I, O, Z, S, V); the last one is a check character computed
 * modulo 31 over the first 17 with fixed weights.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or undefined if one is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return undefined;
    sum += v * (WEIGHTS[i] as number);
  }
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export function isValidCreditCode(code: string): boolean {
  return code.length === 18 && creditCodeCheckChar(code.slice(0, 17)) === code[17];
}
