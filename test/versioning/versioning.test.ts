/**
 * The versioning policy (docs/adr/0007-workflow-versioning.md) as a drill on the time-skipping server
 * with the real activities and PostgreSQL: cases run across three releases of the one-stop workflow
 * on one task queue, the worker replaced between them as a deploy replaces it.
 *
 * - release 1 (the current code) starts case A and decides one of its tasks;
 * - release 2 adds a step guarded by `patched`: A finishes on it along its old path, and case B,
 *   started on it, takes the new step;
 * - release 3 deprecates the patch: B finishes on it; and A's history, replayed against it, fails,
 *   which is why a patch is deprecated only once no case started before it is open.
 *
 * And the rule that keeps this reviewable: only workflows/patches.ts calls `patched` or `deprecatePatch`.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CaseView } from '../../common/types.js';
import { createCaseWorker } from '../../workers/worker.js';
import { decideUpdate, getCaseQuery, type CaseInput } from '../../workflows/definitions.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { applicant, oneStopTemplate, opener, staff } from '../support/fixtures.js';
import { testDataConverter } from '../support/payload-keys.js';
import { bundle, timeSkippingEnv } from '../support/temporal.js';
import { DRILL_PATCH } from './drill-patch.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKFLOWS = path.join(HERE, '..', '..', 'workflows');
const template = oneStopTemplate({
  departments: [
    { dept: 'health', title: 'Hygiene permit' },
    { dept: 'ecology', title: 'Environmental filing' },
  ],
});

let env: TestWorkflowEnvironment;
let db: TestDatabase;
const releases: WorkflowBundleWithSourceMap[] = [];
const taskQueue = `versioning-${randomUUID()}`;

const release = (dir: string) => bundleWorkflowCode({ workflowsPath: path.join(HERE, dir, 'workflows.ts'), logger: new DefaultLogger('ERROR') });

beforeAll(async () => {
  [env, db] = await Promise.all([timeSkippingEnv(), freshDatabase(inject('databaseUrl'))]);
  releases.push(await bundle(), await release('v2'), await release('v3'));
});
afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

/** Runs `work` on a worker of release `n` (1-based) on the drill's task queue, then shuts it down as a deploy would. */
async function onRelease<T>(n: 1 | 2 | 3, work: () => Promise<T>): Promise<T> {
  const worker = await createCaseWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: releases[n - 1]!,
    pool: db.pool,
    dataConverter: testDataConverter,
    // No sticky cache: every workflow task replays the case from its history on this release's code,
    // and no task waits on the sticky queue of a worker that has gone (the test server's clock, which
    // times that out, stands still outside `result()`).
    maxCachedWorkflows: 0,
  });
  return worker.runUntil(work);
}

type Handle = WorkflowHandle<(input: CaseInput<never, never>) => Promise<CaseView>>;

/**
 * Opens a case and waits until it answers its query: the drill's new step runs before the case has
 * registered its handlers, so a decision sent at once would find none (a real change would come after
 * them; the drill puts it first to change every case's opening commands).
 */
async function open(): Promise<Handle> {
  const caseId = `case-${randomUUID()}`;
  const input = { caseId, template, templateVersion: 1, applicant, details: {}, openedBy: opener, priority: false };
  const h = (await env.client.workflow.start('oneStopApprovalWorkflow', { taskQueue, workflowId: caseId, args: [input] })) as Handle;
  for (;;) {
    await env.sleep(1_000); // moves the test server's clock past the drill's timer
    const answered = await h.query(getCaseQuery).then(
      () => true,
      () => false,
    );
    if (answered) return h;
  }
}

const approve = (h: Handle, dept: string) => h.executeUpdate(decideUpdate, { args: [{ taskId: dept, outcome: 'approve', actor: staff(dept) }] });

async function events(h: Handle) {
  return (await h.fetchHistory()).events ?? [];
}
const failedTasks = async (h: Handle) => (await events(h)).filter((e) => e.workflowTaskFailedEventAttributes).length;
const patchMarkers = async (h: Handle) => (await events(h)).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch').length;
const timers = async (h: Handle) => (await events(h)).filter((e) => e.timerStartedEventAttributes).length;

describe('versioning: a running case survives a change to its commands', () => {
  it('crosses three releases: patched, then deprecated, each case completing on the code it meets', async () => {
    // Release 1: case A starts and one department decides.
    const a = await onRelease(1, async () => {
      const h = await open();
      await approve(h, 'health');
      return h;
    });
    const aTimersOnRelease1 = await timers(a);

    // Release 2: A replays along its old path and completes; B takes the new step.
    const b = await onRelease(2, async () => {
      await approve(a, 'ecology');
      expect((await a.result()).status).toBe('approved');
      const h = await open();
      await approve(h, 'health');
      expect((await h.query(getCaseQuery)).tasks.find((t) => t.taskId === 'health')?.status).toBe('decided');
      return h;
    });
    expect(await failedTasks(a)).toBe(0);
    expect(await patchMarkers(a)).toBe(0);
    expect(await patchMarkers(b)).toBe(1);
    // The new step's timer (B) on top of what a case's first task sets; A's count was fixed on release 1.
    expect(await timers(b)).toBeGreaterThan(aTimersOnRelease1);

    // Release 3: B completes on the deprecated patch, and a new case runs on it.
    await onRelease(3, async () => {
      await approve(b, 'ecology');
      expect((await b.result()).status).toBe('approved');
      const c = await open();
      await approve(c, 'health');
      await approve(c, 'ecology');
      expect((await c.result()).status).toBe('approved');
      expect(await patchMarkers(c)).toBe(1);
    });
    expect(await failedTasks(b)).toBe(0);

    // Why release 3 waited: a case from release 1 does not replay on it.
    await expect(
      Worker.runReplayHistory({ workflowBundle: releases[2]!, dataConverter: testDataConverter }, await a.fetchHistory(), 'A on release 3'),
    ).rejects.toThrow(/[Nn]ondeterminism|[Dd]eterminism/);
    // And every release replays the cases it may meet.
    await Worker.runReplayHistory({ workflowBundle: releases[1]!, dataConverter: testDataConverter }, await a.fetchHistory(), 'A on release 2');
    await Worker.runReplayHistory({ workflowBundle: releases[2]!, dataConverter: testDataConverter }, await b.fetchHistory(), 'B on release 3');
    expect(DRILL_PATCH).toBe('versioning-drill');
  });

  it('only workflows/patches.ts calls patched or deprecatePatch, and every patch it lists is used', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
        const p = path.join(dir, d.name);
        return d.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
      });
    const callers = sources(WORKFLOWS).filter((f) => /\b(patched|deprecatePatch)\s*\(/.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')));
    expect(callers.map((f) => path.relative(WORKFLOWS, f))).toEqual(['patches.ts']);
    const text = sources(WORKFLOWS)
      .filter((f) => !f.endsWith('patches.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const listed = [...readFileSync(path.join(WORKFLOWS, 'patches.ts'), 'utf8').matchAll(/^\s+'([a-z0-9-]+)':\s*\{/gm)].map((m) => m[1] as string);
    for (const id of listed) expect(text, `patch ${id} is listed but no workflow asks changed('${id}')`).toContain(`changed('${id}')`);
  });
});
