/**
 * Which generation of the case engine a case runs on, decided once, as the case starts.
 *
 * Each `patched(id)` that returns true costs a case's history two events: a marker and an upsert of
 * the `TemporalChangeVersion` search attribute. A case started since CASE_GENERATION_2 asks that one
 * patch, as its first command, and takes every earlier patch (PATCHES_IN_GENERATION_2) as applied
 * without asking: two events instead of up to twelve (issue 11). Cases started before it answer no
 * to that patch when they replay, and keep asking each patch where they always did, so their
 * histories replay unchanged. New patches are asked as before (`has` calls `patched` for any id not
 * in the generation); once they pile up, a generation 3 folds them in the same way.
 *
 * The answer is asked once and kept: `patched` answers true to an unknown patch whenever it is not
 * replaying, so asking again later in a case started before the generation would wrongly say yes.
 */
import { inWorkflowContext, patched } from '@temporalio/workflow';

export const CASE_GENERATION_2 = 'case-generation-2';

/** Patch ids earlier than the generation, each also named where it is asked. */
export const PATCHES_IN_GENERATION_2 = [
  'publish-after-every-update',
  'applicant-notices',
  'supplement-deadline',
  'permit-number-published',
  'projection-as-local-activity',
  'publish-notices-with-case',
  'issue-number-locally',
] as const;

export type Gen2Patch = (typeof PATCHES_IN_GENERATION_2)[number];

export class Generation {
  /**
   * True for a case started on generation 2 or later. Outside a workflow, where the API lays out a new
   * case to answer its opening (first-view.ts), the case is of the newest generation, as it will run.
   */
  readonly two: boolean = inWorkflowContext() ? patched(CASE_GENERATION_2) : true;

  /** Whether the case takes the change `patchId` (an earlier patch: from its generation, without a marker). */
  has(patchId: Gen2Patch): boolean {
    return this.two || patched(patchId);
  }
}
