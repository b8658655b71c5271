/** A notification the workflow asks to be sent; written to the PostgreSQL outbox, delivered by a sender. */
export type NotificationKind =
  | 'escalation'
  | 'breach'
  | 'deemed-approved'
  | 'follow-up'
  | 'case-closed'
  | 'permit-issued'
  | 'obligation-reminder'
  | 'obligation-overdue'
  | 'suspended'
  | 'reinstated'
  // To the applicant: what happens to its case.
  | 'case-opened'
  | 'task-decided'
  | 'info-requested'
  | 'supplement-reminder'
  | 'supplement-timeout'
  | 'prepayment'
  | 'settlement';

export interface NotificationInput {
  /** Idempotency key: the same key is written once, however often the activity runs. */
  key: string;
  caseId: string;
  kind: NotificationKind;
  taskId: string | null;
  /** For escalations: the ladder action and level. */
  action: string | null;
  level: number | null;
  recipient: { dept: string | null; role: 'caseworker' | 'supervisor' | 'command-center' | 'applicant' };
  /** Workflow time at which the event happened (ISO 8601). */
  at: string;
  message: string;
}
