/**
 * The case's first view, computed from its input outside the workflow: the API answers an opening
 * with it as soon as Temporal has recorded the start, instead of querying the workflow, which cannot
 * answer before its first workflow task has run and published the case (that wait was most of an
 * opening's time).
 *
 * It is the workflow's own code: each process lays out its case (its definition's `open`) exactly as the
 * workflow does before its first command, from the same input, whose `openedAt` fixes every date; the
 * view is then taken at that instant. Nothing here sends a command or registers a handler, so it runs
 * in any Node process. The workflow's first publication follows a moment later; test/api asserts that
 * the two agree for every process.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CaseView } from '../common/types.js';
import type { ProcessDefinition } from '../processes/process.js';
import { processOf, type OpenCaseInput } from '../processes/registry.js';

/**
 * A new case as its workflow will first show it (`input.openedAt` required): its view, and its search
 * attributes, which the API sets as it starts the workflow (case-runtime.ts then need not upsert them).
 */
export function firstCase(input: OpenCaseInput & { openedAt: string }): { view: CaseView; searchAttributes: SearchAttributeUpdatePair[] } {
  const process: ProcessDefinition = processOf(input.template.kind);
  const { core } = process.open(input);
  const at = Date.parse(input.openedAt);
  // The process is the input's own (found by its template's kind), so the view is of that process.
  return { view: core.viewAt(at) as CaseView, searchAttributes: core.searchAttributes(at) };
}
