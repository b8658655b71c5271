/** Assertions on case workflows shared by the workflow test files. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import type { RefusalType } from '../../common/errors.js';
import type { CaseView } from '../../common/types.js';

/** The update was refused by its validator with an ApplicationFailure of `type` (message: a pattern, or text it contains). */
export async function expectRefused(p: Promise<unknown>, type: RefusalType, message?: RegExp | string): Promise<void> {
  const err = await p.then(
    () => {
      throw new Error(`expected a ${type} refusal, the update succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(type);
  if (typeof message === 'string') expect((cause as ApplicationFailure).message).toContain(message);
  else if (message) expect((cause as ApplicationFailure).message).toMatch(message);
}

/** The escalation steps a case shows, without their times. */
export const steps = (v: CaseView) => v.escalations.map(({ taskId, action, level }) => ({ taskId, action, level }));
