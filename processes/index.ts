/**
 * The registry of processes: one line per process, each exporting its definition (its index.ts).
 * Read it through processes/registry.ts. The workflows themselves are the bundle's entry,
 * processes/workflows.ts, a line per process too.
 */
export * from './one-stop/index.js';
export * from './produce-first/index.js';
export * from './claim-prepayment/index.js';
