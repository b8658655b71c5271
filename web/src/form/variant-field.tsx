/**
 * An `anyOf` (a duration: ISO 8601 text, `{ workingDays }` or `{ workingHours }`) as a choice of its
 * variants, then the chosen variant's own fields. Which variant a value is, is read from the value
 * itself, so a value typed in elsewhere (the JSON view) shows as its variant.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { initialValue, isObject, typeIs, type JsonSchema } from './json-schema';
import { Group, Row } from './labelled';
import { m } from './messages';

/** Which variant a value is: by its type, and for objects by the keys it has; -1 for none. */
function variantIndex(variants: JsonSchema[], value: unknown, picked: number | undefined): number {
  if (value === undefined) return -1;
  const typed = (type: string) => variants.findIndex((v) => typeIs(v, type) || (type === 'number' && typeIs(v, 'integer')));
  if (typeof value === 'string') return typed('string');
  if (typeof value === 'number') return typed('number');
  if (typeof value === 'boolean') return typed('boolean');
  if (isObject(value)) {
    const keys = Object.keys(value);
    const byKeys = variants.findIndex((v) => typeIs(v, 'object') && keys.some((k) => k in (v.properties ?? {})));
    if (byKeys >= 0) return byKeys;
    // An object with nothing typed in yet: the variant the user picked.
    return picked !== undefined && typeIs(variants[picked] ?? {}, 'object') ? picked : typed('object');
  }
  return -1;
}

const variantLabel = (v: JsonSchema): string =>
  v.title ?? (typeIs(v, 'object') ? Object.keys(v.properties ?? {}).join(', ') : typeIs(v, 'string') ? m('asText') : m('asNumber'));

/** What a variant starts as when chosen: text starts empty (so the choice holds while nothing is typed). */
const startOf = (v: JsonSchema) => (typeIs(v, 'string') && v.enum === undefined && v.const === undefined ? '' : initialValue(v, true));

export function VariantField({
  label,
  hint,
  required,
  variants,
  errors,
  path,
  value,
  onChange,
  renderVariant,
}: {
  label: string;
  hint?: string;
  required: boolean;
  variants: JsonSchema[];
  /** The server's errors at the field itself ("Invalid input" for a value no variant takes). */
  errors: string[];
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
  /** The chosen variant's fields (an object's properties, or one control for the value itself). */
  renderVariant: (variant: JsonSchema) => ComponentChildren;
}) {
  const [picked, setPicked] = useState<number>();
  const index = variantIndex(variants, value, picked);
  const variant = variants[index];
  const choose = (i: number) => {
    setPicked(i < 0 ? undefined : i);
    onChange(i < 0 ? undefined : startOf(variants[i]!));
  };
  // A single value's control shows the errors at this path itself; an object's fields do not, so the choice does.
  const ownErrors = variant && !typeIs(variant, 'object') ? [] : errors;
  return (
    <Group legend={label} required={required} path={path}>
      <Row
        label={m('variantOf', { name: label })}
        hint={hint}
        required={required}
        errors={ownErrors}
        render={(a) => (
          <select {...a} data-choice={path} value={String(index)} onChange={(e) => choose(Number((e.target as HTMLSelectElement).value))}>
            {(!required || index < 0) && <option value="-1">{m('notSet')}</option>}
            {variants.map((v, i) => (
              <option key={i} value={String(i)}>
                {variantLabel(v)}
              </option>
            ))}
          </select>
        )}
      />
      {variant && renderVariant(variant)}
    </Group>
  );
}
