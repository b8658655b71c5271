/**
 * Free-form details (a schema with no properties of its own, such as one-stop approval's): named
 * fields the user adds, each a name and a value, sent as `{ name: value }`. The rows are kept as
 * typed (a row with no name yet, the order) beside the object they make.
 */
import { useEffect, useState } from 'preact/hooks';
import { pathOf, useFieldErrors, type Segment } from './field-errors';
import { isObject } from './json-schema';
import { Group, Row } from './labelled';
import { m } from './messages';
import { useStableKeys } from './stable-keys';

interface FreeRow {
  name: string;
  value: string;
}

const rowsOf = (value: unknown): FreeRow[] => {
  const rows = isObject(value) ? Object.entries(value).map(([name, v]) => ({ name, value: typeof v === 'string' ? v : JSON.stringify(v) })) : [];
  return rows.length ? rows : [{ name: '', value: '' }];
};

const objectOf = (rows: FreeRow[]) => Object.fromEntries(rows.filter((r) => r.name.trim()).map((r) => [r.name.trim(), r.value]));

export function FreeFormField({
  legend,
  hint,
  required,
  path,
  errorPath,
  value,
  onChange,
}: {
  legend: string;
  hint: string;
  required: boolean;
  /** The field's path in the value, and where the server's errors for it start (`body.details`). */
  path: string;
  errorPath: Segment[];
  value: unknown;
  onChange: (value: Record<string, string> | undefined) => void;
}) {
  const errors = useFieldErrors(pathOf(errorPath));
  const [rows, setRows] = useState(() => rowsOf(value));
  // The value changed from outside (another view of it): show it, unless the rows already say the same.
  useEffect(() => {
    if (JSON.stringify(objectOf(rows)) !== JSON.stringify(value ?? {})) setRows(rowsOf(value));
  }, [value]);
  const { keys, forget } = useStableKeys(rows.length);
  const change = (next: FreeRow[]) => {
    setRows(next);
    const sent = objectOf(next);
    onChange(Object.keys(sent).length === 0 && !required ? undefined : sent);
  };
  const set = (i: number, edit: Partial<FreeRow>) => change(rows.map((r, j) => (j === i ? { ...r, ...edit } : r)));
  const remove = (i: number) => {
    forget(i);
    change(rows.filter((_, j) => j !== i));
  };
  return (
    <Group legend={legend} hint={hint} required={required} errors={errors} path={path} class="free-form">
      <ol class="form-list">
        {rows.map((r, i) => (
          <li key={keys[i]} class="free-row">
            <Row
              label={m('rowName', { n: i + 1 })}
              required={false}
              errors={[]}
              render={(a) => <input {...a} value={r.name} maxLength={100} onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />}
            />
            <FreeValue errorPath={[...errorPath, r.name.trim()]} n={i + 1} value={r.value} onInput={(v) => set(i, { value: v })} />
            <button type="button" onClick={() => remove(i)}>
              {m('removeRow', { n: i + 1 })}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => change([...rows, { name: '', value: '' }])}>
        {m('addRow')}
      </button>
    </Group>
  );
}

/** A row's value, with the server's errors at the field its name makes (`body.details.product`). */
function FreeValue({ errorPath, n, value, onInput }: { errorPath: Segment[]; n: number; value: string; onInput: (v: string) => void }) {
  const errors = useFieldErrors(pathOf(errorPath));
  return (
    <Row
      label={m('rowValue', { n })}
      required={false}
      errors={errors}
      render={(a) => <input {...a} value={value} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />}
    />
  );
}
