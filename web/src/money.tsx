/**
 * Money in the browser: the API carries an integer count of minor units and an ISO 4217 currency
 * (CNY 500,000.75 is `{ amount: 50000075, currency: 'CNY' }`); people read and type the major unit
 * with the currency's own decimals (yuan with two). Parsing is exact decimal arithmetic on the typed
 * digits (never a float multiplication, which turns 0.29 yuan into 28.999… fen).
 */
import { useState } from 'preact/hooks';
import { currentLang, messages } from './i18n';

export interface Money {
  amount: number;
  currency: string;
}

export const isMoney = (v: unknown): v is Money =>
  typeof v === 'object' &&
  v !== null &&
  Object.keys(v).length === 2 &&
  Number.isInteger((v as Money).amount) &&
  typeof (v as Money).currency === 'string' &&
  /^[A-Z]{3}$/.test((v as Money).currency);

/** The number of decimals of a currency's minor unit (CNY, USD: 2; JPY: 0). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** An amount of minor units in its currency, with the currency's own decimals: CN¥500,000.75. */
export function fmtMoney(m: Money): string {
  const f = new Intl.NumberFormat(currentLang(), { style: 'currency', currency: m.currency });
  return f.format(m.amount / 10 ** minorDigits(m.currency));
}

/** Minor units as the major unit is typed: 50000075 CNY → "500000.75". */
export function toMajorText(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const s = String(Math.abs(amount)).padStart(digits + 1, '0');
  return `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

const m = messages(
  {
    moneyEmpty: 'Enter an amount.',
    moneyFormat: 'Enter an amount such as 1234.56 (digits, at most {digits} decimals).',
    moneyTooLarge: 'The amount is too large.',
  },
  {
    moneyEmpty: '请输入金额。',
    moneyFormat: '请输入金额，例如 1234.56（数字，最多 {digits} 位小数）。',
    moneyTooLarge: '金额过大。',
  },
);

/**
 * The minor units of a typed amount ("1,234.5" CNY → 123450), or the reason it is not one. Thousands
 * separators (",", " ", "，") are allowed; a sign, an exponent or more decimals than the currency has are not.
 */
export function parseMoney(text: string, currency: string): { ok: true; money: Money } | { ok: false; reason: string } {
  const digits = minorDigits(currency);
  const s = text.trim().replace(/[,\s，]/g, '');
  if (!s) return { ok: false, reason: m('moneyEmpty') };
  const match = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!match || (match[2] ?? '').length > digits) return { ok: false, reason: m('moneyFormat', { digits }) };
  const minor = BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt((match[2] ?? '').padEnd(digits, '0') || '0');
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: m('moneyTooLarge') };
  return { ok: true, money: { amount: Number(minor), currency } };
}

let serial = 0;

/**
 * A labelled amount in the major unit (yuan), its currency shown beside it, checked as typed: the
 * parent hears the minor units, or `null` while the text is not an amount (the reason is shown at the field).
 */
export function MoneyInput({
  label,
  currency,
  initial,
  hint,
  errors = [],
  onChange,
}: {
  label: string;
  currency: string;
  initial?: number;
  hint?: string;
  /** What a refusal said about this amount (shown under it, announced with it). */
  errors?: string[];
  onChange: (money: Money | null) => void;
}) {
  const [id] = useState(() => `money${++serial}`);
  const [text, setText] = useState(initial === undefined ? '' : toMajorText(initial, currency));
  const [touched, setTouched] = useState(false);
  const parsed = parseMoney(text, currency);
  const typed = touched && !parsed.ok ? [parsed.reason] : [];
  const problems = [...typed, ...errors];
  const problem = problems.length ? problems.join('; ') : undefined;
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field money-field">
      <label for={id}>{label}</label>
      <span class="money-input">
        <input
          id={id}
          inputMode="decimal"
          autoComplete="off"
          value={text}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={described || undefined}
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value;
            setText(v);
            const p = parseMoney(v, currency);
            onChange(p.ok ? p.money : null);
          }}
          onBlur={() => setTouched(true)}
        />
        <span class="currency">{currency}</span>
      </span>
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {problem && (
        <small id={`${id}-error`} class="field-error">
          {problem}
        </small>
      )}
    </div>
  );
}
