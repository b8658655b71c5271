/**
 * Builds the web app (web/) into dist/web with Vite's API. `npm start` calls `ensureWebBuilt` so a
 * fresh checkout serves the app at `/` without a separate build step; `npm run build` builds always.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_DIST } from '../api/web.js';
import { writeWebApiFiles } from './web-api-files.js';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web');
const CONFIG = path.join(WEB, 'vite.config.ts');

/** The newest modification time among the web app's sources. */
function newestSource(dir = WEB): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export async function buildWeb(): Promise<void> {
  // The pages import the values of web/src/api/enums.ts at run time, so it must exist before Vite runs.
  await writeWebApiFiles();
  const { build } = await import('vite');
  await build({ configFile: CONFIG, logLevel: 'warn' });
}

/**
 * Builds unless dist/web/index.html exists (`npm start`), or with `ifStale` also when a source is
 * newer than it (the end-to-end tests); says whether it built.
 */
export async function ensureWebBuilt(opts: { ifStale?: boolean } = {}): Promise<boolean> {
  const index = path.join(WEB_DIST, 'index.html');
  if (existsSync(index) && !(opts.ifStale && newestSource() > statSync(index).mtimeMs)) return false;
  await buildWeb();
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWeb();
  console.log(`built the web app into ${path.relative(process.cwd(), WEB_DIST)}`);
}
