/**
 * A one-stop case's statuses: in review until every department approves (approved) or one rejects
 * (rejected); a request for information stops the clocks until the supplement arrives, or the date
 * for it passes (abandoned, unless the template resumes the case). The applicant may withdraw an
 * open case.
 */
import { transitions } from '../../workflows/lib/status.js';

export const ONE_STOP_TRANSITIONS = transitions({
  'in-review': ['awaiting-supplement', 'approved', 'rejected', 'withdrawn'],
  // Another department may still reject while one waits for the applicant's supplement.
  'awaiting-supplement': ['in-review', 'rejected', 'withdrawn', 'abandoned'],
  approved: [],
  rejected: [],
  withdrawn: [],
  abandoned: [],
});

export type OneStopStatus = keyof typeof ONE_STOP_TRANSITIONS;
