/**
 * Request and response schemas of the HTTP API (zod), used to validate and to generate the
 * OpenAPI document. Request bodies are strict: an unknown field is refused, not ignored.
 */
import { z } from 'zod';
import { isValidCreditCode } from '../common/credit-code.js';
import { CASE_KINDS, CASE_STATUSES, CLOSED_STATUSES } from '../processes/registry.js';
import { DECISION_OUTCOMES, ESCALATION_ACTIONS, OBLIGATION_STATUSES, TASK_STATUSES, type CaseView, type InboxTask, type TaskView } from '../common/types.js';
import { Money, Slug, Text } from '../templates/schema.js';
import { DocumentRef, FiledDocumentSchema } from '../common/document-schema.js';

/** Template versions are PostgreSQL integers. */
const MAX_VERSION = 2_147_483_647;

export const CreditCode = z
  .string()
  .regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, '18 characters: digits and capitals except I, O, S, V, Z')
  .refine(isValidCreditCode, 'check character does not match (GB 32100-2015)')
  .meta({ description: 'Unified social credit code (GB 32100-2015), check character verified', example: '91350100M000100Y43' });

export const Applicant = z
  .strictObject({
    creditCode: CreditCode,
    name: Text(200),
    contact: z.strictObject({
      name: Text(100),
      phone: z.string().regex(/^\+?[0-9 ()-]{5,20}$/, 'a telephone number'),
      email: z.email().max(200),
    }),
  })
  .meta({ id: 'Applicant' });

export const OpenCaseBody = z
  .strictObject({
    templateId: Slug.meta({ example: 'epidemic-supplies-project' }),
    templateVersion: z.number().int().positive().max(MAX_VERSION).optional(),
    applicant: Applicant,
    // Documents are uploaded first and named here by digest (`documents`): the details travel in
    // every workflow payload and projection, so they stay small (64 KB of JSON).
    details: z
      .record(z.string().max(100), z.unknown())
      .default({})
      .refine((d) => JSON.stringify(d).length <= 65_536, 'details may hold at most 64 KB of JSON; attach documents by reference')
      .meta({ description: 'what the applicant files; per process kind' }),
    documents: z.array(DocumentRef).max(50).default([]).meta({ description: 'documents filed with the opening, uploaded first (POST /v1/documents)' }),
  })
  .meta({ id: 'OpenCase' });
export type OpenCaseBody = z.infer<typeof OpenCaseBody>;

const Comment = Text(4000);
const DecisionAmount = Money.meta({ description: 'claims: the proposed prepayment or the assessed amount, in integer minor units' });

/**
 * One shape per outcome, so that the document says what is enforced: a rejection needs a comment
 * (the reason), request-info the list of documents, and an amount goes only with approving.
 */
export const DecisionBody = z
  .discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('approve'), comment: Comment.optional(), amount: DecisionAmount.optional() }),
    z.strictObject({
      outcome: z.literal('reject'),
      comment: Text(4000, 'a rejection needs a comment giving the reason'),
    }),
    z.strictObject({
      outcome: z.literal('request-info'),
      comment: Comment.optional(),
      requestedDocuments: z.array(Text(200)).min(1, 'request-info needs the list of documents asked for').max(50),
    }),
  ])
  .meta({ id: 'Decision' });
export type DecisionBody = z.infer<typeof DecisionBody>;

export const SupplementBody = z
  .strictObject({
    documents: z.array(DocumentRef).min(1, 'a supplement supplies at least one document').max(50).meta({ description: 'uploaded first (POST /v1/documents)' }),
    note: Text(4000).optional(),
  })
  .meta({ id: 'Supplement' });

export const WithdrawBody = z.strictObject({ reason: Text(2000) }).meta({ id: 'Withdrawal' });

export const CaseIdParam = z.strictObject({ caseId: z.string().regex(/^case-[0-9a-f-]{36}$/, 'a case id') });
export const TaskIdSchema = z.string().regex(/^[a-z0-9:-]{1,130}$/, 'a task id');
export const TaskParam = CaseIdParam.extend({ taskId: TaskIdSchema });
export const TemplateIdParam = z.strictObject({ id: Slug });

export const AssignBody = z
  .strictObject({ assignee: Text(200).meta({ description: 'the subject (sub) of the officer' }), assigneeName: Text(200).optional() })
  .meta({ id: 'Assignment' });

export const CommentBody = z.strictObject({ text: Text(4000), taskId: TaskIdSchema.optional() }).meta({ id: 'Comment' });

export const TemplateVersionQuery = z.strictObject({ version: z.coerce.number().int().positive().max(MAX_VERSION).optional() });

// ---- responses -----------------------------------------------------------------------------

const Iso = z.string().meta({ format: 'date-time' });
// A nullable reference is written as a union: zod-to-openapi renders `.nullable()` on a $ref as an allOf that rejects null.
const MoneyOut = z.object({ amount: z.number().int(), currency: z.string() }).meta({ id: 'Money' });

export const TaskSchema = z
  .object({
    taskId: z.string(),
    dept: z.string(),
    title: z.string(),
    status: z.enum(TASK_STATUSES),
    openedAt: Iso,
    dueAt: Iso.meta({
      description: 'moves later by every stop of the clock after the task opened; a decided task keeps the due date in force at its decision',
    }),
    outcome: z.enum([...DECISION_OUTCOMES, 'deemed-approved']).nullable(),
    decidedBy: z.string().nullable(),
    decidedByName: z.string().nullable(),
    decidedAt: Iso.nullable(),
    decidedNetMs: z
      .number()
      .int()
      .nullable()
      .meta({ description: "time from the task's opening to its decision, with the case's clock stops taken out; null until decided" }),
    comment: z.string().nullable(),
    requestedDocuments: z.array(z.string()),
    escalationLevel: z.number().int(),
    slaMs: z.number().int().meta({ description: "the task's SLA length in milliseconds" }),
    remainingMs: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'time left on an open task (constant while the clock is stopped); null once decided or cancelled' }),
    assignee: z.string().nullable().meta({ description: 'the officer who holds the task (claimed or assigned)' }),
    assigneeName: z.string().nullable(),
  })
  .meta({ id: 'Task' });

export const IncidentSchema = z
  .object({
    activity: z.string().describe('The activity that failed'),
    code: z.string().describe("PostgreSQL's SQLSTATE (22P02), or the failure type"),
    reason: z.string().describe("Why, quoting none of the case's data"),
    since: Iso,
    attempts: z.number().int().describe('Failures of this incident: the first and each retry that failed again'),
  })
  .meta({ id: 'Incident' });

export const CaseSchema = z
  .object({
    caseId: z.string(),
    number: z.string().meta({ description: 'the case number people read and say, e.g. SA-2026-000123 (the case id for a case opened before numbers)' }),
    templateId: z.string(),
    templateVersion: z.number().int(),
    kind: z.enum(CASE_KINDS),
    title: z.string(),
    status: z.enum(CASE_STATUSES),
    priority: z.boolean(),
    openedAt: Iso,
    openedBy: z.string(),
    openedByName: z.string(),
    openedByDept: z.string().nullable().optional().meta({ description: 'department of the caseworker who opened the case; null when the applicant did' }),
    closedAt: Iso.nullable(),
    applicant: z.object({
      creditCode: z.string(),
      name: z.string(),
      contact: z
        .object({ name: z.string(), phone: z.string(), email: z.string() })
        .optional()
        .meta({ description: 'the contact person: shown to the departments on the case and to auditors only' }),
    }),
    details: z.record(z.string(), z.unknown()),
    documents: z.array(FiledDocumentSchema).meta({ description: 'the documents filed with the opening' }),
    sla: z.object({
      deadlineAt: Iso,
      paused: z.boolean(),
      pausedMs: z.number().int(),
      breached: z.boolean(),
      breachedAt: Iso.nullable(),
      supplementDueAt: Iso.nullable().meta({
        description: "while the case waits for a supplement: the date by which the applicant must supply it (the template's supplementWithin)",
      }),
      calendar: z
        .object({ id: z.string(), version: z.number().int() })
        .nullable()
        .meta({ description: "the calendar version the case's working time is counted on, pinned when it opened; null when it counts wall-clock time only" }),
    }),
    tasks: z.array(TaskSchema),
    escalations: z.array(z.object({ at: Iso, taskId: z.string(), action: z.enum(ESCALATION_ACTIONS), level: z.number().int() })),
    supplements: z.array(
      z.object({
        at: Iso,
        by: z.string(),
        byName: z.string(),
        documents: z.array(FiledDocumentSchema),
        note: z.string().nullable(),
        pausedMs: z.number().int(),
      }),
    ),
    comments: z
      .array(z.object({ at: Iso, by: z.string(), byName: z.string(), text: z.string(), taskId: z.string().nullable() }))
      .meta({ description: 'internal notes: shown to the departments on the case and auditors (empty for applicants)' }),
    decision: z
      .object({
        status: z.enum(CLOSED_STATUSES),
        number: z.string().nullable(),
        at: Iso,
        by: z.string(),
        reasons: z.array(z.object({ taskId: z.string().nullable(), reason: z.string() })),
        followUps: z.array(z.object({ dept: z.string(), title: z.string() })),
      })
      .nullable(),
    pledge: z.object({ signedBy: z.string(), text: z.string(), signedAt: Iso }).optional(),
    permit: z.object({ number: z.string().nullable(), issuedAt: Iso }).nullable().optional(),
    obligations: z
      .array(
        z.object({
          qualification: z.string(),
          dept: z.string(),
          title: z.string(),
          due: z.string(),
          status: z.enum(OBLIGATION_STATUSES),
          dueAt: Iso.nullable(),
          overdueAt: Iso.nullable(),
          remindersSent: z.array(z.object({ at: Iso, before: z.string() })),
          rejectionReason: z.string().nullable(),
          filings: z.array(
            z.object({
              number: z.string(),
              issuer: z.string(),
              issuedAt: z.string(),
              document: FiledDocumentSchema,
              filedAt: Iso,
              filedBy: z.string(),
              outcome: z.enum(['pending', 'verified', 'rejected']),
              decidedBy: z.string().nullable(),
              decidedAt: Iso.nullable(),
              reason: z.string().nullable(),
            }),
          ),
        }),
      )
      .optional(),
    suspensions: z.array(z.object({ at: Iso, reason: z.string(), revokeAt: Iso, reinstatedAt: Iso.nullable() })).optional(),
    acceptedAt: Iso.nullable().optional(),
    prepayment: z
      .object({
        cap: MoneyOut,
        proposed: z.union([MoneyOut, z.null()]),
        proposedBy: z.string().nullable(),
        approvedBy: z.string().nullable(),
        declined: z.boolean(),
      })
      .optional(),
    payments: z
      .array(
        z.object({
          paymentId: z.string(),
          caseId: z.string(),
          purpose: z.enum(['prepayment', 'settlement']),
          amount: MoneyOut,
          payee: z.object({ creditCode: z.string(), name: z.string() }),
          paidAt: Iso,
          reference: z.string(),
        }),
      )
      .optional(),
    settlement: z
      .object({
        assessed: MoneyOut,
        prepaid: MoneyOut,
        remainder: MoneyOut,
        recovery: z.object({ recoveryId: z.string(), caseId: z.string(), amount: MoneyOut, reason: z.string(), recordedAt: Iso }).nullable(),
      })
      .nullable()
      .optional(),
    incident: IncidentSchema.optional().describe('Only while the case is stopped on an incident (read live; admins list them at /v1/incidents)'),
  })
  .meta({ id: 'Case' });

export const InboxTaskSchema = z
  .object({
    caseId: z.string(),
    caseNumber: z.string().meta({ description: "the case's number (Case.number)" }),
    taskId: z.string(),
    title: z.string(),
    dept: z.string(),
    dueAt: Iso.meta({ description: 'due date; while the clock is stopped, the due date if it restarted now' }),
    remainingMs: z.number().int().meta({ description: 'time left (negative once overdue); constant while the clock is stopped' }),
    paused: z.boolean(),
    escalationLevel: z.number().int(),
    escalation: z
      .object({ level: z.number().int(), action: z.enum(ESCALATION_ACTIONS), at: Iso })
      .nullable()
      .meta({ description: "the highest step of the task's escalation ladder reached since the task (last) opened" }),
    assignee: z.string().nullable(),
    assigneeName: z.string().nullable(),
    caseTitle: z.string(),
    applicantName: z.string(),
    priority: z.boolean(),
    breached: z.boolean(),
    templateId: z.string(),
    openedAt: Iso,
    slaMs: z.number().int(),
  })
  .meta({ id: 'InboxTask' });

export const TaskListSchema = z.object({ items: z.array(InboxTaskSchema), nextCursor: z.string().nullable() }).meta({ id: 'TaskList' });

export const CaseListSchema = z.object({ items: z.array(CaseSchema), nextCursor: z.string().nullable() }).meta({ id: 'CaseList' });

export const TimelineEntrySchema = z
  .object({
    at: Iso,
    type: z.string(),
    actor: z.object({ sub: z.string(), name: z.string(), roles: z.array(z.string()), dept: z.string().optional() }).optional(),
    taskId: z.string().optional(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineEntry' });

export const TemplateSummarySchema = z
  .object({ id: z.string(), version: z.number().int(), kind: z.string(), title: z.string() })
  .meta({ id: 'TemplateSummary' });

// ---- the contract and the view, tied -------------------------------------------------------
// The case view is built by the workflow (common/types.ts) and published by these schemas. These
// compile-time checks fail the build when a field is added to one and not the other, or when their
// types stop fitting each other, so the contract cannot silently miss part of the view.
type KeysMatch<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : { onlyInFirst: Exclude<keyof A, keyof B>; onlyInSecond: Exclude<keyof B, keyof A> };
type Fits<A, B> = [A] extends [B] ? true : false;
type CaseOut = z.infer<typeof CaseSchema>;
type TaskOut = z.infer<typeof TaskSchema>;
type InboxOut = z.infer<typeof InboxTaskSchema>;
export const VIEW_MATCHES_CONTRACT: {
  caseKeys: KeysMatch<CaseView, CaseOut>;
  taskKeys: KeysMatch<TaskView, TaskOut>;
  viewFitsContract: Fits<CaseView, CaseOut>;
  taskFitsContract: Fits<TaskView, TaskOut>;
  inboxKeys: KeysMatch<InboxTask, InboxOut>;
  inboxFitsContract: Fits<InboxTask, InboxOut>;
} = { caseKeys: true, taskKeys: true, viewFitsContract: true, taskFitsContract: true, inboxKeys: true, inboxFitsContract: true };
