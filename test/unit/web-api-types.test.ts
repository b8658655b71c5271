/**
 * The web app's API types (web/src/api/schema.d.ts) are generated from the API's OpenAPI document;
 * this fails when a route or schema changed and `npm run gen:api` was not run, so the UI cannot
 * drift from the contract unnoticed (the web app's type-check then shows what to adapt).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { generateApiTypes, SCHEMA_FILE } from '../../scripts/gen-api.js';

test("web/src/api/schema.d.ts matches the API's /openapi.json (run `npm run gen:api`)", async () => {
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  expect(committed === (await generateApiTypes()), 'web/src/api/schema.d.ts is stale: run `npm run gen:api`').toBe(true);
});
