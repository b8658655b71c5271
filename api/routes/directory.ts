/**
 * The directory (admin): the e-mail addresses notifications go to — each department's mailbox (its
 * caseworkers' notices) and its supervisor's, and the command centre's under `command-center`.
 * The applicant's address is not here: it is the contact given when the case was opened.
 */
import { z } from 'zod';
import { COMMAND_CENTER_ENTRY } from '../../common/notifications.js';
import { deleteDirectoryEntry, getDirectoryEntry, listDirectory, putDirectoryEntry } from '../../db/directory.js';
import type { Pool } from '../../db/pool.js';
import { Slug } from '../../templates/schema.js';
import { claimWrite } from '../idempotent-write.js';
import { IdempotencyHeader } from '../idempotency-key.js';
import { notFound } from '../problem.js';
import type { Routes } from '../route.js';

/**
 * An address as mail servers take it in RCPT TO: an RFC 5322 dot-atom, `@`, a domain of at least two
 * labels. Written out as a pattern (not `format: email`, which admits quoted and other forms), so
 * that the document says exactly what is accepted.
 */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const Email = z
  .string()
  .max(200)
  .regex(new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})+$`), 'an e-mail address (name@domain.example)')
  .meta({ example: 'desk@health.gov.example' });

const DeptParam = z.strictObject({
  dept: Slug.meta({ description: `a department's slug, or \`${COMMAND_CENTER_ENTRY}\` for the command centre`, example: 'health' }),
});

const DirectoryBody = z
  .strictObject({
    email: Email.nullable()
      .default(null)
      .meta({ description: "the department's mailbox: notices to its caseworkers (for `command-center`, the command centre's address)" }),
    supervisorEmail: Email.nullable().default(null).meta({ description: "the department's supervisor (not used for `command-center`)" }),
  })
  .meta({ id: 'DirectoryEntryBody' });

const DirectoryEntrySchema = z
  .object({
    dept: z.string(),
    email: z.string().nullable(),
    supervisorEmail: z.string().nullable(),
    updatedBy: z.string(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'DirectoryEntry' });

const Replayed = { 'Idempotent-Replayed': 'true' };

export function directoryRoutes(routes: Routes, pool: Pool, idempotencyTtlMs: number): void {
  routes.add({
    method: 'get',
    path: '/v1/directory',
    summary: 'Where notifications go: every department entry and the command centre, by slug',
    tag: 'notifications',
    responses: { 200: { description: 'Every entry', schema: z.array(DirectoryEntrySchema) } },
    handler: async () => ({ body: await listDirectory(pool) }),
  });

  routes.add({
    method: 'get',
    path: '/v1/directory/:dept',
    summary: "One department's addresses (or the command centre's)",
    tag: 'notifications',
    params: DeptParam,
    responses: { 200: { description: 'The entry', schema: DirectoryEntrySchema }, 404: { description: 'No entry' } },
    handler: async ({ params }) => {
      const entry = await getDirectoryEntry(pool, params.dept);
      if (!entry) throw notFound(`the directory has no entry ${params.dept}`);
      return { body: entry };
    },
  });

  routes.add({
    method: 'put',
    path: '/v1/directory/:dept',
    summary: "Set a department's addresses (201 new entry, 200 replaced); honours Idempotency-Key",
    tag: 'notifications',
    params: DeptParam,
    body: DirectoryBody,
    headers: IdempotencyHeader,
    responses: {
      200: { description: 'Replaced (or a repeated Idempotency-Key: the entry as it is, nothing written)', schema: DirectoryEntrySchema },
      201: { description: 'Created', schema: DirectoryEntrySchema },
      404: { description: 'A repeated Idempotency-Key whose entry was removed since' },
      409: { description: 'Idempotency-Key reused for another request' },
    },
    handler: async ({ params, body, actor, req }) => {
      if ((await claimWrite(pool, idempotencyTtlMs, actor, req, `directory:${params.dept}`, { params, body })) === 'repeat') {
        // Answered from what is there now, without writing again (a later change is not undone).
        const entry = await getDirectoryEntry(pool, params.dept);
        if (!entry) throw notFound(`the directory entry ${params.dept} was removed after this Idempotency-Key's first request`);
        return { status: 200, body: entry, headers: Replayed };
      }
      const { entry, created } = await putDirectoryEntry(pool, { dept: params.dept, email: body.email, supervisorEmail: body.supervisorEmail }, actor.sub);
      return created ? { status: 201, body: entry, headers: { Location: `/v1/directory/${entry.dept}` } } : { status: 200, body: entry };
    },
  });

  routes.add({
    method: 'delete',
    path: '/v1/directory/:dept',
    summary: "Remove a department's entry (its notices then fail until it has one again)",
    tag: 'notifications',
    params: DeptParam,
    responses: { 204: { description: 'Removed' }, 404: { description: 'No entry' } },
    handler: async ({ params }) => {
      if (!(await deleteDirectoryEntry(pool, params.dept))) throw notFound(`the directory has no entry ${params.dept}`);
      return { status: 204, body: undefined };
    },
  });
}
