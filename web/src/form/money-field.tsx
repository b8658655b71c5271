/** Money: the amount in the major unit (yuan with two decimals), the currency fixed by the schema or chosen from its list. */
import { useState } from 'preact/hooks';
import { MoneyInput, parseMoney, toMajorText, type Money } from '../money';
import { useId } from './labelled';
import { m } from './messages';

const isMoney = (v: unknown): v is Money => typeof v === 'object' && v !== null && typeof (v as Money).amount === 'number';

export function MoneyField({
  label,
  hint,
  currencies,
  errors,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  currencies: string[];
  errors: string[];
  value: unknown;
  /** Undefined while the text is not an amount: the field is left out, and a required one is refused at its path. */
  onChange: (v: Money | undefined) => void;
}) {
  const money = isMoney(value) ? value : undefined;
  const id = useId('cur');
  const [currency, setCurrency] = useState(money?.currency ?? currencies[0]!);
  // Another currency reads the same typed text anew: its decimals may differ (JPY has none).
  const choose = (next: string) => {
    setCurrency(next);
    if (!money) return;
    const again = parseMoney(toMajorText(money.amount, money.currency), next);
    onChange(again.ok ? again.money : undefined);
  };
  return (
    <div class="money-row">
      {currencies.length > 1 && (
        <div class="field">
          <label for={id}>{m('currency')}</label>
          <select id={id} value={currency} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      )}
      {/* Keyed by the currency: its decimals decide how the typed amount reads. */}
      <MoneyInput
        key={currency}
        label={label}
        hint={hint}
        errors={errors}
        currency={currency}
        initial={money?.amount}
        onChange={(v) => onChange(v ?? undefined)}
      />
    </div>
  );
}
