/**
 * The entry of the worker's workflow bundle: each process's workflow, a line per process. It is kept
 * apart from the registry (index.ts), whose definitions carry zod schemas: the worker evaluates the
 * bundle's modules once per case (each workflow has its own module cache), so what the bundle holds
 * costs memory and CPU per open case. `test/workflows/bundle.test.ts` checks that no zod gets in, and
 * the registry that every workflow type a definition names is exported here.
 */
export { oneStopApprovalWorkflow } from './one-stop/workflow.js';
export { produceFirstWorkflow } from './produce-first/workflow.js';
export { claimPrepaymentWorkflow } from './claim-prepayment/workflow.js';
