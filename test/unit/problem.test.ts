import { z } from 'zod';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { Problem, badRequest, fromZod, toProblem } from '../../api/problem.js';

const zodError = (schema: z.ZodType, value: unknown): z.ZodError => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a zod error');
  return r.error;
};

const Body = z.strictObject({
  applicant: z.strictObject({ name: z.string().min(1), contact: z.strictObject({ email: z.string() }) }),
  documents: z.array(z.strictObject({ ref: z.string() })),
});

describe('fromZod', () => {
  it('is a 400 whose errors[].path is prefixed by where', () => {
    const err = zodError(Body, { applicant: { name: '', contact: {} }, documents: [{ ref: 1 }], extra: true });
    const p = fromZod(err, 'body');
    expect(p).toBeInstanceOf(Problem);
    expect(p.status).toBe(400);
    const paths = p.errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.applicant.name', 'body.applicant.contact.email', 'body.documents.0.ref', 'body']));
    expect(p.errors).toHaveLength(4);
    for (const e of p.errors ?? []) expect(e.message).toEqual(expect.any(String));
    expect(p.detail).toMatch(/^the body is invalid: /);
    expect(p.detail).toContain('body.applicant.name');
  });

  it('a root-level issue has just where as its path', () => {
    const p = fromZod(zodError(z.string(), 42), 'query');
    expect(p.errors).toEqual([{ path: 'query', message: expect.any(String) }]);
  });

  it('caps the detail length', () => {
    const many = z.array(z.string());
    const p = fromZod(
      zodError(
        many,
        Array.from({ length: 500 }, (_, i) => i),
      ),
      'body',
    );
    expect(p.errors).toHaveLength(500);
    expect(p.detail.length).toBeLessThanOrEqual(1000);
  });

  it('renders as an RFC 9457 body', () => {
    const body = fromZod(zodError(z.strictObject({ a: z.number() }), {}), 'body').body('/v1/cases');
    expect(body).toEqual({
      type: 'https://onestop.dev/problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      detail: expect.any(String),
      instance: '/v1/cases',
      errors: [{ path: 'body.a', message: expect.any(String) }],
    });
  });
});

describe('toProblem', () => {
  it('passes a Problem through', () => {
    const p = badRequest('nope');
    expect(toProblem(p)).toBe(p);
  });

  it('a zod error is a 400 with paths under "request"', () => {
    const p = toProblem(zodError(z.strictObject({ a: z.number() }), { a: 'x' }));
    expect(p.status).toBe(400);
    expect(p.errors).toEqual([{ path: 'request.a', message: expect.any(String) }]);
  });

  it('body-parser: entity.too.large is 413', () => {
    const err = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, statusCode: 413, expose: true });
    const p = toProblem(err);
    expect(p.status).toBe(413);
    expect(p.body().title).toBe('Request body too large');
  });

  it('body-parser: entity.parse.failed is 400', () => {
    const err = Object.assign(new SyntaxError('Unexpected token } in JSON at position 12'), { type: 'entity.parse.failed', status: 400, body: '{"a":}' });
    const p = toProblem(err);
    expect(p.status).toBe(400);
    expect(p.detail).toBe('the request body is not valid JSON');
    expect(p.detail).not.toContain('Unexpected token');
  });

  it('body-parser: unsupported encoding/charset is 415; other 4xx keep their status', () => {
    expect(toProblem({ type: 'encoding.unsupported', status: 415 }).status).toBe(415);
    expect(toProblem({ type: 'charset.unsupported', status: 415 }).status).toBe(415);
    expect(toProblem({ type: 'request.aborted', status: 400 }).status).toBe(400);
    expect(toProblem({ type: 'parameters.too.many', status: 413 }).status).toBe(413);
  });

  it('a body-parser-like error with a 5xx status is a generic 500', () => {
    const p = toProblem({ type: 'stream.not.readable', status: 500, message: 'stream is not readable' });
    expect(p.status).toBe(500);
    expect(p.detail).not.toContain('stream');
  });

  it('a missing workflow is a 404', () => {
    expect(toProblem(new WorkflowNotFoundError('not found', 'case-1', undefined)).status).toBe(404);
  });

  it('an unknown Error is a 500 with a generic detail that leaks nothing', () => {
    const secret = 'password authentication failed for user "onestop" at 10.0.0.5:5432';
    const p = toProblem(new Error(secret));
    expect(p.status).toBe(500);
    expect(p.detail).toBe('an unexpected error occurred; it has been logged');
    expect(JSON.stringify(p.body('/v1/cases'))).not.toContain('password');
    expect(p.body().type).toBe('https://onestop.dev/problems/internal');
  });

  it.each([undefined, null, 'a string', 42, {}, { status: 400 }, { type: 'entity.too.large' }, ApplicationFailure.create({ message: 'x', type: 'Conflict' })])(
    'a non-error or unrecognised value %# is a 500',
    (v) => {
      expect(toProblem(v).status).toBe(500);
    },
  );
});
