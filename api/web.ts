/**
 * The web app (web/, built by Vite into dist/web) served by the API process at `/`, same origin.
 * Hashed files under /assets are cached for good; index.html never is. Any other GET that no route
 * answered and that is not an API path gets index.html (the app routes in the browser); API paths
 * keep their 404/405 problem answers.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router } from 'express';

/** Where `npm run build` puts the web app. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web');

/** Paths that belong to the API: never answered with the app. */
const API_PATHS = /^\/(v1|codec)(\/|$)|^\/(openapi\.json|healthz)$/;

export function isApiPath(p: string): boolean {
  return API_PATHS.test(p);
}

export function webApp(dir: string): { files: Router; fallback: RequestHandler } | undefined {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return undefined;
  const files = express.Router();
  files.use((req, _res, next) => (isApiPath(req.path) ? next('router') : next()));
  files.use(
    express.static(dir, {
      index: false,
      redirect: false,
      cacheControl: false,
      setHeaders(res, file) {
        res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path) || res.locals.allow) return next();
    // A path with a file extension that does not exist is a missing file, not a page of the app.
    if (path.extname(req.path) && req.path !== '/index.html') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  };
  return { files, fallback };
}
