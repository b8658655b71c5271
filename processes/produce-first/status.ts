/**
 * A produce-first case's statuses: eligibility in review; approved, the enterprise produces under a
 * provisional permit; an obligation overdue past the grace suspends it, verifying every overdue one
 * reinstates it, a suspension that lasts revokes it; every obligation verified certifies the case.
 * Eligibility may ask for information (the clocks stop until the supplement), or reject.
 */
import { transitions } from '../../workflows/lib/status.js';

export const PRODUCE_FIRST_TRANSITIONS = transitions({
  'in-review': ['awaiting-supplement', 'provisional', 'rejected', 'withdrawn'],
  'awaiting-supplement': ['in-review', 'withdrawn', 'abandoned'],
  provisional: ['suspended', 'certified', 'withdrawn'],
  // Verifying the last overdue obligation while suspended may verify the last of all: certified at once.
  suspended: ['provisional', 'certified', 'revoked', 'withdrawn'],
  certified: [],
  revoked: [],
  rejected: [],
  withdrawn: [],
  abandoned: [],
});

export type ProduceFirstStatus = keyof typeof PRODUCE_FIRST_TRANSITIONS;
