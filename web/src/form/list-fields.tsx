/**
 * Lists in the form: a list of items (each a fieldset of its own, with Add and Remove buttons within
 * the schema's minItems/maxItems), and a set of choices from a closed list (checkboxes).
 */
import type { ComponentChildren } from 'preact';
import { initialValue, type JsonSchema } from './json-schema';
import { Group } from './labelled';
import { m } from './messages';
import { useStableKeys } from './stable-keys';

export function ListField({
  label,
  hint,
  required,
  schema,
  item,
  errors,
  path,
  value,
  onChange,
  renderItem,
}: {
  label: string;
  hint?: string;
  required: boolean;
  schema: JsonSchema;
  item: JsonSchema;
  errors: string[];
  path: string;
  value: unknown[];
  onChange: (v: unknown[]) => void;
  /** The item's own fields, labelled `itemLabel`. */
  renderItem: (index: number, itemLabel: string, value: unknown, onChange: (v: unknown) => void) => ComponentChildren;
}) {
  const min = schema.minItems ?? 0;
  const max = schema.maxItems ?? Infinity;
  const { keys, forget } = useStableKeys(value.length);
  const remove = (i: number) => {
    forget(i);
    onChange(value.filter((_, j) => j !== i));
  };
  return (
    <Group legend={label} hint={hint} required={required || min > 0} errors={errors} path={path} class="list">
      {value.length === 0 && <p class="muted">{m('noItems')}</p>}
      <ol class="form-list">
        {value.map((v, i) => {
          const itemLabel = m('item', { label, n: i + 1 });
          return (
            <li key={keys[i]}>
              {renderItem(i, itemLabel, v, (next) => onChange(value.map((old, j) => (j === i ? next : old))))}
              {value.length > min && (
                <button type="button" onClick={() => remove(i)}>
                  {m('removeItem', { label, n: i + 1 })}
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {value.length < max && (
        <button type="button" onClick={() => onChange([...value, initialValue(item, true)])}>
          {m('addItem', { label })}
        </button>
      )}
    </Group>
  );
}

/** Any of a closed list of values (produce-first's missing qualifications): one checkbox each. */
export function ChoicesField({
  label,
  hint,
  required,
  options,
  errors,
  path,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  required: boolean;
  path: string;
  options: string[];
  errors: string[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  return (
    <Group legend={label} hint={hint} required={required} errors={errors} path={path} class="choices">
      {options.map((o) => (
        <label key={o} class="check">
          <input
            type="checkbox"
            value={o}
            checked={value.includes(o)}
            onChange={(e) => {
              const on = (e.target as HTMLInputElement).checked;
              // Kept in the schema's order, whatever the order of the clicks.
              onChange(options.filter((x) => (x === o ? on : value.includes(x))));
            }}
          />
          {o}
        </label>
      ))}
    </Group>
  );
}
