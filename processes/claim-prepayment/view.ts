/** A claim as its view shows it: every case's fields, its acceptance, the prepayment, the payments and the settlement. */
import type { CaseViewBase, Money, PaymentRecord, RecoveryRecord } from '../../common/types.js';
import type { ClaimDetails } from './details.js';
import type { ClaimStatus } from './status.js';

export interface SettlementView {
  assessed: Money;
  prepaid: Money;
  /** assessed − prepaid: paid when positive; recovered when negative. */
  remainder: Money;
  recovery: RecoveryRecord | null;
}

export interface PrepaymentView {
  cap: Money;
  proposed: Money | null;
  proposedBy: string | null;
  /** Who approved a proposal above the threshold (four eyes), when one was needed. */
  approvedBy: string | null;
  declined: boolean;
}

/** The fields a claim's view has besides every case's. */
export interface ClaimFields {
  acceptedAt: string | null;
  prepayment: PrepaymentView;
  payments: PaymentRecord[];
  settlement: SettlementView | null;
}

export type ClaimView = CaseViewBase<'claim-prepayment', ClaimStatus, ClaimDetails> & ClaimFields;
