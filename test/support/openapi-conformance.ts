/**
 * Checks an answer against the server's own OpenAPI document: the route and status must be
 * declared, the media type must be one the route declares for that status, and the body must
 * validate against its schema (JSON Schema 2020-12, with ajv). API tests run every answer through
 * this, so the published contract and the server's behaviour cannot drift apart unnoticed.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type OpenApiDoc = { paths: Record<string, Record<string, Operation>> };

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

let loaded: Promise<OpenApiConformance> | undefined;

export class OpenApiConformance {
  private readonly ajv: Ajv2020;
  /** Path templates, most specific first: literal segments beat parameters (`/import` before `/{code}`). */
  private readonly templates: { template: string; pattern: RegExp; params: number }[];

  constructor(private readonly doc: OpenApiDoc) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'openapi.json');
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '([^/]+)')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params);
  }

  /**
   * The document of the running code, fetched once per test process (every app a test starts
   * serves the same one), so that tests which spend a rate limit do not spend it on this.
   */
  static load(baseUrl: string): Promise<OpenApiConformance> {
    loaded ??= (async () => {
      const res = await fetch(`${baseUrl}/openapi.json`);
      if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
      return new OpenApiConformance((await res.json()) as OpenApiDoc);
    })().catch((err) => {
      loaded = undefined;
      throw err;
    });
    return loaded;
  }

  /** Throws, naming what does not conform, unless the answer matches the document. */
  check(method: string, url: string, answer: { status: number; contentType: string | null; body: unknown }): void {
    const pathname = new URL(url, 'http://x').pathname;
    const m = method.toLowerCase();
    if (m === 'options' || m === 'head') return; // answered by Express itself, outside the contract
    // OpenAPI: a concrete path is matched before a templated one (`/v1/key-smes/import` before
    // `/v1/key-smes/{creditCode}`), whichever methods it has.
    const path = this.templates.find((t) => t.pattern.test(pathname));
    const found = path && this.doc.paths[path.template]?.[m] ? path : undefined;
    const where = `${method.toUpperCase()} ${pathname} → ${answer.status}`;
    if (!found) {
      // Undeclared routes: 404 for an unknown path, 405 for a known path with another method.
      if (answer.status === 404 || answer.status === 405) return;
      throw new Error(`${where}: the route is not in /openapi.json`);
    }
    const responses = this.doc.paths[found.template]?.[m]?.responses ?? {};
    const declared = responses[String(answer.status)] ?? responses.default;
    if (!declared)
      throw new Error(
        `${where}: status ${answer.status} is not declared for ${method.toUpperCase()} ${found.template} (declared: ${Object.keys(responses).join(', ')})`,
      );
    if (!declared.content) {
      if (answer.body !== undefined && answer.body !== '') throw new Error(`${where}: a body where none is declared`);
      return;
    }
    const media = (answer.contentType ?? '').split(';')[0]?.trim() ?? '';
    if (!(media in declared.content))
      throw new Error(`${where}: media type ${media || '(none)'} is not declared (${Object.keys(declared.content).join(', ')})`);
    const ref = `openapi.json#/${pointer('paths', found.template, m, 'responses', String(answer.status) in responses ? String(answer.status) : 'default', 'content', media, 'schema')}`;
    const validate = this.ajv.getSchema(ref);
    if (!validate) throw new Error(`${where}: no schema at ${ref}`);
    if (!validate(answer.body)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`);
      throw new Error(`${where}: the body does not match its declared schema: ${problems.join('; ')}`);
    }
  }
}
