/** Every workflow the worker registers. The worker bundles this file; it must stay free of node modules. */
export { oneStopApprovalWorkflow } from './one-stop.js';
export { produceFirstWorkflow } from './produce-first.js';
export { claimPrepaymentWorkflow } from './claim-prepayment.js';
