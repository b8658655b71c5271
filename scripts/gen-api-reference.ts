/**
 * `npm run gen:api-reference`: writes docs/api-reference.md, the API reference, from the OpenAPI
 * document the app publishes at /openapi.json (built in-process, as `npm run gen:api` builds it).
 * The page is committed; test/unit/api-reference.test.ts fails when it no longer matches the routes.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiReferenceMarkdown, type OpenApiDocument } from './api-reference.js';
import { openApiDocument } from './openapi-document.js';

const REFERENCE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'api-reference.md');

const markdown = apiReferenceMarkdown((await openApiDocument()) as OpenApiDocument);
const where = path.relative(process.cwd(), REFERENCE_FILE);
if (existsSync(REFERENCE_FILE) && readFileSync(REFERENCE_FILE, 'utf8') === markdown) {
  console.log(`${where} is up to date`);
} else {
  writeFileSync(REFERENCE_FILE, markdown);
  console.log(`wrote ${where} (${Buffer.byteLength(markdown)} bytes)`);
}
