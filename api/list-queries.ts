/**
 * The query parameters of the two lists, cases (GET /v1/cases) and the inbox (GET /v1/tasks): their
 * filters and keyset cursors (zod, as the rest of api/schemas.ts).
 */
import { z } from 'zod';
import { ESCALATION_ACTIONS } from '../common/types.js';
import { CASE_NUMBER } from '../db/case-numbers.js';
import { CASE_STATUSES } from '../processes/registry.js';
import { Slug, Text } from '../templates/schema.js';

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

const IsoInstant = z.iso.datetime({ offset: true }).meta({ description: 'an ISO 8601 date-time with Z or an offset' });

/**
 * A page cursor of the case list: `<priority 0|1>.<deadline, epoch milliseconds>.<case id>`, the
 * last case of the previous page (keyset pagination); every value of this form is a valid cursor.
 */
export const CaseCursorParam = z
  .string()
  .regex(/^[01]\.(?:0|[1-9][0-9]{0,12})\.case-[0-9a-f-]{36}$/, 'a cursor: the nextCursor of the previous page')
  .meta({
    description: "the previous page's `nextCursor`: `<priority 0|1>.<deadline in epoch ms>.<case id>`",
    example: '1.1580515200000.case-00000000-0000-4000-8000-000000000000',
  });

export const ListCasesQuery = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  templateId: Slug.optional(),
  dept: Slug.optional().meta({ description: 'cases with an open task of this department' }),
  involves: Slug.optional().meta({ description: 'cases in which this department has or had a task' }),
  applicant: Text(200).optional().meta({ description: "a credit code, or part of the applicant's name" }),
  number: z
    .string()
    .regex(CASE_NUMBER, 'a case number: prefix, year and counter, e.g. SA-2026-000123')
    .optional()
    .meta({ description: 'the case number, exactly', example: 'SA-2026-000123' }),
  openedAfter: IsoInstant.optional(),
  openedBefore: IsoInstant.optional(),
  breached: boolString.optional(),
  priority: boolString.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CaseCursorParam.optional(),
});

/**
 * A page cursor of the inbox: `<as of, epoch ms>.<priority 0|1>.<sort time, epoch ms>.<case id>.<task id>`,
 * the moment the first page was read (stopped tasks sort by now + remaining) and the last task of the
 * previous page; every value of this form is a valid cursor.
 */
export const InboxCursorParam = z
  .string()
  .regex(/^(?:0|[1-9][0-9]{0,12})\.[01]\.-?(?:0|[1-9][0-9]{0,12})\.case-[0-9a-f-]{36}\.[a-z0-9:-]{1,130}$/, 'a cursor: the nextCursor of the previous page')
  .meta({
    description: "the previous page's `nextCursor`: `<as of, epoch ms>.<priority 0|1>.<sort time, epoch ms>.<case id>.<task id>`",
    example: '1764324000000.0.1764410400000.case-00000000-0000-4000-8000-000000000000.health',
  });

export const ListTasksQuery = z.strictObject({
  dept: Slug.optional().meta({ description: "the department (default: the caller's own; another is 403)" }),
  assignee: z.string().trim().min(1).max(200).optional().meta({ description: '`me`, `none`, or the subject of the officer who holds the task' }),
  templateId: Slug.optional(),
  priority: boolString.optional(),
  breached: boolString.optional(),
  paused: boolString.optional(),
  escalatedTo: z
    .enum(ESCALATION_ACTIONS)
    .optional()
    .meta({ description: 'tasks whose ladder has reached this action or a later one (reminder, supervisor, command-center) since the task opened' }),
  dueBefore: IsoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: InboxCursorParam.optional(),
});
