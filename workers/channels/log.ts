/** The log channel: a structured log line per notification, for a local install with no mail or webhook configured. */
import type { Logger } from 'pino';
import type { NotificationChannel } from './delivery.js';

export const logChannel = (logger: Logger): NotificationChannel => ({
  name: 'log',
  needsAddress: false,
  async send(d) {
    // The address stays out of the log: an applicant's is personal data.
    logger.info({ notification: d.id, kind: d.kind, to: { type: d.recipient.type, dept: d.recipient.dept }, caseId: d.caseId }, d.text);
  },
});
