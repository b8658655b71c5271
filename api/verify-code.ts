/**
 * The check code a decision document's verification link carries: HMAC-SHA256 over the document's
 * kind and number under the server's VERIFY_SECRET, its first 80 bits in lower-case base32 (16
 * characters). Numbers are sequential and so guessable; without the secret a code is not, so the
 * public verification page reveals nothing to someone trying numbers.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const CODE_LENGTH = 16;

function base32(bytes: Buffer, chars: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** The code for `kind` and `number`; the NUL between them keeps (`a`, `b-c`) and (`a-b`, `c`) apart. */
export function verifyCode(secret: string, kind: string, number: string): string {
  const mac = createHmac('sha256', secret).update(`${kind}\0${number}`, 'utf8').digest();
  return base32(mac, CODE_LENGTH);
}

/** Whether `code` is the one for `kind` and `number`, compared in constant time. */
export function codeMatches(secret: string, kind: string, number: string, code: string): boolean {
  const expected = Buffer.from(verifyCode(secret, kind, number), 'utf8');
  const given = Buffer.from(code, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The verification page's path for a document: what its QR code carries, after the public origin. */
export function verifyPath(secret: string, kind: string, number: string): string {
  return `/verify/${encodeURIComponent(kind)}/${encodeURIComponent(number)}/${verifyCode(secret, kind, number)}`;
}
