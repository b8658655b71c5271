/**
 * A claim's statuses: in review until the claims desk accepts it (accepted) or rejects it; accepted,
 * an advance may be paid (prepaid); the assessment settles it (settled). Any step may ask the
 * enterprise for information, which stops the clocks until its supplement; the case then goes back
 * to the step it was at. A claim may be withdrawn until money has been paid on it.
 */
import { transitions } from '../../workflows/lib/status.js';

export const CLAIM_TRANSITIONS = transitions({
  'in-review': ['awaiting-supplement', 'accepted', 'rejected', 'withdrawn'],
  'awaiting-supplement': ['in-review', 'accepted', 'prepaid', 'withdrawn', 'abandoned'],
  accepted: ['awaiting-supplement', 'prepaid', 'settled', 'withdrawn'],
  prepaid: ['awaiting-supplement', 'settled'],
  settled: [],
  rejected: [],
  withdrawn: [],
  abandoned: [],
});

export type ClaimStatus = keyof typeof CLAIM_TRANSITIONS;
