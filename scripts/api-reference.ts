/**
 * docs/api-reference.md from the OpenAPI document the app publishes at /openapi.json: a pure
 * function of the document, so `npm run gen:api-reference` writes it and test/unit/api-reference.test.ts
 * checks the committed file is what the current routes give. Deterministic: tags, operations and
 * schemas are sorted, nothing depends on the clock or the machine. Nested schemas are named (and
 * linked to their section under "Schemas"), never expanded, so the page stays a readable size.
 */

/** The parts of an OpenAPI 3.1 schema object this page reads. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  examples?: unknown[];
  example?: unknown;
}

interface Parameter {
  $ref?: string;
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

interface Response {
  description?: string;
  content?: Record<string, MediaType>;
  headers?: Record<string, { description?: string; schema?: Schema }>;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; description?: string; content?: Record<string, MediaType> };
  responses?: Record<string, Response>;
  [extension: `x-${string}`]: unknown;
}

/** The parts of an OpenAPI 3.1 document this page reads. */
export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; description?: string };
  tags?: { name: string; description?: string }[];
  security?: Record<string, string[]>[];
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Parameter> };
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'] as const;

/** Plain code-unit order: the same on every machine, whatever its locale. */
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The text rule's patterns (no control characters; not blank) are on every string: said once, at the top. */
const TEXT_RULE = /^\^\[\^\\u0000-|^\[\^\\t\\n/;

/** Enums longer than this are counted, not listed (currency codes). */
const MAX_LISTED_VALUES = 20;

/** Inline answer objects with at most this many properties are summarised by their names. */
const MAX_LISTED_PROPERTIES = 10;

/** Patterns longer than this (an e-mail address) are left to the document. */
const MAX_PATTERN_LENGTH = 80;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
class Slugger {
  private readonly seen = new Map<string, number>();
  slug(heading: string): string {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = this.seen.get(base) ?? 0;
    this.seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  }
}

/** One table cell: on one line, its pipes escaped. */
function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function table(head: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`.replace(/ {2}\|/g, ' |');
  return [line(head), line(head.map(() => '---')), ...rows.map((r) => line(r.map(cell)))];
}

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

const literal = (v: unknown): string => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

class Renderer {
  private readonly schemas: Record<string, Schema>;

  /** `schemaAnchors`: schema name → anchor of its section. */
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly schemaAnchors: Map<string, string>,
  ) {
    this.schemas = doc.components?.schemas ?? {};
  }

  resolve(schema: Schema): Schema {
    if (!schema.$ref) return schema;
    return this.schemas[refName(schema.$ref)] ?? schema;
  }

  parameter(p: Parameter): Parameter {
    if (!p.$ref) return p;
    return this.doc.components?.parameters?.[refName(p.$ref)] ?? p;
  }

  /** A schema named, linked to its section when it has one. */
  named(ref: string): string {
    const name = refName(ref);
    const anchor = this.schemaAnchors.get(name);
    return anchor ? `[${name}](#${anchor})` : `\`${name}\``;
  }

  /** A short type: `string (date-time)`, `Case[]`, `"approve" or "reject"`, `object`. */
  type(schema: Schema | undefined): string {
    if (!schema) return 'any';
    if (schema.$ref) return this.named(schema.$ref);
    if (schema.const !== undefined) return literal(schema.const);
    const variants = schema.oneOf ?? schema.anyOf;
    if (variants) {
      // `string (date) or string (date-time)` reads better as `string (date or date-time)`.
      const formats = variants.map((v) => (v.type === 'string' && v.format && !v.enum && !v.$ref ? v.format : undefined));
      if (formats.every(Boolean)) return `string (${[...new Set(formats)].join(' or ')})`;
      return [...new Set(variants.map((v) => this.type(v)))].join(' or ');
    }
    const parts = (schema.allOf ?? []).filter((s) => !(s.pattern && Object.keys(s).length === 1));
    if (!schema.type && parts.length === 1) return this.type(parts[0]);
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    const nullable = types.includes('null');
    const base = types.filter((t) => t !== 'null');
    let text: string;
    if (schema.enum) {
      const values = schema.enum.filter((v) => v !== null);
      text = values.length <= MAX_LISTED_VALUES ? values.map(literal).join(', ') : `${base[0] ?? 'string'} (one of ${values.length} values)`;
      if (values.length > 1 && values.length <= MAX_LISTED_VALUES) text = `one of ${text}`;
    } else if (base.length === 1 && base[0] === 'array') {
      const item = this.type(schema.items);
      text = /^[\w`[\]()#-]+$/.test(item) ? `${item}[]` : `array, each ${item}`;
    } else if (base.length === 1 && base[0] === 'object') {
      const extra = schema.additionalProperties;
      text = !schema.properties && extra && typeof extra === 'object' && Object.keys(extra).length > 0 ? `map of ${this.type(extra)}` : 'object';
    } else if (base.length > 0) {
      text = base.join(' or ');
      if (schema.format) text += ` (${schema.format})`;
    } else {
      text = 'any';
    }
    return nullable ? `${text} or null` : text;
  }

  /** Bounds and default, in a few words: `1–200; default 50`. */
  constraints(schema: Schema | undefined): string {
    if (!schema || schema.$ref) return '';
    const out: string[] = [];
    const range = (lo: number | undefined, hi: number | undefined, unit: string) => {
      if (lo !== undefined && hi !== undefined) out.push(`${lo}–${hi}${unit}`);
      else if (lo !== undefined) out.push(`at least ${lo}${unit}`);
      else if (hi !== undefined) out.push(`at most ${hi}${unit}`);
    };
    if (schema.exclusiveMinimum !== undefined) out.push(`> ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined) out.push(`< ${schema.exclusiveMaximum}`);
    range(schema.minimum, schema.maximum, '');
    range(schema.minLength && schema.minLength > 1 ? schema.minLength : undefined, schema.maxLength, ' characters');
    range(schema.minItems || undefined, schema.maxItems, ' items');
    const pattern = schema.pattern;
    if (pattern && !TEXT_RULE.test(pattern) && pattern.length <= MAX_PATTERN_LENGTH && !pattern.includes('`')) out.push(`pattern \`${pattern}\``);
    if (schema.default !== undefined) {
      const d = JSON.stringify(schema.default);
      if (d.length <= 60) out.push(`default \`${d}\``);
    }
    return out.join('; ');
  }

  /** The description of a property or parameter, with its bounds. */
  describe(description: string | undefined, schema: Schema | undefined): string {
    const c = this.constraints(schema);
    const d = (description ?? (schema?.$ref ? undefined : schema?.description) ?? '').trim();
    return [d, c ? `(${c})` : ''].filter(Boolean).join(' ');
  }

  /** A table of an object schema's top-level properties, or a line saying what the schema is. */
  properties(schema: Schema): string[] {
    const s = this.resolve(schema);
    const variants = s.oneOf ?? s.anyOf;
    if (variants && variants.every((v) => this.resolve(v).properties)) {
      const discriminator = this.discriminator(variants.map((v) => this.resolve(v)));
      const out = [discriminator ? `One of ${variants.length} shapes, told apart by \`${discriminator}\`.` : `One of ${variants.length} shapes.`];
      variants.forEach((v, i) => {
        const r = this.resolve(v);
        const p = r.properties?.[discriminator ?? ''];
        const tag = discriminator && p ? `When \`${discriminator}\` is ${(p.enum ?? [p.const]).map(literal).join(', ')}` : `Shape ${i + 1}`;
        out.push('', `${tag}${v.$ref ? ` (${this.named(v.$ref)})` : ''}:`, '', ...this.propertyTable(r));
      });
      return out;
    }
    if (s.properties) return this.propertyTable(s);
    if (s.items && (Array.isArray(s.type) ? s.type.includes('array') : s.type === 'array')) {
      const item = this.resolve(s.items);
      const c = this.constraints(s);
      const head = `An array of ${this.type(s.items)}${c ? ` (${c})` : ''}${s.description ? `: ${s.description}` : ''}.`;
      return item.properties && s.items.$ref ? [head, '', `Each ${this.named(s.items.$ref)}:`, '', ...this.propertyTable(item)] : [head];
    }
    return [`Type: ${this.type(s)}${s.description ? `: ${s.description}` : '.'}`];
  }

  /** An answer's body in a few words: a schema's name, or an inline object's property names. */
  body(schema: Schema | undefined): string {
    if (!schema) return 'any';
    const names = schema.$ref ? [] : Object.keys(schema.properties ?? {});
    if (names.length === 0 || names.length > MAX_LISTED_PROPERTIES) return this.type(schema);
    return `object: ${names.map((n) => `\`${n}\``).join(', ')}`;
  }

  private discriminator(variants: Schema[]): string | undefined {
    const first = variants[0]?.properties ?? {};
    return Object.keys(first)
      .sort(byString)
      .find((name) =>
        variants.every((v) => {
          const p = v.properties?.[name];
          return p && v.required?.includes(name) && (p.const !== undefined || p.enum?.length === 1);
        }),
      );
  }

  private propertyTable(schema: Schema): string[] {
    const required = new Set(schema.required ?? []);
    const rows = Object.entries(schema.properties ?? {}).map(([name, p]) => [
      `\`${name}\``,
      this.type(p),
      required.has(name) ? 'yes' : 'no',
      this.describe(p.description, p),
    ]);
    const out = table(['name', 'type', 'required', 'description'], rows);
    const extra = schema.additionalProperties;
    if (extra === false) out.push('', 'No other properties.');
    else if (extra && typeof extra === 'object' && Object.keys(extra).length > 0) out.push('', `Other properties: ${this.type(extra)}.`);
    return out;
  }
}

interface Entry {
  method: string;
  path: string;
  op: Operation;
}

/** The group of an operation: its first tag, else its first path segment after a version (`/v1/cases` → `cases`). */
function groupOf(path: string, op: Operation): string {
  if (op.tags?.[0]) return op.tags[0];
  const segments = path.split('/').filter(Boolean);
  const first = segments.find((s) => !/^v\d+$/.test(s)) ?? segments[0];
  return first ?? '/';
}

/** The roles an operation admits: an `x-roles` extension, else "Roles: a, b" in its description. */
function rolesOf(op: Operation): { roles: string[] | undefined; description: string } {
  const extension = op['x-roles'];
  const description = op.description ?? '';
  if (Array.isArray(extension)) return { roles: extension.map(String), description };
  const m = /^\s*Roles?:\s*([^\n.]+)\.?\s*$/im.exec(description);
  if (!m) return { roles: undefined, description };
  const roles = (m[1] as string)
    .split(/,\s*/)
    .map((r) => r.trim())
    .filter(Boolean);
  return { roles, description: description.replace(m[0], '\n').trim() };
}

/** Problem `type`s a response lists: an enum or const on the problem's `type`, or its examples. */
function problemTypes(r: Renderer, response: Response): string[] {
  const found = new Set<string>();
  for (const [media, content] of Object.entries(response.content ?? {})) {
    if (!media.includes('problem')) continue;
    const type = content.schema ? r.resolve(content.schema).properties?.type : undefined;
    for (const v of [...(type?.enum ?? []), ...(type?.const !== undefined ? [type.const] : [])]) found.add(String(v));
    const examples = [content.example, ...Object.values(content.examples ?? {}).map((e) => e.value)];
    for (const e of examples) {
      if (e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string') found.add((e as { type: string }).type);
    }
  }
  return [...found].sort(byString);
}

/** The whole page, as Markdown. */
export function apiReferenceMarkdown(doc: OpenApiDocument): string {
  const slugger = new Slugger();
  const schemaNames = Object.keys(doc.components?.schemas ?? {}).sort(byString);

  const entries: Entry[] = [];
  for (const path of Object.keys(doc.paths ?? {}).sort(byString)) {
    const item = doc.paths?.[path] ?? {};
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (op) entries.push({ method, path, op });
    }
  }
  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const g = groupOf(e.path, e.op);
    groups.set(g, [...(groups.get(g) ?? []), e]);
  }
  const groupNames = [...groups.keys()].sort(byString);
  const tagDescriptions = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));

  // Anchors in the order the headings appear, so repeats are numbered as GitHub numbers them.
  const title = `${doc.info?.title ?? 'API'} reference`;
  slugger.slug(title);
  slugger.slug('Contents');
  const groupAnchors = new Map<string, string>();
  const opAnchors = new Map<Entry, string>();
  for (const g of groupNames) {
    groupAnchors.set(g, slugger.slug(g));
    for (const e of groups.get(g) ?? []) opAnchors.set(e, slugger.slug(`${e.method.toUpperCase()} ${e.path}`));
  }
  slugger.slug('Schemas');
  const schemaAnchors = new Map(schemaNames.map((n) => [n, slugger.slug(n)]));
  const r = new Renderer(doc, schemaAnchors);

  const out: string[] = [
    `# ${title}`,
    '',
    'Generated by `npm run gen:api-reference` from the OpenAPI document the API publishes at `GET /openapi.json`; do not edit it by hand. ' +
      'For how to call the API (tokens, problem details, idempotency, limits) see [api.md](api.md).',
    '',
  ];
  const version = [doc.info?.version ? `version ${doc.info.version}` : '', doc.openapi ? `OpenAPI ${doc.openapi}` : ''].filter(Boolean).join(', ');
  if (version) out.push(`${doc.info?.title ?? 'The API'}, ${version}.`, '');
  if (doc.info?.description) out.push(doc.info.description.trim(), '');
  out.push(
    'Routes that name roles take `Authorization: Bearer <JWT>`; those marked public take no token. ' +
      'Every error answer is a problem (`application/problem+json`, [Problem](#' +
      (schemaAnchors.get('Problem') ?? 'schemas') +
      ')).',
    '',
  );

  out.push('## Contents', '');
  for (const g of groupNames) {
    out.push(`- [${g}](#${groupAnchors.get(g)})`);
    for (const e of groups.get(g) ?? []) {
      const summary = e.op.summary ? ` — ${e.op.summary}` : '';
      out.push(`  - [\`${e.method.toUpperCase()} ${e.path}\`](#${opAnchors.get(e)})${summary}`);
    }
  }
  if (schemaNames.length > 0) out.push(`- [Schemas](#schemas)`);
  out.push('');

  for (const g of groupNames) {
    out.push(`## ${g}`, '');
    const about = tagDescriptions.get(g);
    if (about) out.push(about.trim(), '');
    for (const e of groups.get(g) ?? []) out.push(...operation(r, e));
  }

  if (schemaNames.length > 0) {
    out.push('## Schemas', '', 'The named schemas (`components.schemas`) the operations above refer to, with their top-level properties.', '');
    for (const name of schemaNames) {
      const s = doc.components?.schemas?.[name] as Schema;
      out.push(`### ${name}`, '');
      if (s.description) out.push(s.description.trim(), '');
      out.push(...r.properties(s), '');
    }
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function operation(r: Renderer, { method, path, op }: Entry): string[] {
  const out: string[] = [`### ${method.toUpperCase()} ${path}`, ''];
  if (op.summary) out.push(`${op.summary.trim()}.`.replace(/([.!?])\.$/, '$1'), '');
  const { roles, description } = rolesOf(op);
  const isPublic = Array.isArray(op.security) && (op.security.length === 0 || op.security.every((s) => Object.keys(s).length === 0));
  if (roles) out.push(`**Roles:** ${roles.join(', ')}`, '');
  else if (isPublic) out.push('**Public:** no token.', '');
  if (description) out.push(description, '');

  const params = (op.parameters ?? []).map((p) => r.parameter(p));
  if (params.length > 0) {
    const order = ['path', 'query', 'header', 'cookie'];
    const sorted = [...params].sort((a, b) => order.indexOf(a.in) - order.indexOf(b.in));
    out.push(
      '**Parameters**',
      '',
      ...table(
        ['name', 'in', 'required', 'type', 'description'],
        sorted.map((p) => [`\`${p.name}\``, p.in, p.required ? 'yes' : 'no', r.type(p.schema), r.describe(p.description, p.schema)]),
      ),
      '',
    );
  }

  const body = op.requestBody;
  if (body?.content) {
    for (const media of Object.keys(body.content).sort(byString)) {
      const schema = body.content[media]?.schema;
      const named = schema?.$ref ? `: ${r.named(schema.$ref)}` : '';
      out.push(`**Request body** (\`${media}\`${body.required ? ', required' : ''})${named}`, '');
      if (body.description) out.push(body.description.trim(), '');
      if (schema) out.push(...r.properties(schema), '');
    }
  }

  const statuses = Object.keys(op.responses ?? {}).sort(byString);
  if (statuses.length > 0) {
    const rows = statuses.map((status) => {
      const response = op.responses?.[status] as Response;
      const content = Object.entries(response.content ?? {})
        .sort(([a], [b]) => byString(a, b))
        .map(([media, m]) => (media.includes('problem') && m.schema?.$ref?.endsWith('/Problem') ? 'problem' : `${r.body(m.schema)} (\`${media}\`)`));
      const types = problemTypes(r, response);
      const headers = Object.keys(response.headers ?? {}).sort(byString);
      const notes = [
        response.description ?? '',
        types.length > 0 ? `problem types: ${types.map(literal).join(', ')}` : '',
        headers.length > 0 ? `headers: ${headers.map(literal).join(', ')}` : '',
      ].filter(Boolean);
      return [`**${status}**`, notes.join('; '), content.join(', ') || '—'];
    });
    out.push('**Responses**', '', ...table(['status', 'description', 'body'], rows), '');
  }
  return out;
}
