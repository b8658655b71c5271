/**
 * Replays every saved one-stop history against the current workflow code. A change that alters the
 * command sequence of a running case (without `patched()` or a new workflow version) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, test } from 'vitest';
import { bundle, quietRuntime } from '../support/temporal.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'histories', 'one-stop');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

let workflowBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  quietRuntime();
  workflowBundle = await bundle();
});

describe('saved one-stop histories replay on the current code', () => {
  test('there are saved histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  test.each(files)('%s', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(DIR, file), 'utf8')));
    expect(history.events?.length).toBeGreaterThan(5);
    await Worker.runReplayHistory({ workflowBundle }, history, file);
  });
});
