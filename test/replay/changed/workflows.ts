/**
 * A deliberately changed one-stop workflow for the replay test's negative control: it sleeps before
 * doing what the real one does, which adds a timer at the start of every history. Replaying a saved
 * history against it must fail with a determinism error, or the replay test proves nothing.
 */
import { sleep } from '@temporalio/workflow';
import type { CaseView } from '../../../common/types.js';
import type { OpenCaseInput } from '../../../processes/registry.js';
import { oneStopApprovalWorkflow as real } from '../../../processes/one-stop/workflow.js';
import type { OneStopTemplate } from '../../../processes/one-stop/template.js';

export async function oneStopApprovalWorkflow(input: OpenCaseInput<OneStopTemplate>): Promise<CaseView> {
  await sleep(1);
  return real(input);
}
