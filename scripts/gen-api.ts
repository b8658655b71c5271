/**
 * `npm run gen:api`: writes web/src/api/schema.d.ts, the web app's typed API client types, from the
 * OpenAPI document the app publishes at /openapi.json. The app is created in-process (nothing
 * listens, nothing connects) on the development secret, so the document includes the development
 * sign-in route too. The file is generated, not committed: `npm test`, `npm run typecheck`,
 * `npm run build:web` and `npm run dev:web` run this first, so `tsc -p web` always checks the web app
 * against the current routes. It is rewritten only when it changes, so its age does not make the
 * end-to-end tests rebuild the web app for nothing.
 */
import { writeWebApiFiles } from './web-api-files.js';

await writeWebApiFiles();
