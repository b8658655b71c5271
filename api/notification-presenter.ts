/**
 * A notification as the API shows it, and to whom. Its text is case content (departments on the case,
 * auditors, and the applicant for its own notices); an applicant's address is personal data (only
 * those who may see `applicant.contact`). Admins, who repair deliveries, see where and why a
 * delivery failed, not what it said and not an applicant's address.
 */
import { z } from 'zod';
import { CHANNELS, DELIVERY_STATUSES, RECIPIENT_TYPES, recipientType } from '../common/notifications.js';
import type { OutboxRow } from '../db/notifications.js';

const Iso = z.string().meta({ format: 'date-time' });

export const NotificationDeliverySchema = z
  .object({
    channel: z.enum(CHANNELS),
    deliveryId: z.string().meta({ description: 'X-OneStop-Delivery (and the mail Message-ID): the same on every attempt' }),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int().meta({ description: 'attempts made (since the last admin retry)' }),
    nextAttemptAt: Iso.nullable().meta({ description: 'when the next attempt is due (pending only)' }),
    lastAttemptAt: Iso.nullable(),
    deliveredAt: Iso.nullable(),
    reason: z.string().nullable().meta({ description: 'why the last attempt failed; null once delivered' }),
    retriedBy: z.string().nullable().meta({ description: 'the admin who last put it back to pending' }),
    retriedAt: Iso.nullable(),
  })
  .meta({ id: 'NotificationDelivery' });

export const NotificationSchema = z
  .object({
    id: z.string(),
    caseId: z.string(),
    kind: z.string().meta({ description: 'what happened (escalation, breach, case-closed, …); the list grows with the processes' }),
    taskId: z.string().nullable(),
    recipient: z.object({
      type: z.enum(RECIPIENT_TYPES),
      dept: z.string().nullable(),
      address: z
        .string()
        .nullable()
        .optional()
        .meta({ description: 'where the last attempt went (null before the first); an applicant’s only for the departments on the case and auditors' }),
    }),
    text: z.string().optional().meta({ description: 'the notice (not shown to admins)' }),
    at: Iso.meta({ description: 'when the event happened' }),
    createdAt: Iso,
    status: z.enum(DELIVERY_STATUSES).meta({ description: 'failed if a delivery failed; else pending while one is; else delivered' }),
    deliveries: z.array(NotificationDeliverySchema).meta({ description: 'one per channel (none until the sender has planned them)' }),
  })
  .meta({ id: 'Notification' });

export type NotificationOut = z.infer<typeof NotificationSchema>;

export function presentNotification(n: OutboxRow, show: { text: boolean; applicantAddress: boolean }): NotificationOut {
  const type = recipientType(n.recipientRole);
  const address = n.deliveries.find((d) => d.address)?.address ?? null;
  return {
    id: n.id,
    caseId: n.caseId,
    kind: n.kind,
    taskId: n.taskId,
    recipient: { type, dept: n.recipientDept, ...(type !== 'applicant' || show.applicantAddress ? { address } : {}) },
    ...(show.text ? { text: n.message } : {}),
    at: n.eventAt,
    createdAt: n.createdAt,
    status: n.status,
    deliveries: n.deliveries.map(({ address: _a, ...d }) => d),
  };
}
