/**
 * The versioning drill's release after: the patch deprecated once no case started before it is open.
 * Only the new path is left; `deprecatePatch` still records the marker, so cases started on the
 * patched release replay.
 */
import { deprecatePatch, sleep } from '@temporalio/workflow';
import type { CaseView } from '../../../common/types.js';
import type { OpenCaseInput } from '../../../processes/registry.js';
import type { OneStopTemplate } from '../../../processes/one-stop/template.js';
import { oneStopApprovalWorkflow as current } from '../../../processes/one-stop/workflow.js';
import { DRILL_PATCH } from '../drill-patch.js';

export async function oneStopApprovalWorkflow(input: OpenCaseInput<OneStopTemplate>): Promise<CaseView> {
  deprecatePatch(DRILL_PATCH);
  await sleep(1);
  return current(input);
}
