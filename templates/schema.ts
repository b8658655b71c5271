/**
 * Process templates: data, validated here, interpreted by workflows.
 * The API validates a template with this schema before deploying it; workflows receive the
 * already-validated object and import only its *types* from this file (zod stays out of the bundle).
 */
import { z } from 'zod';
import { parseDuration } from '../common/duration.js';
import { ESCALATION_ACTIONS } from '../common/types.js';

/** Ids of templates, departments and tasks: readable, URL-safe, stable. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens')
  .max(64);

/**
 * A character JavaScript's String.prototype.trim keeps (not white space or a line terminator),
 * written out so that JSON Schema validators in other languages read the pattern alike.
 */
export const NOT_BLANK = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * Free text: at most `max` characters as sent, not blank; stored trimmed. The checks run on the
 * text as sent, so the published `maxLength` and `pattern` are exactly what is enforced.
 */
export const Text = (max: number, required = 'must not be empty or blank') =>
  z
    .string({ error: (i) => (i.input === undefined ? required : 'expected a string') })
    .min(1, { error: required, abort: true })
    .max(max, `at most ${max} characters`)
    .regex(NOT_BLANK, required)
    .trim();

/** No process of this engine runs longer than this; it also keeps every due date a valid Date. */
const MAX_DURATION_MS = 36_525 * 24 * 3600_000; // 100 years

export const IsoDuration = z
  .string()
  .regex(/^P(?:\d+W)?(?:\d+D)?(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$/, {
    error: 'an ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. PT48H, P60D, PT10S)',
    abort: true,
  })
  .refine((s) => {
    const ms = parseDuration(s);
    return ms !== undefined && ms > 0 && ms <= MAX_DURATION_MS;
  }, 'an ISO 8601 duration greater than zero and at most 100 years, in weeks, days, hours, minutes or seconds (e.g. PT48H, P60D, PT10S)');

export const EscalationStep = z.strictObject({
  at: z.number().gt(0).lte(1).describe("fraction of the task's SLA at which the step fires"),
  action: z.enum(ESCALATION_ACTIONS),
});

export const DEFAULT_LADDER: z.infer<typeof EscalationStep>[] = [
  { at: 0.5, action: 'reminder' },
  { at: 0.75, action: 'supervisor' },
  { at: 1, action: 'command-center' },
];

export const EscalationLadder = z
  .array(EscalationStep)
  .max(10)
  .refine((steps) => steps.every((s, i) => i === 0 || (steps[i - 1] as { at: number }).at < s.at), 'steps must be in strictly increasing order of `at`')
  .default(() => DEFAULT_LADDER.map((s) => ({ ...s })));

const Title = Text(200);

export const DepartmentReview = z.strictObject({
  dept: Slug,
  title: Title,
  sla: IsoDuration.optional().describe("the department's own SLA; defaults to the template's"),
});

export const FollowUp = z.strictObject({ dept: Slug, title: Title });

export const OneStopTemplate = z
  .strictObject({
    id: Slug,
    title: Title,
    kind: z.literal('one-stop-approval'),
    sla: IsoDuration,
    onDeadline: z.enum(['escalate', 'deem-approved']).default('escalate'),
    escalation: EscalationLadder,
    departments: z.array(DepartmentReview).min(1).max(50),
    followUps: z.array(FollowUp).max(20).default([]),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.departments.forEach((d, i) => {
      if (seen.has(d.dept)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'dept'], message: `department ${d.dept} appears twice` });
      seen.add(d.dept);
      if (d.sla && (parseDuration(d.sla) as number) > (parseDuration(t.sla) as number)) {
        ctx.addIssue({ code: 'custom', path: ['departments', i, 'sla'], message: "a department's SLA cannot exceed the case SLA" });
      }
    });
  });

const ms = (d: string) => parseDuration(d) as number;

export const Obligation = z.strictObject({
  qualification: Slug.describe('stable id of the missing qualification; the verification task is `verify:<qualification>`'),
  dept: Slug.describe('department that verifies the certificate'),
  title: Title,
  due: IsoDuration.describe('period from the provisional permit within which the certificate must be verified'),
});

export const ProduceFirstTemplate = z
  .strictObject({
    id: Slug,
    title: Title,
    kind: z.literal('produce-first-certify-later'),
    eligibility: z.strictObject({ dept: Slug, title: Title.default('Eligibility for production on a pledge'), sla: IsoDuration }),
    obligations: z.array(Obligation).min(1).max(50),
    reminders: z.array(IsoDuration).max(10).default(['P7D', 'P1D']).describe('reminders this long before each due date'),
    grace: IsoDuration.describe('after a due date passes unverified, how long until the permit is suspended'),
    revokeAfter: IsoDuration.describe('how long a suspension may last before the permit is revoked'),
    verificationSla: IsoDuration.default('P3D').describe('SLA of each verification task (its escalation ladder runs on it)'),
    escalation: EscalationLadder,
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.obligations.forEach((o, i) => {
      if (seen.has(o.qualification))
        ctx.addIssue({ code: 'custom', path: ['obligations', i, 'qualification'], message: `qualification ${o.qualification} appears twice` });
      seen.add(o.qualification);
    });
    const shortest = Math.min(...t.obligations.map((o) => ms(o.due)));
    t.reminders.forEach((r, i) => {
      if (ms(r) >= shortest) ctx.addIssue({ code: 'custom', path: ['reminders', i], message: 'a reminder must come before the shortest due period ends' });
    });
  });

/** ISO 4217 currency codes the runtime knows (Intl's list), e.g. CNY. */
export const Currency = z.enum(Intl.supportedValuesOf('currency') as [string, ...string[]], 'not an ISO 4217 currency code').meta({ example: 'CNY' });

/** Money as an integer count of minor units: a float or a negative amount is refused. */
export const Money = z.strictObject({
  amount: z.number().int('an integer count of minor units (e.g. fen), not a decimal').min(0, 'not negative').max(Number.MAX_SAFE_INTEGER),
  currency: Currency,
});

const TaskSpec = z.strictObject({ dept: Slug, sla: IsoDuration });

export const ClaimTemplate = z.strictObject({
  id: Slug,
  title: Title,
  kind: z.literal('claim-prepayment'),
  acknowledge: TaskSpec.describe('the claims desk accepts or rejects the claim'),
  prepayment: z.strictObject({
    dept: Slug,
    sla: IsoDuration.describe('from acceptance'),
    maxRatio: z.number().gt(0).lte(1).describe('the advance may not exceed this share of the claimed amount'),
    approvalThreshold: Money.describe('a proposal above this needs a second approver'),
    approverDept: Slug,
  }),
  assessment: TaskSpec,
  settlement: z.strictObject({ sla: IsoDuration.describe('from acceptance to settlement') }),
  escalation: EscalationLadder,
});

/** Every template kind; later kinds join this union. */
export const Template = z.discriminatedUnion('kind', [OneStopTemplate, ProduceFirstTemplate, ClaimTemplate]);

export type OneStopTemplate = z.infer<typeof OneStopTemplate>;
export type ProduceFirstTemplate = z.infer<typeof ProduceFirstTemplate>;
export type ClaimTemplate = z.infer<typeof ClaimTemplate>;
export type Template = z.infer<typeof Template>;
export type EscalationStep = z.infer<typeof EscalationStep>;
