/**
 * One field of a form built from JSON Schema, by its shape (json-schema.ts): objects as fieldsets of
 * labelled rows, text as inputs (long text as text areas), numbers, choices as selects, dates, money
 * in the major unit (MoneyInput), lists with Add and Remove, free-form details as name/value rows.
 * Labels are the schema's titles, else the property names; descriptions are hints.
 */
import { fieldLabel } from '../details';
import { useState } from 'preact/hooks';
import { MoneyInput, parseMoney, toMajorText, type Money } from '../money';
import { useFieldErrors, pathOf } from './field-errors';
import { FreeFormField } from './free-form';
import { shapeOf, type FormValue, type FreeRow, type JsonSchema } from './json-schema';
import { FieldMessages, Group, Row, useId, type ControlProps } from './labelled';
import { ChoicesField, ListField } from './list-fields';
import { m } from './messages';

export interface FieldProps {
  /** The property name (the label when the schema has no title). */
  name: string;
  schema: JsonSchema;
  required: boolean;
  /** Where the server reports this field's errors: ['body', 'details', 'loss', 'description']. */
  path: (string | number)[];
  value: FormValue;
  onChange: (value: FormValue) => void;
  /** A list item's label ("Products 2"), in place of the property's. */
  label?: string;
}

export const labelOf = (name: string, s: JsonSchema) => s.title ?? fieldLabel(name);

const inputText = (e: Event) => (e.target as HTMLInputElement).value;

export function SchemaField(props: FieldProps) {
  const { name, schema, required, path, value, onChange } = props;
  const label = props.label ?? labelOf(name, schema);
  const shape = shapeOf(schema);
  const where = pathOf(path);
  const errors = useFieldErrors(where, shape.kind === 'money');
  const hint = schema.description;

  switch (shape.kind) {
    case 'object': {
      const v = value as Record<string, FormValue>;
      return (
        <Group legend={label} hint={hint} required={required} errors={errors}>
          {shape.properties.map(([child, s, req]) => (
            <SchemaField
              key={child}
              name={child}
              schema={s}
              required={req}
              path={[...path, child]}
              value={v[child] ?? null}
              onChange={(next) => onChange({ ...v, [child]: next })}
            />
          ))}
        </Group>
      );
    }
    case 'free-form':
      // The schema says what the details are about; how to fill in the rows is the form's to say.
      return (
        <FreeFormField legend={label} hint={[hint, m('freeFormHint')].filter(Boolean).join(' — ')} path={path} rows={value as FreeRow[]} onChange={onChange} />
      );
    case 'money':
      // MoneyInput labels its own input: a required amount says so in its hint.
      return (
        <MoneyField
          label={label}
          hint={[required ? m('required') : '', hint ?? ''].filter(Boolean).join(' · ') || undefined}
          currencies={shape.currencies}
          errors={errors}
          value={value as Money | null}
          onChange={onChange}
        />
      );
    case 'list':
      return (
        <ListField
          label={label}
          hint={hint}
          required={required}
          schema={schema}
          item={shape.item}
          errors={errors}
          value={value as FormValue[]}
          onChange={onChange}
          renderItem={(i, itemLabel, v, change) => (
            <SchemaField name={name} label={itemLabel} schema={shape.item} required path={[...path, i]} value={v} onChange={change} />
          )}
        />
      );
    case 'choices':
      return (
        <ChoicesField label={label} hint={hint} required={required} options={shape.options} errors={errors} value={value as string[]} onChange={onChange} />
      );
    case 'boolean':
      return (
        <div class="field">
          <label class="check">
            <input
              type="checkbox"
              checked={value === true}
              aria-describedby={errors.length ? `${where}-error` : undefined}
              aria-invalid={errors.length ? 'true' : undefined}
              onChange={(e) => onChange((e.target as HTMLInputElement).checked)}
            />
            {label}
          </label>
          {hint && <small>{hint}</small>}
          <FieldMessages id={`${where}-error`} errors={errors} />
        </div>
      );
    default:
      return (
        <Row
          label={label}
          hint={hint}
          required={required}
          errors={errors}
          render={(a) => <ScalarControl a={a} schema={schema} value={value as string} onChange={onChange} />}
        />
      );
  }
}

/** Text, long text, a number, a choice or a date: the control that types it. */
function ScalarControl({ a, schema, value, onChange }: { a: ControlProps; schema: JsonSchema; value: string; onChange: (v: string) => void }) {
  const shape = shapeOf(schema);
  const common = { ...a, value, onInput: (e: Event) => onChange(inputText(e)) };
  switch (shape.kind) {
    case 'choice':
      return (
        <select {...a} value={value} onChange={(e) => onChange(inputText(e))}>
          {(!a.required || shape.options.length > 1) && <option value="">{m('noChoice')}</option>}
          {shape.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'number':
      return <input {...common} type="number" step={shape.integer ? 1 : 'any'} min={schema.minimum} max={schema.maximum} />;
    case 'date':
      return <input {...common} type={shape.withTime ? 'datetime-local' : 'date'} />;
    case 'text':
      return shape.long ? <textarea {...common} rows={4} maxLength={schema.maxLength} /> : <input {...common} maxLength={schema.maxLength} />;
    default:
      return <input {...common} />;
  }
}

/** Money: the amount in the major unit (yuan with two decimals), the currency fixed by the schema or chosen from its list. */
function MoneyField({
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
  value: Money | null;
  onChange: (v: Money | null) => void;
}) {
  const id = useId('cur');
  const [currency, setCurrency] = useState(value?.currency ?? currencies[0]!);
  // Another currency reads the same typed text anew: its decimals may differ (JPY has none).
  const choose = (next: string) => {
    setCurrency(next);
    if (!value) return;
    const again = parseMoney(toMajorText(value.amount, value.currency), next);
    onChange(again.ok ? again.money : null);
  };
  return (
    <div class="money-row">
      {currencies.length > 1 && (
        <div class="field">
          <label for={id}>{m('currency')}</label>
          <select id={id} value={currency} onChange={(e) => choose(inputText(e))}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      )}
      {/* Keyed by the currency: its decimals decide how the typed amount reads. */}
      <MoneyInput key={currency} label={label} hint={hint} errors={errors} currency={currency} initial={value?.amount} onChange={onChange} />
    </div>
  );
}
