/**
 * The docs name only what exists: every relative link in README.md and docs/ leads to a file, and
 * every repository path they quote (`api/route.ts`, `workflows/lib/`) is in the tree. A file moved
 * or removed without its docs fails here.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return markdownFiles(p);
    return d.name.endsWith('.md') ? [p] : [];
  });
}

const DOCS = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))];

/** Top-level folders of the repository whose paths the docs may quote. */
const TRACKED = [
  '.ci',
  'activities',
  'api',
  'audit',
  'bench',
  'common',
  'db',
  'docs',
  'infra',
  'scripts',
  'templates',
  'test',
  'web',
  'workers',
  'workflows',
  'processes',
];

/** Markdown without its fenced code blocks (commands and samples, not references). */
const prose = (text: string) => text.replace(/^```[\s\S]*?^```/gm, '');

/** Relative link targets: `[text](target)`, not URLs, not bare anchors. */
function links(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1] as string)
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'));
}

/**
 * Backticked repository paths: a tracked top-level folder, then a file with an extension or a folder
 * ending in `/` (so a route's tail such as `audit/verify` is not taken for one); placeholders and globs
 * are skipped.
 */
function quotedPaths(text: string): string[] {
  return [...prose(text).matchAll(/`([^`\s]+)`/g)]
    .map((m) => (m[1] as string).replace(/[,;:]+$/, '').replace(/#.*$/, ''))
    .filter((p) => TRACKED.some((top) => p.startsWith(`${top}/`)))
    .filter((p) => !/[<>{}*…|$]|\.\.\./.test(p))
    .filter((p) => p.endsWith('/') || /\.[a-z]{1,5}$/i.test(p));
}

describe('the docs', () => {
  it('exist: a README and an index of docs/', () => {
    expect(existsSync(path.join(ROOT, 'docs', 'README.md'))).toBe(true);
    expect(DOCS.length).toBeGreaterThan(2);
  });

  for (const file of DOCS) {
    const name = path.relative(ROOT, file);
    const text = readFileSync(file, 'utf8');

    it(`${name}: every relative link leads to a file`, () => {
      const broken = links(text).filter((target) => {
        const [p] = target.split('#');
        return !existsSync(path.resolve(path.dirname(file), decodeURIComponent(p as string)));
      });
      expect(broken).toEqual([]);
    });

    it(`${name}: every repository path it quotes exists`, () => {
      const missing = quotedPaths(text).filter((p) => {
        const full = path.join(ROOT, p);
        if (!existsSync(full)) return true;
        return p.endsWith('/') && !statSync(full).isDirectory();
      });
      expect(missing).toEqual([]);
    });
  }
});
