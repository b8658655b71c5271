/** Produce first, certify later: eligibility, the obligations under the provisional permit, its grace and revocation. */
import { z } from 'zod';
import { CaseRules, Duration, EscalationLadder, Slug, Title, checkTimeRules, compareDurations } from '../../templates/schema.js';

export const Obligation = z.strictObject({
  qualification: Slug.describe('stable id of the missing qualification; the verification task is `verify:<qualification>`'),
  dept: Slug.describe('department that verifies the certificate'),
  title: Title,
  due: Duration.describe('period from the provisional permit within which the certificate must be verified'),
});

export const ProduceFirstTemplate = z
  .strictObject({
    id: Slug,
    title: Title,
    kind: z.literal('produce-first-certify-later'),
    eligibility: z.strictObject({ dept: Slug, title: Title.default('Eligibility for production on a pledge'), sla: Duration }),
    obligations: z.array(Obligation).min(1).max(50),
    reminders: z.array(Duration).max(10).default(['P7D', 'P1D']).describe('reminders this long before each due date'),
    grace: Duration.describe('after a due date passes unverified, how long until the permit is suspended'),
    revokeAfter: Duration.describe('how long a suspension may last before the permit is revoked'),
    verificationSla: Duration.default('P3D').describe('SLA of each verification task (its escalation ladder runs on it)'),
    escalation: EscalationLadder,
    ...CaseRules,
  })
  .superRefine((t, ctx) => {
    checkTimeRules(t, ctx);
    const seen = new Set<string>();
    t.obligations.forEach((o, i) => {
      if (seen.has(o.qualification))
        ctx.addIssue({ code: 'custom', path: ['obligations', i, 'qualification'], message: `qualification ${o.qualification} appears twice` });
      seen.add(o.qualification);
    });
    t.reminders.forEach((r, i) => {
      if (t.obligations.some((o) => (compareDurations(r, o.due) ?? -1) >= 0))
        ctx.addIssue({ code: 'custom', path: ['reminders', i], message: 'a reminder must come before the shortest due period ends' });
    });
  });

export type ProduceFirstTemplate = z.infer<typeof ProduceFirstTemplate>;
