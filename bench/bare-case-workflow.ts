/**
 * The baseline of bench/side-by-side.ts: a bare Temporal workflow doing what a one-stop case does at
 * its core, and nothing else — three departments decide by update, one SLA timer runs meanwhile, no
 * activities (no projection, no notifications, no formal number). Bundled by the bench only; the
 * engine's worker does not register it.
 */
import { ApplicationFailure, condition, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';

export interface BareCaseInput {
  caseId: string;
  depts: string[];
  slaMs: number;
}

export interface BareDecision {
  dept: string;
  outcome: 'approve' | 'reject';
  by: string;
}

export interface BareCaseState {
  caseId: string;
  status: 'in-review' | 'approved' | 'rejected' | 'deadline-passed';
  decisions: BareDecision[];
}

export const bareDecideUpdate = defineUpdate<BareCaseState, [BareDecision]>('decide');
export const bareStateQuery = defineQuery<BareCaseState>('getState');

export async function bareCaseWorkflow(input: BareCaseInput): Promise<BareCaseState> {
  const state: BareCaseState = { caseId: input.caseId, status: 'in-review', decisions: [] };
  const decided = () => state.decisions.length === input.depts.length || state.status === 'rejected';
  setHandler(bareStateQuery, () => state);
  setHandler(
    bareDecideUpdate,
    (d) => {
      state.decisions.push(d);
      if (d.outcome === 'reject') state.status = 'rejected';
      else if (decided()) state.status = 'approved';
      return state;
    },
    {
      validator: (d) => {
        if (state.status !== 'in-review') throw ApplicationFailure.nonRetryable(`case ${input.caseId} is ${state.status}`);
        if (!input.depts.includes(d.dept)) throw ApplicationFailure.nonRetryable(`no task for ${d.dept}`);
        if (state.decisions.some((x) => x.dept === d.dept)) throw ApplicationFailure.nonRetryable(`${d.dept} has decided`);
      },
    },
  );
  // The one SLA timer: cancelled when the last department decides first.
  if (!(await condition(decided, input.slaMs))) state.status = 'deadline-passed';
  return state;
}
