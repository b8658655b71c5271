/**
 * Replays every saved history (test/histories/<workflow>/*.json) against the current workflow code.
 * A change that alters the command sequence of a running case (without `patched()` or a new
 * workflow type) fails here. Replays run with the payload codec, as workers do: the plain histories
 * (cases started before payload encryption) and the `.encrypted.json` ones (recorded through the
 * codec with the committed test-only key) must both replay.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { beforeAll, describe, expect, test } from 'vitest';
import { ENCODING } from '../../infra/payload-codec.js';
import { dataConverterFor, HISTORY_TEST_KEYS, randomKeyEntry } from '../support/payload-keys.js';
import { bundle, quietRuntime } from '../support/temporal.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'histories');
const sets = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => ({
    name: d.name,
    files: readdirSync(path.join(ROOT, d.name))
      .filter((f) => f.endsWith('.json'))
      .sort(),
  }));

const dataConverter = dataConverterFor(HISTORY_TEST_KEYS);
const ENCRYPTED_B64 = Buffer.from(ENCODING).toString('base64');

let workflowBundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  quietRuntime();
  workflowBundle = await bundle();
});

test('every workflow has saved histories', () => {
  expect(sets.map((s) => s.name).sort()).toEqual(['claim-prepayment', 'one-stop', 'produce-first']);
  for (const s of sets) expect(s.files.length, s.name).toBeGreaterThanOrEqual(4);
  // Every scenario also exists encrypted, and those files really are (the plain ones are not).
  for (const s of sets) {
    const plain = s.files.filter((f) => !f.endsWith('.encrypted.json'));
    expect(s.files.filter((f) => f.endsWith('.encrypted.json')).sort(), s.name).toEqual(plain.map((f) => f.replace(/\.json$/, '.encrypted.json')).sort());
    for (const f of s.files) {
      const text = readFileSync(path.join(ROOT, s.name, f), 'utf8');
      expect(text.includes(ENCRYPTED_B64), f).toBe(f.endsWith('.encrypted.json'));
    }
  }
});

for (const set of sets) {
  describe(`saved ${set.name} histories replay on the current code`, () => {
    test.each(set.files)('%s', async (file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(ROOT, set.name, file), 'utf8')));
      expect(history.events?.length).toBeGreaterThan(5);
      await Worker.runReplayHistory({ workflowBundle, dataConverter }, history, `${set.name}/${file}`);
    });
  });
}

test('negative control: a workflow whose commands changed fails to replay with a determinism error', async () => {
  const changed = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./changed/workflows.ts', import.meta.url)),
    logger: new DefaultLogger('ERROR'),
  });
  const history = historyFromJSON(JSON.parse(readFileSync(path.join(ROOT, 'one-stop', 'rejected.json'), 'utf8')));
  await expect(Worker.runReplayHistory({ workflowBundle: changed, dataConverter }, history, 'rejected (changed workflow)')).rejects.toThrow(
    DeterminismViolationError,
  );
});

test('an encrypted history does not replay without its key (the codec is really in the path)', async () => {
  const file = path.join(ROOT, 'one-stop', 'rejected.encrypted.json');
  const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const wrongKey = dataConverterFor(randomKeyEntry('not-the-history-key'));
  await expect(Worker.runReplayHistory({ workflowBundle, dataConverter: wrongKey }, history, 'rejected.encrypted')).rejects.toThrow();
});
