/**
 * The part of JSON Schema (draft 2020-12) the forms read: what the API's zod schemas turn into (a
 * template's details schema, GET /v1/templates/{id}/details-schema, and the template schemas, GET
 * /v1/template-schemas). Each schema is classified once into the control it becomes; anything else
 * is typed as text and left to the server, which validates with the zod schema itself.
 */

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  /** The title in Chinese (the API's own keyword: JSON Schema has one title). */
  'x-title-zh-CN'?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  anyOf?: JsonSchema[];
}

/** A JSON object, as the forms edit it. */
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Texts this long or longer get a text area. */
const LONG_TEXT = 2000;

export type Shape =
  | { kind: 'object'; properties: [name: string, schema: JsonSchema, required: boolean][] }
  | { kind: 'free-form' }
  | { kind: 'money'; currencies: string[] }
  | { kind: 'fixed'; value: unknown }
  | { kind: 'variants'; variants: JsonSchema[] }
  | { kind: 'text'; long: boolean }
  | { kind: 'number'; integer: boolean }
  | { kind: 'choice'; options: unknown[] }
  | { kind: 'choices'; options: string[] }
  | { kind: 'list'; item: JsonSchema }
  | { kind: 'date'; withTime: boolean }
  | { kind: 'boolean' };

export const typeIs = (s: JsonSchema, t: string) => s.type === t || (Array.isArray(s.type) && s.type.includes(t));

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
  // zod writes a date field as `anyOf: [date-time, date]`: one date control, not a choice of two.
  const dates = s.anyOf?.map((a) => a.format);
  if (s.format === 'date' || dates?.includes('date')) return { kind: 'date', withTime: false };
  if (s.format === 'date-time' || dates?.includes('date-time')) return { kind: 'date', withTime: true };
  if (s.const !== undefined) return { kind: 'fixed', value: s.const };
  if (s.enum) return { kind: 'choice', options: s.enum };
  if (s.anyOf) return { kind: 'variants', variants: s.anyOf };
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

/**
 * What a value starts as before anything is typed. The form edits the JSON value that is sent, so an
 * optional part starts absent (undefined) and only what must be there is made: fixed values (a
 * `kind`), required objects, the first `minItems` items of a list, a choice with one option.
 */
export function initialValue(s: JsonSchema, required: boolean): unknown {
  const shape = shapeOf(s);
  switch (shape.kind) {
    case 'fixed':
      return shape.value;
    case 'object':
      if (!required) return undefined;
      return Object.fromEntries(
        shape.properties.flatMap(([name, p, req]) => {
          const v = initialValue(p, req);
          return v === undefined ? [] : [[name, v]];
        }),
      );
    case 'free-form':
      return required ? {} : undefined;
    case 'choice':
      return required && shape.options.length === 1 ? shape.options[0] : undefined;
    case 'list':
    case 'choices': {
      const min = s.minItems ?? 0;
      return required || min > 0 ? Array.from({ length: min }, () => (shape.kind === 'list' ? initialValue(shape.item, true) : undefined)) : undefined;
    }
    case 'boolean':
      return required ? false : undefined;
    default:
      return undefined;
  }
}
