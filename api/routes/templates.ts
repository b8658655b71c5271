/** Template routes: list, read (latest or a version), deploy a new immutable version (admin). */
import { z } from 'zod';
import { latestCalendar } from '../../db/calendars.js';
import { deployTemplate, getTemplate, listTemplates } from '../../db/templates.js';
import type { Pool } from '../../db/pool.js';
import { CASE_KINDS, detailsSchemaOf, processOf, Template } from '../../processes/registry.js';
import { badRequest, notFound } from '../problem.js';
import type { Routes } from '../route.js';
import { TemplateIdParam, TemplateSummarySchema, TemplateVersionQuery } from '../schemas.js';

/**
 * JSON Schema (draft 2020-12) of what a form fills in, from the zod schema the API validates with:
 * the input side (defaults optional), refinements that JSON Schema cannot state left to the server.
 */
const jsonSchemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

const JsonSchemaDocument = z.record(z.string(), z.unknown()).meta({ id: 'JsonSchema', description: 'a JSON Schema (draft 2020-12) document' });

const DetailsSchemaAnswer = z
  .object({ templateId: z.string(), version: z.number().int(), kind: z.enum(CASE_KINDS), title: z.string(), schema: JsonSchemaDocument })
  .meta({ id: 'DetailsSchema' });

const TemplateSchemasAnswer = z.array(z.object({ kind: z.enum(CASE_KINDS), schema: JsonSchemaDocument })).meta({ id: 'TemplateSchemas' });

const StoredTemplateSchema = z.record(z.string(), z.unknown()).meta({ id: 'StoredTemplate', description: 'the template as deployed, plus `version`' });

export function templateRoutes(routes: Routes, pool: Pool): void {
  routes.add({
    method: 'get',
    path: '/v1/templates',
    summary: 'List templates (latest version of each)',
    tag: 'templates',
    responses: { 200: { description: 'Templates', schema: z.array(TemplateSummarySchema) } },
    handler: async () => ({ body: await listTemplates(pool) }),
  });

  routes.add({
    method: 'get',
    path: '/v1/templates/:id',
    summary: 'Read a template: the latest version, or ?version=N',
    tag: 'templates',
    params: TemplateIdParam,
    query: TemplateVersionQuery,
    responses: { 200: { description: 'The template', schema: StoredTemplateSchema }, 404: { description: 'Unknown template or version' } },
    handler: async ({ params, query }) => {
      const t = await getTemplate(pool, params.id, query.version);
      if (!t) throw notFound(`no template ${params.id}${query.version ? ` version ${query.version}` : ''}`);
      return { body: { ...t.body, version: t.version, deployedBy: t.deployedBy, deployedAt: t.deployedAt } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/templates/:id/details-schema',
    summary: "What a case under this template files as `details`, as JSON Schema (the opening form's fields); the latest version, or ?version=N",
    tag: 'templates',
    params: TemplateIdParam,
    query: TemplateVersionQuery,
    responses: { 200: { description: 'The details schema', schema: DetailsSchemaAnswer }, 404: { description: 'Unknown template or version' } },
    handler: async ({ params, query }) => {
      const t = await getTemplate(pool, params.id, query.version);
      if (!t) throw notFound(`no template ${params.id}${query.version ? ` version ${query.version}` : ''}`);
      const template = Template.parse(t.body);
      return { body: { templateId: t.id, version: t.version, kind: template.kind, title: template.title, schema: jsonSchemaOf(detailsSchemaOf(template)) } };
    },
  });

  routes.add({
    method: 'get',
    path: '/v1/template-schemas',
    summary: "Each process's template schema as JSON Schema (the template editor's form); deploying validates with the same schemas",
    tag: 'templates',
    responses: { 200: { description: 'One schema per process kind', schema: TemplateSchemasAnswer } },
    handler: async () => ({ body: CASE_KINDS.map((kind) => ({ kind, schema: jsonSchemaOf(processOf(kind).template) })) }),
  });

  routes.add({
    method: 'post',
    path: '/v1/templates',
    summary: 'Deploy a template; an existing id gets its next version',
    tag: 'templates',
    body: Template,
    responses: {
      201: { description: 'Deployed', schema: z.object({ id: z.string(), version: z.number().int() }) },
      400: { description: 'Invalid template, or it names a calendar that is not deployed' },
    },
    handler: async ({ body, actor }) => {
      if (body.calendar && !(await latestCalendar(pool, body.calendar))) {
        throw badRequest('the template names a calendar that is not deployed', [
          { path: '/calendar', message: `no calendar ${body.calendar} (GET /v1/calendars lists them)` },
        ]);
      }
      const stored = await deployTemplate(pool, body, actor.sub);
      return { status: 201, body: { id: stored.id, version: stored.version }, headers: { Location: `/v1/templates/${stored.id}?version=${stored.version}` } };
    },
  });
}
