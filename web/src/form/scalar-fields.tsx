/**
 * The controls of single values, each in a labelled row: text (long text as a text area), a number,
 * a date (or date and time), a choice from a closed list (a select). A number or a date-time is kept
 * as typed while the value is what it reads as, so the text is never rewritten under the cursor.
 */
import { useEffect, useState } from 'preact/hooks';
import type { JsonSchema, Shape } from './json-schema';
import { Row, type ControlProps } from './labelled';
import { m } from './messages';

const inputText = (e: Event) => (e.target as HTMLInputElement).value;

export interface ScalarProps {
  label: string;
  hint?: string;
  schema: JsonSchema;
  shape: Extract<Shape, { kind: 'text' | 'number' | 'date' | 'choice' }>;
  required: boolean;
  errors: string[];
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
}

export function ScalarField(p: ScalarProps) {
  return <Row label={p.label} hint={p.hint} required={p.required} errors={p.errors} path={p.path} render={(a) => <Control a={a} {...p} />} />;
}

function Control({ a, schema, shape, required, value, onChange }: ScalarProps & { a: ControlProps }) {
  switch (shape.kind) {
    case 'choice':
      return <ChoiceControl a={a} options={shape.options} required={required} value={value} onChange={onChange} />;
    case 'number':
      return <NumberControl a={a} schema={schema} integer={shape.integer} value={value} onChange={onChange} />;
    case 'date':
      return shape.withTime ? (
        <DateTimeControl a={a} value={value} onChange={onChange} />
      ) : (
        <input {...a} type="date" value={typeof value === 'string' ? value : ''} onInput={(e) => onChange(inputText(e) || undefined)} />
      );
    default: {
      // An optional field left empty is absent; a required one is sent empty, for the server to name it.
      const common = {
        ...a,
        value: typeof value === 'string' ? value : '',
        // Ids and codes (a pattern) are not words to spell-check.
        spellcheck: schema.pattern ? false : undefined,
        maxLength: schema.maxLength,
        onInput: (e: Event) => onChange(inputText(e) === '' && !required ? undefined : inputText(e)),
      };
      return shape.long ? <textarea {...common} rows={4} /> : <input {...common} />;
    }
  }
}

/** One of a closed list (an enum): the value keeps its own type (a number stays a number). */
function ChoiceControl({
  a,
  options,
  required,
  value,
  onChange,
}: {
  a: ControlProps;
  options: unknown[];
  required: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  return (
    <select {...a} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(options.find((o) => String(o) === inputText(e)))}>
      {(!required || value === undefined) && <option value="">{m('noChoice')}</option>}
      {options.map((o) => (
        <option key={String(o)} value={String(o)}>
          {String(o)}
        </option>
      ))}
    </select>
  );
}

/** Text as typed beside the value it reads as; a new value from outside (the JSON view) replaces the text. */
function useTyped(value: unknown, format: (v: unknown) => string, read: (text: string) => unknown, onChange: (v: unknown) => void) {
  const [text, setText] = useState(() => format(value));
  useEffect(() => {
    if (!Object.is(read(text), value)) setText(format(value));
  }, [value]);
  return [text, (typed: string) => (setText(typed), onChange(read(typed)))] as const;
}

const readNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

function NumberControl({
  a,
  schema,
  integer,
  value,
  onChange,
}: {
  a: ControlProps;
  schema: JsonSchema;
  integer: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const [text, typed] = useTyped(value, (v) => (typeof v === 'number' ? String(v) : ''), readNumber, onChange);
  return <input {...a} type="number" step={integer ? 1 : 'any'} min={schema.minimum} max={schema.maximum} value={text} onInput={(e) => typed(inputText(e))} />;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as `datetime-local` shows it: in the browser's time zone, to the minute. */
function localText(v: unknown): string {
  const d = typeof v === 'string' ? new Date(v) : undefined;
  if (!d || Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Typed in the browser's time zone and sent with its offset, as UTC. */
function readInstant(text: string): string | undefined {
  if (text === '') return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

function DateTimeControl({ a, value, onChange }: { a: ControlProps; value: unknown; onChange: (v: unknown) => void }) {
  const [text, typed] = useTyped(value, localText, readInstant, onChange);
  return <input {...a} type="datetime-local" value={text} onInput={(e) => typed(inputText(e))} />;
}
