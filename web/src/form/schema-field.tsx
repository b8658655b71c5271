/**
 * One field of a form built from JSON Schema, by its shape (json-schema.ts): objects as fieldsets of
 * their properties, fixed values shown, an `anyOf` as a choice of variants, money in the major unit,
 * lists with Add and Remove, choices as checkboxes, free-form details as name/value rows, booleans as
 * checkboxes, and single values (scalar-fields.tsx). The field edits the JSON value that is sent.
 */
import { pathOf, useFieldErrors, type Segment } from './field-errors';
import { hintOf, labelOf, useFormOptions } from './form-options';
import { FreeFormField } from './free-form';
import { initialValue, isObject, shapeOf, type Json, type JsonSchema } from './json-schema';
import { FieldMessages, Group, useId } from './labelled';
import { ChoicesField, ListField } from './list-fields';
import { m } from './messages';
import { MoneyField } from './money-field';
import { ScalarField } from './scalar-fields';
import { VariantField } from './variant-field';

export interface FieldProps {
  /** The property name (the label when the schema has no title, or always with `keyLabels`). */
  name: string;
  schema: JsonSchema;
  required: boolean;
  /** Where the field is in the value: ['loss', 'description'], ['departments', 0, 'sla']. */
  path: Segment[];
  value: unknown;
  onChange: (value: unknown) => void;
  /** A list item's label ("Products 2"), or the form's own, in place of the property's. */
  label?: string;
}

export function SchemaField(props: FieldProps) {
  const { name, schema, required, path, value, onChange } = props;
  const options = useFormOptions();
  const label = props.label ?? labelOf(name, schema, options.keyLabels);
  const shape = shapeOf(schema);
  const where = pathOf(path);
  const errorPath = [...options.root, ...path];
  const errors = useFieldErrors(pathOf(errorPath), shape.kind === 'money' || shape.kind === 'choices');
  const hint = hintOf(schema);

  switch (shape.kind) {
    case 'object':
      return (
        <Group legend={label} hint={hint} required={required} errors={errors} path={where}>
          <Properties schema={schema} required={required} path={path} value={value} onChange={onChange} />
        </Group>
      );
    case 'fixed':
      return (
        <p class="field">
          <span>{label}</span> <code data-path={where}>{typeof shape.value === 'string' ? shape.value : JSON.stringify(shape.value)}</code>
        </p>
      );
    case 'variants':
      return (
        <VariantField
          label={label}
          hint={hint}
          required={required}
          variants={shape.variants}
          errors={errors}
          path={where}
          value={value}
          onChange={onChange}
          renderVariant={(variant) =>
            shapeOf(variant).kind === 'object' ? (
              <Properties schema={variant} required path={path} value={value} onChange={onChange} />
            ) : (
              // Chosen, it is there: emptied, it stays this variant (and empty) until another is chosen.
              <SchemaField name={name} label={label} schema={{ ...variant, description: undefined }} required path={path} value={value} onChange={onChange} />
            )
          }
        />
      );
    case 'free-form':
      // The schema says what the details are about; how to fill in the rows is the form's to say.
      return (
        <FreeFormField
          legend={label}
          hint={[hint, m('freeFormHint')].filter(Boolean).join(' — ')}
          required={required}
          path={where}
          errorPath={errorPath}
          value={value}
          onChange={onChange}
        />
      );
    case 'money':
      // MoneyInput labels its own input: a required amount says so in its hint.
      return (
        <MoneyField
          label={label}
          hint={[required ? m('required') : '', hint ?? ''].filter(Boolean).join(' · ') || undefined}
          currencies={shape.currencies}
          errors={errors}
          value={value}
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
          path={where}
          value={Array.isArray(value) ? value : []}
          onChange={onChange}
          renderItem={(i, itemLabel, v, change) => (
            <SchemaField name={name} label={itemLabel} schema={shape.item} required path={[...path, i]} value={v} onChange={change} />
          )}
        />
      );
    case 'choices':
      return (
        <ChoicesField
          label={label}
          hint={hint}
          required={required}
          path={where}
          options={shape.options}
          errors={errors}
          value={Array.isArray(value) ? (value as string[]) : []}
          onChange={(v) => onChange(v.length === 0 && !required ? undefined : v)}
        />
      );
    case 'boolean':
      return <BooleanField label={label} hint={hint} errors={errors} path={where} value={value} onChange={onChange} />;
    default:
      return (
        <ScalarField
          label={label}
          hint={hint}
          schema={schema}
          shape={shape}
          required={required}
          errors={errors}
          path={where}
          value={value}
          onChange={onChange}
        />
      );
  }
}

/**
 * An object's properties in schema order. The first edit of an absent object starts it from what it
 * must hold (its fixed values); an optional object left with no field set is absent again.
 */
export function Properties({
  schema,
  required,
  path,
  value,
  onChange,
}: {
  schema: JsonSchema;
  required: boolean;
  path: Segment[];
  value: unknown;
  onChange: (v: Json | undefined) => void;
}) {
  const shape = shapeOf(schema);
  if (shape.kind !== 'object') return null;
  const obj = isObject(value) ? value : {};
  const set = (key: string, v: unknown) => {
    const next = { ...(isObject(value) ? value : (initialValue(schema, true) as Json)) };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(!required && Object.keys(next).length === 0 ? undefined : next);
  };
  return (
    <>
      {shape.properties.map(([key, s, req]) => (
        <SchemaField key={key} name={key} schema={s} required={req} path={[...path, key]} value={obj[key]} onChange={(v) => set(key, v)} />
      ))}
    </>
  );
}

/** A yes/no: the label beside its checkbox, which is how a checkbox is read. */
function BooleanField({
  label,
  hint,
  errors,
  path,
  value,
  onChange,
}: {
  label: string;
  hint?: string;
  errors: string[];
  path: string;
  value: unknown;
  onChange: (v: boolean) => void;
}) {
  const id = useId('chk');
  const described = [hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label class="check">
        <input
          type="checkbox"
          data-path={path}
          checked={value === true}
          aria-describedby={described || undefined}
          aria-invalid={errors.length ? 'true' : undefined}
          onChange={(e) => onChange((e.target as HTMLInputElement).checked)}
        />
        {label}
      </label>
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      <FieldMessages id={`${id}-error`} errors={errors} />
    </div>
  );
}
