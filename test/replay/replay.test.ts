/**
 * Replays every saved history (test/histories/<workflow>/*.json) against the current workflow code.
 * A change that alters the command sequence of a running case (without `patched()` or a new
 * workflow type) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, test } from 'vitest';
import { bundle, quietRuntime } from '../support/temporal.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'histories');
const sets = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({ name: d.name, files: readdirSync(path.join(ROOT, d.name)).filter((f) => f.endsWith('.json')).sort() }));

let workflowBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  quietRuntime();
  workflowBundle = await bundle();
});

test('every workflow has saved histories', () => {
  expect(sets.map((s) => s.name).sort()).toEqual(['claim-prepayment', 'one-stop', 'produce-first']);
  for (const s of sets) expect(s.files.length, s.name).toBeGreaterThanOrEqual(4);
});

for (const set of sets) {
  describe(`saved ${set.name} histories replay on the current code`, () => {
    test.each(set.files)('%s', async (file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(ROOT, set.name, file), 'utf8')));
      expect(history.events?.length).toBeGreaterThan(5);
      await Worker.runReplayHistory({ workflowBundle }, history, `${set.name}/${file}`);
    });
  });
}
