/**
 * Free-form details (a schema with no properties of its own, such as one-stop approval's): named
 * fields the user adds, each a name and a value, sent as `{ name: value }`.
 */
import { pathOf, useFieldErrors } from './field-errors';
import type { FreeRow } from './json-schema';
import { Group, Row } from './labelled';
import { m } from './messages';
import { useStableKeys } from './stable-keys';

export function FreeFormField({
  legend,
  hint,
  path,
  rows,
  onChange,
}: {
  legend: string;
  hint: string;
  path: (string | number)[];
  rows: FreeRow[];
  onChange: (rows: FreeRow[]) => void;
}) {
  const errors = useFieldErrors(pathOf(path));
  const { keys, forget } = useStableKeys(rows.length);
  const set = (i: number, change: Partial<FreeRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const remove = (i: number) => {
    forget(i);
    onChange(rows.filter((_, j) => j !== i));
  };
  return (
    <Group legend={legend} hint={hint} errors={errors} class="free-form">
      <ol class="form-list">
        {rows.map((r, i) => (
          <li key={keys[i]} class="free-row">
            <Row
              label={m('rowName', { n: i + 1 })}
              required={false}
              errors={[]}
              render={(a) => <input {...a} value={r.name} maxLength={100} onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />}
            />
            <FreeValue path={[...path, r.name.trim()]} n={i + 1} value={r.value} onInput={(value) => set(i, { value })} />
            <button type="button" onClick={() => remove(i)}>
              {m('removeRow', { n: i + 1 })}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => onChange([...rows, { name: '', value: '' }])}>
        {m('addRow')}
      </button>
    </Group>
  );
}

/** A row's value, with the server's errors at the field its name makes (`body.details.product`). */
function FreeValue({ path, n, value, onInput }: { path: (string | number)[]; n: number; value: string; onInput: (v: string) => void }) {
  const errors = useFieldErrors(pathOf(path));
  return (
    <Row
      label={m('rowValue', { n })}
      required={false}
      errors={errors}
      render={(a) => <input {...a} value={value} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />}
    />
  );
}
