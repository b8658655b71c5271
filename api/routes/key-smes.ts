/**
 * Key-SME list routes (admin): list, add or update one, remove one, import many (a JSON array or a
 * CSV file, all or nothing), and one entry's change log. Supervisors and auditors may read; caseworkers
 * and applicants (their own enterprise) may read one entry, to see a case's priority as it is opened.
 */
import { z } from 'zod';
import { getKeySme, importKeySmes, keySmeHistory, listKeySmes, removeKeySme, upsertKeySme } from '../../db/key-smes.js';
import type { Pool } from '../../db/pool.js';
import { csvRows, KeySmeName, KeySmeReason, KeySmeRow, MAX_IMPORT_ROWS, tooMany, validateRows } from '../key-sme-import.js';
import { permits } from '../access-policy.js';
import { badRequest, forbidden, notFound, Problem } from '../problem.js';
import type { Routes } from '../route.js';
import { CreditCode } from '../schemas.js';

const KeySmeBody = z.strictObject({ name: KeySmeName, reason: KeySmeReason }).meta({ id: 'KeySmeEntry' });
const CreditCodeParam = z.strictObject({ creditCode: CreditCode });

/** What the import route accepts before it looks at the rows: a JSON array, or the text of a CSV file. */
const ImportBody = z
  .union([z.array(z.unknown()), z.string()])
  .optional()
  .meta({ description: `an array of { creditCode, name, reason } (application/json), at most ${MAX_IMPORT_ROWS}` });

const KeySmeSchema = z
  .object({
    creditCode: z.string(),
    name: z.string(),
    reason: z.string(),
    addedBy: z.string(),
    addedAt: z.iso.datetime(),
    updatedBy: z.string().nullable(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'KeySme' });
const KeySmeChangeSchema = z
  .object({
    id: z.number().int(),
    creditCode: z.string(),
    action: z.enum(['added', 'updated', 'removed', 'imported']),
    name: z.string(),
    reason: z.string(),
    changedBy: z.string(),
    changedAt: z.iso.datetime(),
  })
  .meta({ id: 'KeySmeChange' });
const ImportResultSchema = z
  .object({
    added: z.number().int().meta({ description: 'codes that were not listed before' }),
    updated: z.number().int().meta({ description: 'codes already listed, whose name and reason were replaced' }),
    total: z.number().int().meta({ description: 'entries on the list after the import' }),
  })
  .meta({ id: 'KeySmeImportResult' });

export function keySmeRoutes(routes: Routes, pool: Pool): void {
  routes.add({
    method: 'get',
    path: '/v1/key-smes',
    summary: 'The key-SME list, by credit code',
    tag: 'key-smes',
    responses: { 200: { description: 'Every listed enterprise', schema: z.array(KeySmeSchema) } },
    handler: async () => ({ body: await listKeySmes(pool) }),
  });

  routes.add({
    method: 'get',
    path: '/v1/key-smes/:creditCode',
    summary: 'One listed enterprise',
    tag: 'key-smes',
    params: CreditCodeParam,
    responses: { 200: { description: 'The entry', schema: KeySmeSchema }, 404: { description: 'Not listed' } },
    handler: async ({ params, actor }) => {
      // The table admits applicants for their own enterprise only; there is no case to hide, so another's is 403.
      if (!permits('GET /v1/key-smes/:creditCode', actor, { creditCode: params.creditCode, openingDept: null, taskDepts: [] })) {
        throw forbidden('an applicant may look up only its own enterprise');
      }
      const entry = await getKeySme(pool, params.creditCode);
      if (!entry) throw notFound(`${params.creditCode} is not on the key-SME list`);
      return { body: entry };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/key-smes/:creditCode/history',
    summary: "Every change to one credit code's entry, oldest first (kept after removal)",
    tag: 'key-smes',
    params: CreditCodeParam,
    responses: { 200: { description: 'The changes; empty if the code was never listed', schema: z.array(KeySmeChangeSchema) } },
    handler: async ({ params }) => ({ body: await keySmeHistory(pool, params.creditCode) }),
  });

  routes.add({
    method: 'put',
    path: '/v1/key-smes/:creditCode',
    summary: 'List an enterprise (201), or replace the name and reason of a listed one (200)',
    tag: 'key-smes',
    params: CreditCodeParam,
    body: KeySmeBody,
    responses: { 200: { description: 'Updated', schema: KeySmeSchema }, 201: { description: 'Listed', schema: KeySmeSchema } },
    handler: async ({ params, body, actor }) => {
      const { entry, created } = await upsertKeySme(pool, { creditCode: params.creditCode, ...body }, actor.sub);
      return created ? { status: 201, body: entry, headers: { Location: `/v1/key-smes/${entry.creditCode}` } } : { status: 200, body: entry };
    },
  });

  routes.add({
    method: 'delete',
    path: '/v1/key-smes/:creditCode',
    summary: 'Take an enterprise off the list (cases already open keep their priority)',
    tag: 'key-smes',
    params: CreditCodeParam,
    responses: { 204: { description: 'Removed' }, 404: { description: 'Not listed' } },
    handler: async ({ params, actor }) => {
      if (!(await removeKeySme(pool, params.creditCode, actor.sub))) throw notFound(`${params.creditCode} is not on the key-SME list`);
      return { status: 204, body: undefined };
    },
  });

  routes.add({
    method: 'post',
    path: '/v1/key-smes/import',
    summary: 'Add or update many entries at once, all or nothing: a JSON array, or CSV (text/csv) with the header creditCode,name,reason',
    tag: 'key-smes',
    limit: 'import',
    body: ImportBody,
    documentedBody: z
      .array(KeySmeRow)
      .min(1)
      .max(MAX_IMPORT_ROWS)
      .meta({ description: `at most ${MAX_IMPORT_ROWS} rows; each credit code at most once (a repeated code is 400, like any bad row)` }),
    extraBodyTypes: ['text/csv'],
    responses: {
      200: { description: 'Imported: how many were added and updated, and the size of the list', schema: ImportResultSchema },
      415: { description: 'Neither application/json nor text/csv' },
    },
    handler: async ({ body, actor, req }) => {
      if (body === undefined) {
        if (req.is(['application/json', 'text/csv'])) throw badRequest('the body is empty; nothing was imported');
        throw new Problem(415, 'send a JSON array (application/json) or a CSV file (text/csv) with the header creditCode,name,reason');
      }
      let raw: { value: unknown; where: string; error?: string }[];
      if (typeof body === 'string') {
        raw = csvRows(body);
      } else {
        if (body.length > MAX_IMPORT_ROWS) throw tooMany(body.length);
        raw = body.map((value, i) => ({ value, where: `[${i}]` }));
      }
      if (raw.length === 0) throw badRequest('there are no rows to import');
      const { rows, errors } = validateRows(raw);
      if (errors.length) {
        throw badRequest(`${errors.length} of ${raw.length} rows are invalid; nothing was imported`, errors);
      }
      return { body: await importKeySmes(pool, rows, actor.sub) };
    },
  });
}
