/** A one-stop case as its view shows it: every case's fields, with the details as filed. */
import type { CaseViewBase } from '../../common/types.js';
import type { OneStopDetails } from './details.js';
import type { OneStopStatus } from './status.js';

export type OneStopView = CaseViewBase<'one-stop-approval', OneStopStatus, OneStopDetails>;
