/**
 * The versioning drill's "next release" of the one-stop workflow: a new step (here a timer) before
 * the case runs, guarded by `patched`, as workflows/patches.ts prescribes. A case started on the
 * release before takes the old path when it replays; a case started on this one takes the new.
 */
import { patched, sleep } from '@temporalio/workflow';
import type { CaseView } from '../../../common/types.js';
import type { OpenCaseInput } from '../../../processes/registry.js';
import type { OneStopTemplate } from '../../../processes/one-stop/template.js';
import { oneStopApprovalWorkflow as current } from '../../../processes/one-stop/workflow.js';
import { DRILL_PATCH } from '../drill-patch.js';

export async function oneStopApprovalWorkflow(input: OpenCaseInput<OneStopTemplate>): Promise<CaseView> {
  if (patched(DRILL_PATCH)) await sleep(1);
  return current(input);
}
