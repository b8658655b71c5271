/**
 * What the worker's workflow bundle holds (processes/workflows.ts is its entry). The worker evaluates
 * the bundle's modules once per case, so a library that only the API needs (zod: the template and
 * details schemas, the actions' bodies) must stay out: with it, 10,000 open cases took 2.2 GiB of
 * worker memory instead of 0.6.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { PROCESSES } from '../../processes/registry.js';
import { bundle } from '../support/temporal.js';

describe('the workflow bundle', () => {
  it('holds every process workflow and no zod', async () => {
    const { code } = await bundle();
    expect(code).not.toMatch(/node_modules\/zod\//);
    for (const p of PROCESSES) expect(code).toContain(`function ${p.workflowType}(`);
  });

  it('would show zod if it got in: bundled, the registry the API reads holds it', async () => {
    const registry = fileURLToPath(new URL('../../processes/index.ts', import.meta.url));
    const { code } = await bundleWorkflowCode({ workflowsPath: registry, logger: new DefaultLogger('ERROR') });
    expect(code).toMatch(/node_modules\/zod\//);
  });
});
