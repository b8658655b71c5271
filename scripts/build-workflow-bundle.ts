/**
 * Prebuilds the workflow bundle for production (`npm run build`), so workers start without webpack
 * and every worker of a deployment runs byte-identical workflow code. Point WORKFLOW_BUNDLE_PATH at it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../workers/worker.js';

const out = path.resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`workflow bundle written to ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
