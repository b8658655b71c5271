/**
 * The admin forms' common pieces: the API's field errors by path, and a labelled control that shows
 * its own errors (so a 400 is read where it happened, and the form keeps what was typed).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiProblem } from '../../api/client';

/** Field errors keyed by path, without the part of the request they are in: `departments.0.sla`. */
export type FieldErrors = Record<string, string[]>;

/**
 * The API writes zod issues as `body.departments.0.sla` or `path.creditCode` (where in the request,
 * then the field) and its own checks as JSON pointers into the body (`/calendar`); both become
 * `departments.0.sla` / `creditCode` / `calendar`.
 */
function fieldPath(apiPath: string): string {
  if (apiPath.startsWith('/')) return apiPath.slice(1).split('/').join('.');
  const parts = apiPath.split('.');
  if (['body', 'path', 'query', 'headers'].includes(parts[0] ?? '')) parts.shift();
  return parts.join('.');
}

export function fieldErrors(error: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ApiProblem) || error.status !== 400) return out;
  for (const e of error.problem.errors ?? []) (out[fieldPath(e.path)] ??= []).push(e.message);
  return out;
}

/** Errors at `path` and below it (a list's field shows its items' errors: `holidays.3`). */
export function errorsUnder(errors: FieldErrors, path: string): string[] {
  return Object.entries(errors).flatMap(([p, msgs]) => (p === path || p.startsWith(`${path}.`) ? msgs : []));
}

let serial = 0;
/** A serial id for a control and its hint and error lines. */
function useFieldId(): string {
  const [id] = useState(() => `af${++serial}`);
  return id;
}

interface ControlAttrs {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
}

/** A label, its control, a hint and the API's errors for it (linked to the control for screen readers). */
export function CheckedField({
  label,
  hint,
  errors = [],
  render,
}: {
  label: ComponentChildren;
  hint?: string;
  errors?: string[];
  render: (a: ControlAttrs) => ComponentChildren;
}) {
  const id = useFieldId();
  const described = [hint ? `${id}-hint` : '', errors.length ? `${id}-err` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${errors.length ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {render({ id, ...(described ? { 'aria-describedby': described } : {}), ...(errors.length ? { 'aria-invalid': 'true' } : {}) })}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      <FieldErrorLines id={`${id}-err`} errors={errors} />
    </div>
  );
}

export function FieldErrorLines({ id, errors }: { id?: string; errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <ul class="field-errors" id={id}>
      {errors.map((e, i) => (
        <li key={i}>{e}</li>
      ))}
    </ul>
  );
}

/** The text of an input or textarea an event came from. */
export const inputText = (e: Event): string => (e.target as HTMLInputElement).value;
