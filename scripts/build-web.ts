/**
 * Builds the web app (web/) into dist/web with Vite's API. `npm start` calls `ensureWebBuilt` so a
 * fresh checkout serves the app at `/` without a separate build step; `npm run build` builds always.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_DIST } from '../api/web.js';
import { writeWebApiFiles } from './web-api-files.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB = path.join(ROOT, 'web');
const CONFIG = path.join(WEB, 'vite.config.ts');
const PROCESSES = path.join(ROOT, 'processes');

/** The newest modification time among the files under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return latest;
}

/** The newest modification time among the web app's sources: web/ and each process's panels (processes/<kind>/web/). */
function newestSource(): number {
  const panels = readdirSync(PROCESSES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(PROCESSES, d.name, 'web')))
    .map((d) => newest(path.join(PROCESSES, d.name, 'web')));
  return Math.max(newest(WEB), ...panels);
}

/**
 * Builds into a folder of its own, then puts it in place of dist/web: a server serving dist/web
 * meanwhile (or another build: test runs side by side) never sees half a build.
 */
export async function buildWeb(): Promise<void> {
  // The pages import the values of web/src/api/enums.ts at run time, so it must exist before Vite runs.
  await writeWebApiFiles();
  const { build } = await import('vite');
  const staging = `${WEB_DIST}.building-${process.pid}`;
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
  rmSync(WEB_DIST, { recursive: true, force: true });
  renameSync(staging, WEB_DIST);
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
