/**
 * A form over a JSON Schema (the template schemas of GET /v1/template-schemas): objects as fieldsets,
 * strings, numbers, enums and booleans as controls, arrays with Add and Remove, and an `anyOf` (a
 * duration: ISO 8601 text, `{ workingDays }` or `{ workingHours }`) as a choice of its variants. It
 * edits a JSON value and checks nothing itself: the API validates with the zod schema the JSON
 * Schema was made from, and its errors are shown at their fields (`errors`, keyed by path).
 */
import { useEffect, useState } from 'preact/hooks';
import { messages } from '../../i18n';
import { CheckedField, errorsUnder, FieldErrorLines, inputText, type FieldErrors } from './form-bits';
import { pathText, type Segment } from './template-diff';

export interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  description?: string;
  default?: unknown;
}

const m = messages(
  {
    add: 'Add to {name}',
    remove: 'Remove {name}',
    notSet: '(not set)',
    defaultIs: 'default: {value}',
    variantOf: 'form of {name}',
    asText: 'text',
    asNumber: 'number',
    noItems: 'no items',
  },
  {
    add: '添加到 {name}',
    remove: '删除 {name}',
    notSet: '（未设置）',
    defaultIs: '默认：{value}',
    variantOf: '{name} 的形式',
    asText: '文本',
    asNumber: '数字',
    noItems: '无条目',
  },
);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface NodeProps {
  schema: JsonSchema;
  value: unknown;
  onChange: (v: unknown) => void;
  path: Segment[];
  label: string;
  required: boolean;
  errors: FieldErrors;
}

export function SchemaForm({ schema, value, onChange, errors }: { schema: JsonSchema; value: Json; onChange: (v: Json) => void; errors: FieldErrors }) {
  return <Properties schema={schema} value={value} onChange={(v) => onChange(v ?? {})} path={[]} errors={errors} optional={false} />;
}

function SchemaNode(p: NodeProps) {
  const s = p.schema;
  if (s.const !== undefined) return <ConstField {...p} />;
  if (s.anyOf) return <ChoiceNode {...p} />;
  if (s.type === 'object') return <ObjectNode {...p} />;
  if (s.type === 'array') return <ArrayNode {...p} />;
  if (s.enum) return <EnumField {...p} />;
  if (s.type === 'boolean') return <BooleanField {...p} />;
  if (s.type === 'number' || s.type === 'integer') return <NumberField {...p} />;
  return <TextField {...p} />;
}

/** The hint under a control: the schema's description and its default. */
function hintOf(s: JsonSchema): string | undefined {
  const parts = [s.description, s.default !== undefined ? m('defaultIs', { value: JSON.stringify(s.default) }) : undefined].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

/** An object's properties in schema order; an optional object left with no field set is absent. */
function Properties({
  schema,
  value,
  onChange,
  path,
  errors,
  optional,
}: Pick<NodeProps, 'schema' | 'value' | 'path' | 'errors'> & { onChange: (v: Json | undefined) => void; optional: boolean }) {
  const obj = isObject(value) ? value : {};
  const set = (key: string, v: unknown) => {
    const next = { ...obj };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(optional && Object.keys(next).length === 0 ? undefined : next);
  };
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, sub]) => (
        <SchemaNode
          key={key}
          schema={sub}
          value={obj[key]}
          onChange={(v) => set(key, v)}
          path={[...path, key]}
          label={key}
          required={schema.required?.includes(key) ?? false}
          errors={errors}
        />
      ))}
    </>
  );
}

function ObjectNode(p: NodeProps) {
  return (
    <fieldset data-path={pathText(p.path)}>
      <legend>{p.label}</legend>
      {hintOf(p.schema) && <small class="muted">{hintOf(p.schema)}</small>}
      <FieldErrorLines errors={p.errors[pathText(p.path)] ?? []} />
      <Properties {...p} optional={!p.required} />
    </fieldset>
  );
}

/** What a new item of a list starts as: an empty object, empty text, or nothing yet. */
function emptyOf(s: JsonSchema | undefined): unknown {
  if (!s) return undefined;
  if (s.const !== undefined) return s.const;
  if (s.anyOf) return emptyOf(s.anyOf[0]);
  if (s.type === 'object') return {};
  if (s.type === 'array') return [];
  if (s.type === 'string') return s.enum ? s.enum[0] : '';
  return undefined;
}

function ArrayNode(p: NodeProps) {
  const items = Array.isArray(p.value) ? p.value : [];
  const itemSchema = p.schema.items ?? {};
  const setItem = (i: number, v: unknown) => p.onChange(items.map((x, j) => (j === i ? v : x)));
  const name = pathText(p.path);
  return (
    <fieldset data-path={name}>
      <legend>{p.label}</legend>
      {hintOf(p.schema) && <small class="muted">{hintOf(p.schema)}</small>}
      <FieldErrorLines errors={p.errors[name] ?? []} />
      {items.length === 0 && <p class="muted">{m('noItems')}</p>}
      {items.map((item, i) => {
        const itemLabel = `${p.label} ${i + 1}`;
        return (
          <fieldset key={i} class="item">
            <legend>{itemLabel}</legend>
            {/* An object item's fields go straight into the item's fieldset (one legend, not two). */}
            {itemSchema.type === 'object' ? (
              <>
                <FieldErrorLines errors={p.errors[pathText([...p.path, i])] ?? []} />
                <Properties schema={itemSchema} value={item} onChange={(v) => setItem(i, v ?? {})} path={[...p.path, i]} errors={p.errors} optional={false} />
              </>
            ) : (
              <SchemaNode schema={itemSchema} value={item} onChange={(v) => setItem(i, v)} path={[...p.path, i]} label={itemLabel} required errors={p.errors} />
            )}
            <div class="actions">
              <button type="button" class="danger" onClick={() => p.onChange(items.filter((_, j) => j !== i))}>
                {m('remove', { name: itemLabel })}
              </button>
            </div>
          </fieldset>
        );
      })}
      <div class="actions">
        <button type="button" onClick={() => p.onChange([...items, emptyOf(itemSchema)])}>
          {m('add', { name: p.label })}
        </button>
      </div>
    </fieldset>
  );
}

/** Which variant of an `anyOf` a value is: by its type, and for objects by the keys it has. */
function variantIndex(variants: JsonSchema[], value: unknown, picked: number | undefined): number {
  if (value === undefined) return -1;
  const typed = (type: string) => variants.findIndex((v) => v.type === type || (type === 'number' && v.type === 'integer'));
  if (typeof value === 'string') return typed('string');
  if (typeof value === 'number') return typed('number');
  if (isObject(value)) {
    const keys = Object.keys(value);
    const byKeys = variants.findIndex((v) => v.type === 'object' && keys.some((k) => k in (v.properties ?? {})));
    if (byKeys >= 0) return byKeys;
    // An object with nothing typed in yet: the variant the admin picked.
    return picked !== undefined && variants[picked]?.type === 'object' ? picked : typed('object');
  }
  return -1;
}

const variantLabel = (v: JsonSchema): string =>
  v.type === 'object' ? Object.keys(v.properties ?? {}).join(', ') : v.type === 'string' ? m('asText') : m('asNumber');

function ChoiceNode(p: NodeProps) {
  const variants = p.schema.anyOf!;
  const [picked, setPicked] = useState<number>();
  const index = variantIndex(variants, p.value, picked);
  const name = pathText(p.path);
  const choose = (i: number) => {
    setPicked(i < 0 ? undefined : i);
    p.onChange(i < 0 ? undefined : emptyOf(variants[i]));
  };
  const variant = variants[index];
  // Errors of the choice itself (the API says "Invalid input" for a value no variant takes) go under its control.
  const own = p.errors[name] ?? [];
  return (
    <fieldset data-path={name}>
      <legend>{p.label}</legend>
      <CheckedField
        label={m('variantOf', { name: p.label })}
        hint={hintOf(p.schema)}
        errors={variant?.type === 'object' ? own : []}
        render={(a) => (
          <select {...a} data-choice={name} value={String(index)} onChange={(e) => choose(Number(inputText(e)))}>
            {(!p.required || index < 0) && <option value="-1">{m('notSet')}</option>}
            {variants.map((v, i) => (
              <option key={i} value={String(i)}>
                {variantLabel(v)}
              </option>
            ))}
          </select>
        )}
      />
      {variant?.type === 'object' && <Properties schema={variant} value={p.value} onChange={p.onChange} path={p.path} errors={p.errors} optional={false} />}
      {variant && variant.type !== 'object' && <SchemaNode {...p} schema={{ ...variant, description: undefined }} />}
      {!variant && <FieldErrorLines errors={own} />}
    </fieldset>
  );
}

function ConstField(p: NodeProps) {
  return (
    <p class="field">
      <span>{p.label}</span> <code data-path={pathText(p.path)}>{String(p.schema.const)}</code>
    </p>
  );
}

function EnumField(p: NodeProps) {
  const options = p.schema.enum ?? [];
  return (
    <CheckedField
      label={p.label}
      hint={hintOf(p.schema)}
      errors={errorsUnder(p.errors, pathText(p.path))}
      render={(a) => (
        <select
          {...a}
          data-path={pathText(p.path)}
          value={p.value === undefined ? '' : String(p.value)}
          onChange={(e) => p.onChange(options.find((o) => String(o) === inputText(e)))}
        >
          {(!p.required || p.value === undefined) && <option value="">{m('notSet')}</option>}
          {options.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      )}
    />
  );
}

function BooleanField(p: NodeProps) {
  return (
    <CheckedField
      label={p.label}
      hint={hintOf(p.schema)}
      errors={p.errors[pathText(p.path)]}
      render={(a) => (
        <input
          {...a}
          type="checkbox"
          data-path={pathText(p.path)}
          checked={p.value === true}
          onChange={(e) => p.onChange((e.target as HTMLInputElement).checked)}
        />
      )}
    />
  );
}

/** A number kept as typed ("1.0", "0."): it is parsed for the value, but the text is never rewritten under the cursor. */
function NumberField(p: NodeProps) {
  const [text, setText] = useState(p.value === undefined ? '' : String(p.value));
  useEffect(() => {
    if (Number(text) !== p.value && !(text === '' && p.value === undefined)) setText(p.value === undefined ? '' : String(p.value));
  }, [p.value]);
  return (
    <CheckedField
      label={p.label}
      hint={hintOf(p.schema)}
      errors={p.errors[pathText(p.path)]}
      render={(a) => (
        <input
          {...a}
          type="number"
          step={p.schema.type === 'integer' ? 1 : 'any'}
          data-path={pathText(p.path)}
          value={text}
          onInput={(e) => {
            const typed = inputText(e);
            setText(typed);
            p.onChange(typed.trim() === '' ? undefined : Number(typed));
          }}
        />
      )}
    />
  );
}

/** Text; an optional field left empty is absent (a required one is sent empty, for the API to name it). */
function TextField(p: NodeProps) {
  return (
    <CheckedField
      label={p.label}
      hint={hintOf(p.schema)}
      errors={p.errors[pathText(p.path)]}
      render={(a) => (
        <input
          {...a}
          type="text"
          spellcheck={false}
          data-path={pathText(p.path)}
          value={typeof p.value === 'string' ? p.value : ''}
          onInput={(e) => {
            const typed = inputText(e);
            p.onChange(typed === '' && !p.required ? undefined : typed);
          }}
        />
      )}
    />
  );
}
