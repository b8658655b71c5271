/**
 * Workflow time. Inside the workflow sandbox `Date.now()` is replaced by the SDK with the time of
 * the current workflow task, so it is deterministic on replay; this module is the only place that
 * reads it, so that no other file needs to reason about it.
 */
// eslint-disable-next-line no-restricted-properties -- the one sanctioned read (see above)
export const now = (): number => Date.now();
export const iso = (ms: number): string => new Date(ms).toISOString();
