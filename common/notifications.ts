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

/** Who a notification is for, as channels name it: a caseworker notice goes to the department's mailbox. */
export const RECIPIENT_TYPES = ['applicant', 'department', 'supervisor', 'command-center'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

export function recipientType(role: NotificationInput['recipient']['role']): RecipientType {
  return role === 'caseworker' ? 'department' : role;
}

/** How a notification leaves: e-mail (SMTP), the signed webhook, or the log (local use, when neither is set). */
export const CHANNELS = ['email', 'webhook', 'log'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/**
 * A delivery (one notification on one channel): `pending` until an attempt succeeds (`delivered`)
 * or the last one allowed fails (`failed`, with the reason; an admin may put it back to pending).
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The directory entry that holds the command centre's address (departments are keyed by their slug). */
export const COMMAND_CENTER_ENTRY = 'command-center';
