/** One-stop approval's template: the departments that review in parallel, the case SLA, the follow-ups. */
import { z } from 'zod';
import { CaseRules, Duration, EscalationLadder, Slug, Title, checkTimeRules, compareDurations } from '../../templates/schema.js';

export const DepartmentReview = z.strictObject({
  dept: Slug,
  title: Title,
  sla: Duration.optional().describe("the department's own SLA; defaults to the template's"),
});

export const FollowUp = z.strictObject({ dept: Slug, title: Title });

export const OneStopTemplate = z
  .strictObject({
    id: Slug,
    title: Title,
    kind: z.literal('one-stop-approval'),
    sla: Duration,
    onDeadline: z.enum(['escalate', 'deem-approved']).default('escalate'),
    escalation: EscalationLadder,
    departments: z.array(DepartmentReview).min(1).max(50),
    followUps: z.array(FollowUp).max(20).default([]),
    ...CaseRules,
  })
  .superRefine((t, ctx) => {
    checkTimeRules(t, ctx);
    const seen = new Set<string>();
    t.departments.forEach((d, i) => {
      if (seen.has(d.dept)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'dept'], message: `department ${d.dept} appears twice` });
      seen.add(d.dept);
      if (d.sla && (compareDurations(d.sla, t.sla) ?? 0) > 0) {
        ctx.addIssue({ code: 'custom', path: ['departments', i, 'sla'], message: "a department's SLA cannot exceed the case SLA" });
      }
    });
  });

export type OneStopTemplate = z.infer<typeof OneStopTemplate>;
