/**
 * What a channel is given to send (one notification, to one resolved recipient, on one attempt),
 * what it answers when it cannot, and the words the notice is sent in.
 */
import type { ChannelName, RecipientType } from '../../common/notifications.js';

export interface Delivery {
  /** The notification's id (GET /v1/notifications, POST /v1/notifications/:id/retry). */
  id: string;
  /** Names this delivery to the receiver; the same on every attempt, so a receiver can drop a repeat. */
  deliveryId: string;
  caseId: string;
  /** The case number a person reads and says on the phone (the case id for a case opened without one). */
  caseNumber: string;
  /** Open-ended: workflows add kinds, and channels word them generically. */
  kind: string;
  taskId: string | null;
  action: string | null;
  level: number | null;
  /** `address` is null only on a channel that needs none (the log). */
  recipient: { type: RecipientType; dept: string | null; address: string | null };
  text: string;
  /** When the event happened (workflow time, ISO 8601). */
  at: string;
  attempt: number;
}

export interface NotificationChannel {
  name: ChannelName;
  /** Whether a recipient without an address makes the delivery fail (e-mail, webhook) or not (the log). */
  needsAddress: boolean;
  send(d: Delivery): Promise<void>;
  close?(): Promise<void>;
}

/** A failed attempt. `final`: trying again cannot help (a mailbox the server refuses, a 4xx from the webhook). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly final = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** `info-requested` → `Info requested`: any kind, including ones added after this was written. */
export function kindLabel(kind: string): string {
  const words = kind.replace(/[-_]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Notification';
}

export function subjectOf(d: Delivery): string {
  return `OneStop: ${kindLabel(d.kind)} (case ${d.caseNumber})`;
}

/** The mail's plain text: the workflow's message, then what the notice is about. */
export function plainTextOf(d: Delivery): string {
  return [
    d.text,
    '',
    d.caseNumber === d.caseId ? `Case: ${d.caseId}` : `Case: ${d.caseNumber} (${d.caseId})`,
    ...(d.taskId ? [`Task: ${d.taskId}`] : []),
    `Notice: ${kindLabel(d.kind)}`,
    `When: ${d.at}`,
    '',
    `-- OneStop notification ${d.id} (delivery ${d.deliveryId})`,
  ].join('\n');
}
