/**
 * docs/api-reference.md is generated from the OpenAPI document the app publishes at /openapi.json
 * (`npm run gen:api-reference`, scripts/api-reference.ts). A route, schema or description changed
 * without regenerating it fails here, so the committed reference never drifts from the routes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiReferenceMarkdown, type OpenApiDocument } from '../../scripts/api-reference.js';
import { openApiDocument } from '../../scripts/openapi-document.js';

const REFERENCE_FILE = fileURLToPath(new URL('../../docs/api-reference.md', import.meta.url));

/** The same document with its paths, methods, answers and schemas listed in reverse (their order is not meaningful). */
const reversedDocument = (doc: OpenApiDocument): OpenApiDocument => {
  const reverse = <T>(o: Record<string, T>, f: (v: T) => T = (v) => v) =>
    Object.fromEntries(
      Object.entries(o)
        .reverse()
        .map(([k, v]) => [k, f(v)]),
    );
  return {
    ...doc,
    paths: reverse(doc.paths ?? {}, (item) =>
      reverse(item, (op) => ({ ...(op as object), responses: reverse((op as { responses?: Record<string, unknown> }).responses ?? {}) })),
    ),
    components: { ...doc.components, schemas: reverse(doc.components?.schemas ?? {}) },
  };
};

describe('docs/api-reference.md', () => {
  let doc: OpenApiDocument;
  let markdown: string;
  beforeAll(async () => {
    doc = (await openApiDocument()) as OpenApiDocument;
    markdown = apiReferenceMarkdown(doc);
  });

  it('is what `npm run gen:api-reference` writes from the current routes', () => {
    const committed = readFileSync(REFERENCE_FILE, 'utf8');
    expect(committed, 'docs/api-reference.md is stale: run `npm run gen:api-reference` and commit the result').toBe(markdown);
  });

  it('has a section for every operation, with its roles, or says it is public', () => {
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item)) {
        const heading = `### ${method.toUpperCase()} ${path}\n`;
        expect(markdown, heading).toContain(heading);
        const section = markdown.slice(markdown.indexOf(heading)).split('\n### ')[0] as string;
        const roles = /^Roles: (.+)$/m.exec((op as { description?: string }).description ?? '')?.[1];
        expect(section).toContain(roles ? `**Roles:** ${roles}` : '**Public:** no token.');
      }
    }
  });

  it('does not depend on the order of the document, and stays a readable size', () => {
    expect(apiReferenceMarkdown(reversedDocument(doc))).toBe(markdown);
    expect(Buffer.byteLength(markdown)).toBeLessThan(150_000);
  });
});
