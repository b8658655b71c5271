/**
 * A process is its folder, its line in processes/index.ts (the registry) and its line in
 * processes/workflows.ts (the workflow bundle) (docs/processes/adding-a-process.md): each folder holds
 * the files that page lists, and no engine source outside processes/ names a
 * process's kind or workflow, so nothing else needs touching when a process is added.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROCESSES } from '../../processes/registry.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The engine's sources: what runs in the worker and the API (the web app reads the API document). */
const ENGINE = ['activities', 'api', 'audit', 'common', 'db', 'infra', 'publication', 'templates', 'workers', 'workflows'];
const FILES = ['index.ts', 'template.ts', 'details.ts', 'status.ts', 'view.ts', 'workflow.ts', 'timeline.ts'];

const engineSources = execFileSync('git', ['ls-files', ...ENGINE.map((d) => `${d}/*.ts`)], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.endsWith('.test.ts'));

describe.each(PROCESSES.map((p) => [p.kind, p] as const))('%s', (kind, p) => {
  it(`lives in processes/${p.folder}/ with ${FILES.join(', ')} and builtin/`, () => {
    for (const f of [...FILES, 'builtin']) expect(existsSync(path.join(ROOT, 'processes', p.folder, f)), f).toBe(true);
  });

  it('is listed by one line of processes/index.ts, and its workflow by one of processes/workflows.ts', () => {
    const lines = readFileSync(path.join(ROOT, 'processes', 'index.ts'), 'utf8').split('\n');
    expect(lines.filter((l) => l === `export * from './${p.folder}/index.js';`)).toHaveLength(1);
    const bundled = readFileSync(path.join(ROOT, 'processes', 'workflows.ts'), 'utf8').split('\n');
    expect(bundled.filter((l) => l === `export { ${p.workflowType} } from './${p.folder}/workflow.js';`)).toHaveLength(1);
  });

  it('is named by no engine source outside its folder', () => {
    expect(engineSources.length).toBeGreaterThan(50);
    const naming = engineSources.filter((f) => {
      const text = readFileSync(path.join(ROOT, f), 'utf8');
      return text.includes(`'${kind}'`) || text.includes(`"${kind}"`) || text.includes(p.workflowType);
    });
    expect(naming).toEqual([]);
  });
});

it('processes/index.ts lists only process folders', () => {
  const lines = readFileSync(path.join(ROOT, 'processes', 'index.ts'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('export'));
  expect([...lines].sort()).toEqual(PROCESSES.map((p) => `export * from './${p.folder}/index.js';`).sort());
});
