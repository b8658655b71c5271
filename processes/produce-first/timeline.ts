/**
 * What the auditor's timeline shows of produce first: the opening (eligibility, the pledge, the
 * products, the missing qualifications), each certificate filed, at its verification task, and the
 * permit's notices: issued, reminders, overdue obligations, suspension and reinstatement.
 */
import { applicantNotice, noticeEntry, onBehalf, who, type TimelineEntry } from '../../audit/timeline-entry.js';
import type { NotificationInput } from '../../common/notifications.js';
import { fileCertificateUpdate, verifyTaskId, type CertificateInput } from './messages.js';
import type { ProduceFirstInput } from './workflow.js';

export function produceFirstOpening(input: ProduceFirstInput): Record<string, unknown> {
  const d = input.details;
  return { sla: input.template.eligibility.sla, tasks: ['eligibility'], pledge: d.pledge, products: d.products, missing: d.missing };
}

/** The entries of produce first's own updates, by update name. */
export const produceFirstUpdateEntries = {
  [fileCertificateUpdate.name]: (at: string, f: CertificateInput): TimelineEntry[] => [
    {
      at,
      type: 'certificate-filed',
      actor: who(f.actor),
      taskId: verifyTaskId(f.qualification),
      details: { qualification: f.qualification, number: f.number, issuer: f.issuer, issuedAt: f.issuedAt, document: f.document, ...onBehalf(f) },
    },
  ],
};

export const produceFirstNotifications = {
  'permit-issued': (n: NotificationInput) => noticeEntry(n),
  'obligation-reminder': (n: NotificationInput) => noticeEntry(n),
  // Told to the applicant, it is what the applicant was told; told to a department, an event of its own.
  'obligation-overdue': (n: NotificationInput) => (n.recipient.role === 'applicant' ? applicantNotice(n) : noticeEntry(n)),
  suspended: (n: NotificationInput) => noticeEntry(n),
  reinstated: (n: NotificationInput) => noticeEntry(n),
};
