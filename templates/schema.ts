/**
 * The building blocks of every process's template schema (processes/<kind>/template.ts): ids, text,
 * periods in wall-clock or working time, the escalation ladder, money, and the rules every kind shares
 * (calendar, supplements, history budget). The union of all templates is the registry's
 * (processes/registry.ts).
 */
import { z } from 'zod';
import { isWorkingTime, parseDuration, type DurationSpec } from '../common/duration.js';
import { HISTORY_BUDGET_DEFAULTS } from '../common/history-budget.js';
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
 * A field's name in both languages, for the forms built from the published JSON Schema: `title`, and
 * `x-title-zh-CN` for the Chinese page (JSON Schema has one title; an `x-` keyword carries the other).
 */
export const named = (en: string, zh: string) => ({ title: en, 'x-title-zh-CN': zh });

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

/** Working time on the template's calendar: whole working days, or working hours. */
const WorkingDays = z.strictObject({
  workingDays: z.number().int().min(1).max(1000).describe("working days on the template's calendar; the day the period starts on does not count"),
});
const WorkingHours = z.strictObject({
  workingHours: z.number().gt(0).max(10_000).describe("working hours on the template's calendar, from the moment the period starts"),
});

/** A period: wall-clock time (ISO 8601) or working time counted on the template's `calendar`. */
export const Duration = z.union([IsoDuration, WorkingDays, WorkingHours]).meta({
  description: 'an ISO 8601 duration (wall-clock time, e.g. PT48H) or working time on the template calendar: { "workingDays": n } or { "workingHours": n }',
});

/**
 * The order of two periods when they are counted alike (both wall-clock, both working days, both
 * working hours); undefined when they are not, since a working day's length depends on the calendar.
 */
export function compareDurations(a: DurationSpec, b: DurationSpec): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') return (parseDuration(a) as number) - (parseDuration(b) as number);
  if (typeof a === 'object' && typeof b === 'object') {
    if ('workingDays' in a && 'workingDays' in b) return a.workingDays - b.workingDays;
    if ('workingHours' in a && 'workingHours' in b) return a.workingHours - b.workingHours;
  }
  return undefined;
}

/** What every kind states about time: its calendar, and how long an applicant has to supply information. */
const TimeRules = {
  calendar: Slug.optional().describe("the working-time calendar (GET /v1/calendars) that the template's working durations are counted on"),
  supplementWithin: Duration.optional().describe(
    'how long the applicant has to supply information a department asked for; default 10 working days on the calendar, or P14D without one',
  ),
  supplementReminders: z
    .array(Duration)
    .max(5)
    .optional()
    .describe('reminders to the applicant this long before the supplement date; default 2 working days on the calendar, or P2D without one'),
  onSupplementTimeout: z
    .enum(['abandon', 'resume'])
    .default('abandon')
    .describe('when the supplement date passes: close the case as abandoned, or restart the clocks without the documents'),
};

/**
 * How far a case's history may grow. Every process ends by itself, but some actions may be repeated
 * without limit: comments, claiming and releasing a task, asking for information again, filing a
 * certificate again. Each adds a few events and what it says; past either bound a case refuses those
 * actions (409) and takes only what moves it to its end (approvals, rejections, the supplement it
 * waits for, withdrawal, its deadlines), so no case can reach Temporal's limits (10,240 events is its
 * warning, 51,200 events or 50 MB the end of a run).
 */
export const HistoryBudget = z
  .strictObject({
    events: z.int().min(100).max(20_000).default(HISTORY_BUDGET_DEFAULTS.events).describe('events in the case history'),
    megabytes: z.number().min(1).max(25).default(HISTORY_BUDGET_DEFAULTS.megabytes).describe('size of the case history in MB (2^20 bytes)'),
  })
  .describe('past either bound the case refuses comments, task claims, releases and assignments, information requests and certificate filings');

/** The prefix of the template's case numbers (SA-2026-000123); default derived from the template id. */
export const NumberPrefix = z
  .string()
  .regex(/^[A-Z]{2,6}$/, '2 to 6 capital letters')
  .describe("the prefix of this template's case numbers, e.g. SA in SA-2026-000123; default: the initials of the template id");

/**
 * The default prefix: the initials of the id's words (`epidemic-supplies-project` → ESP), at most 6;
 * an id of one word gives its first three letters (`permits` → PER). Derived from the id alone, so
 * every version of a template numbers its cases in the same series.
 */
export function defaultNumberPrefix(templateId: string): string {
  const words = templateId.split('-').filter((w) => /^[a-z]/.test(w));
  const initials = words.map((w) => w[0] ?? '').join('');
  const letters = templateId.replace(/[^a-z]/g, '');
  const prefix = initials.length >= 2 ? initials.slice(0, 6) : letters.slice(0, 3);
  return prefix.length >= 2 ? prefix.toUpperCase() : 'CS';
}

/** What every kind's template states beside its own steps: time rules, the history budget, the case numbers' prefix. */
export const CaseRules = {
  ...TimeRules,
  historyBudget: HistoryBudget.optional(),
  numberPrefix: NumberPrefix.optional(),
};

/** Every period of a template that is counted in working time, with where it is. */
function workingDurations(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => workingDurations(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  if (isWorkingTime(value as DurationSpec) && ('workingDays' in value || 'workingHours' in value)) return [path];
  return Object.entries(value).flatMap(([k, v]) => workingDurations(v, [...path, k]));
}

/** Working time needs a calendar; reminders come before the supplement date. */
export function checkTimeRules(
  t: { calendar?: string | undefined; supplementWithin?: DurationSpec | undefined; supplementReminders?: DurationSpec[] | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!t.calendar) {
    for (const path of workingDurations(t)) ctx.addIssue({ code: 'custom', path, message: 'working time needs the template to name its `calendar`' });
  }
  t.supplementReminders?.forEach((r, i) => {
    const order = compareDurations(r, t.supplementWithin ?? (t.calendar ? { workingDays: 10 } : 'P14D'));
    if (order !== undefined && order >= 0)
      ctx.addIssue({ code: 'custom', path: ['supplementReminders', i], message: 'a reminder must come before the supplement date' });
  });
}

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

/** A template's or a task's title. */
export const Title = Text(200);

/** ISO 4217 currency codes the runtime knows (Intl's list), e.g. CNY. */
export const Currency = z.enum(Intl.supportedValuesOf('currency') as [string, ...string[]], 'not an ISO 4217 currency code').meta({ example: 'CNY' });

/** Money as an integer count of minor units: a float or a negative amount is refused. */
export const Money = z.strictObject({
  amount: z.number().int('an integer count of minor units (e.g. fen), not a decimal').min(0, 'not negative').max(Number.MAX_SAFE_INTEGER),
  currency: Currency,
});

export type EscalationStep = z.infer<typeof EscalationStep>;
