/**
 * The live patches of the case workflows: the one place a change to a running case's commands is
 * declared, and the only caller of `patched` and `deprecatePatch` (a test checks that no other file
 * in workflows/ calls them). The policy and its steps are in docs/adr/0007-workflow-versioning.md:
 *
 * 1. A change to the commands a running case issues (a new activity, timer or upsert; one removed or
 *    moved) is guarded by `changed(id)`, with the id added here as `patched`, and a history of the
 *    old path is recorded beside the others (`npm run record:histories`, without `--force`).
 * 2. Once no open case was started before the release that added it, the entry becomes
 *    `deprecated`: `changed` then records the marker without branching, and the old path's code goes.
 * 3. Once no open case was started before the release that deprecated it, the entry and the call go.
 *
 * OneStop 1.0 starts with none: every running case is on the current code.
 */
import { deprecatePatch, patched } from '@temporalio/workflow';

interface PatchEntry {
  /** The release that added the change. */
  since: string;
  /** `patched`: old and new paths both live; `deprecated`: only the new path, the marker still recorded. */
  state: 'patched' | 'deprecated';
  /** What changed, in a sentence. */
  why: string;
}

export const PATCHES = {} as const satisfies Record<string, PatchEntry>;

export type PatchId = keyof typeof PATCHES;

/** Whether this case takes the change `id`: always for a deprecated patch, else as Temporal's `patched` answers. */
export function changed(id: PatchId): boolean {
  const entry: PatchEntry = PATCHES[id];
  if (entry.state === 'deprecated') {
    deprecatePatch(id);
    return true;
  }
  return patched(id);
}
