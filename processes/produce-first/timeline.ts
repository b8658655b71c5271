/**
 * What the auditor's timeline shows of produce first: the opening (eligibility, the pledge, the
 * products, the missing qualifications) and each certificate filed, at its verification task.
 */
import { onBehalf, who, type TimelineEntry } from '../../audit/timeline-entry.js';
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
      details: { qualification: f.qualification, number: f.number, issuer: f.issuer, issuedAt: f.issuedAt, documentRef: f.documentRef, ...onBehalf(f) },
    },
  ],
};
