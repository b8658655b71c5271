/** Money arithmetic on integer minor units; no floating point touches an amount. */
import type { Money } from './types.js';

/** `amount × ratio`, rounded down, with the ratio taken to millionths (0.5 → 500000 ppm). */
export function share(amount: number, ratio: number): number {
  const ppm = BigInt(Math.round(ratio * 1_000_000));
  return Number((BigInt(amount) * ppm) / 1_000_000n);
}

/** `12345 CNY` → `123.45 CNY`, for messages (minor units per major unit from Intl). */
export function formatMoney(m: Money): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const sign = m.amount < 0 ? '-' : '';
  const abs = Math.abs(m.amount);
  if (digits === 0) return `${sign}${abs} ${m.currency}`;
  const unit = 10 ** digits;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')} ${m.currency}`;
}
