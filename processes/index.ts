/**
 * The registry of processes: one line per process, each exporting its definition and its workflow.
 * It is also the entry of the worker's workflow bundle (so it and everything it imports stay free of
 * node modules and I/O). Read it through processes/registry.ts.
 */
export * from './one-stop/index.js';
export * from './produce-first/index.js';
export * from './claim-prepayment/index.js';
