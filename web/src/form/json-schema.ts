/**
 * The part of JSON Schema (draft 2020-12) the opening form reads: what the API's zod schemas turn
 * into (GET /v1/templates/{id}/details-schema). Each schema is classified once into the control it
 * becomes; anything else is typed as text and left to the server, which validates with the zod schema itself.
 */
import type { Money } from '../money';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
}

/** Texts this long or longer get a text area. */
const LONG_TEXT = 2000;

export type Shape =
  | { kind: 'object'; properties: [name: string, schema: JsonSchema, required: boolean][] }
  | { kind: 'free-form' }
  | { kind: 'money'; currencies: string[] }
  | { kind: 'text'; long: boolean }
  | { kind: 'number'; integer: boolean }
  | { kind: 'choice'; options: string[] }
  | { kind: 'choices'; options: string[] }
  | { kind: 'list'; item: JsonSchema }
  | { kind: 'date'; withTime: boolean }
  | { kind: 'boolean' };

const typeIs = (s: JsonSchema, t: string) => s.type === t || (Array.isArray(s.type) && s.type.includes(t));

/** The string values a schema allows (`const` or `enum`), or undefined when it is not a closed list of strings. */
function stringOptions(s: JsonSchema): string[] | undefined {
  if (typeof s.const === 'string') return [s.const];
  if (s.enum && s.enum.every((v) => typeof v === 'string')) return s.enum as string[];
  return undefined;
}

/** `{ amount: integer, currency: const/enum string }` and nothing else: an amount of money in minor units. */
function moneyCurrencies(s: JsonSchema): string[] | undefined {
  const names = Object.keys(s.properties ?? {});
  if (names.length !== 2 || !s.properties?.amount || !s.properties.currency) return undefined;
  if (!typeIs(s.properties.amount, 'integer')) return undefined;
  return stringOptions(s.properties.currency);
}

export function shapeOf(s: JsonSchema): Shape {
  const dates = s.anyOf?.map((a) => a.format);
  if (s.format === 'date' || dates?.includes('date')) return { kind: 'date', withTime: false };
  if (s.format === 'date-time' || dates?.includes('date-time')) return { kind: 'date', withTime: true };
  const options = stringOptions(s);
  if (options) return { kind: 'choice', options };
  if (typeIs(s, 'object')) {
    const currencies = moneyCurrencies(s);
    if (currencies) return { kind: 'money', currencies };
    if (!s.properties && s.additionalProperties !== false) return { kind: 'free-form' };
    const required = new Set(s.required ?? []);
    return { kind: 'object', properties: Object.entries(s.properties ?? {}).map(([name, p]) => [name, p, required.has(name)]) };
  }
  if (typeIs(s, 'array') && s.items) {
    const itemOptions = stringOptions(s.items);
    return itemOptions ? { kind: 'choices', options: itemOptions } : { kind: 'list', item: s.items };
  }
  if (typeIs(s, 'integer') || typeIs(s, 'number')) return { kind: 'number', integer: typeIs(s, 'integer') };
  if (typeIs(s, 'boolean')) return { kind: 'boolean' };
  return { kind: 'text', long: (s.maxLength ?? 0) >= LONG_TEXT };
}

/** A free-form field as the user types it: its name and value. */
export interface FreeRow {
  name: string;
  value: string;
}

/**
 * What the form holds for a schema while it is filled in: text as typed (numbers too, so that
 * nothing typed is lost), money as minor units (null while the text is not an amount), lists as
 * arrays, free-form details as rows.
 */
export type FormValue = string | boolean | Money | null | FormValue[] | FreeRow[] | { [name: string]: FormValue };

export function initialValue(s: JsonSchema): FormValue {
  const shape = shapeOf(s);
  switch (shape.kind) {
    case 'object':
      return Object.fromEntries(shape.properties.map(([name, p]) => [name, initialValue(p)]));
    case 'free-form':
      return [{ name: '', value: '' }];
    case 'money':
      return null;
    case 'choice':
      return shape.options.length === 1 ? shape.options[0]! : '';
    case 'choices':
      return [];
    case 'list':
      return Array.from({ length: s.minItems ?? 0 }, () => initialValue(shape.item));
    case 'boolean':
      return false;
    default:
      return '';
  }
}

/**
 * What is sent for a value: undefined leaves an empty field out (an optional one stays unset; a
 * required one is refused by the server at its path). Text is sent as typed: the server trims it.
 */
export function payloadOf(s: JsonSchema, value: FormValue, required: boolean): unknown {
  const shape = shapeOf(s);
  switch (shape.kind) {
    case 'object': {
      const v = value as Record<string, FormValue>;
      const out: Record<string, unknown> = {};
      for (const [name, p, req] of shape.properties) {
        const sent = payloadOf(p, v[name] ?? initialValue(p), req);
        if (sent !== undefined) out[name] = sent;
      }
      return Object.keys(out).length === 0 && !required ? undefined : out;
    }
    case 'free-form':
      return Object.fromEntries((value as FreeRow[]).filter((r) => r.name.trim()).map((r) => [r.name.trim(), r.value]));
    case 'money':
      return value ?? undefined;
    case 'list': {
      const items = (value as FormValue[]).map((item) => payloadOf(shape.item, item, true));
      return items.length === 0 && !required ? undefined : items;
    }
    case 'choices':
      return (value as string[]).length === 0 && !required ? undefined : value;
    case 'boolean':
      return value;
    case 'number':
      return value === '' ? undefined : Number(value);
    case 'date':
      // A date-time is typed in the browser's time zone (datetime-local) and sent with its offset, as UTC.
      return value === '' ? undefined : shape.withTime ? new Date(value as string).toISOString() : value;
    default:
      return value === '' ? undefined : value;
  }
}
