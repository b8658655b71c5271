/**
 * The frames every control of the form sits in: a labelled row (label, control, hint, the server's
 * errors) and a group (fieldset and legend). Required fields carry a visible mark; the control itself
 * is `required`, which is what screen readers announce.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { m } from './messages';

let serial = 0;
/** An id that stays the same for the component's life. */
export function useId(prefix: string): string {
  const [id] = useState(() => `${prefix}${++serial}`);
  return id;
}

export const RequiredMark = ({ required }: { required: boolean }) =>
  required ? (
    <span class="required-mark" title={m('required')} aria-hidden="true">
      {' *'}
    </span>
  ) : null;

export function FieldMessages({ id, errors }: { id: string; errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <small id={id} class="field-error">
      {errors.join(' ')}
    </small>
  );
}

/** What a control needs to be named, described and marked invalid. */
export interface ControlProps {
  id: string;
  required: boolean;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true';
  /** The field's path in the value (`departments.0.sla`): what tests and the diff call it. */
  'data-path'?: string;
}

export function Row({
  label,
  hint,
  required,
  errors,
  path,
  render,
}: {
  label: string;
  hint?: string;
  required: boolean;
  errors: string[];
  path?: string;
  render: (a: ControlProps) => ComponentChildren;
}) {
  const id = useId('in');
  const described = [hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      {/* The mark beside the label, not in it: the label names the control exactly. */}
      <span class="label-line">
        <label for={id}>{label}</label>
        <RequiredMark required={required} />
      </span>
      {render({
        id,
        required,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(errors.length ? { 'aria-invalid': 'true' as const } : {}),
        ...(path !== undefined ? { 'data-path': path } : {}),
      })}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      <FieldMessages id={`${id}-error`} errors={errors} />
    </div>
  );
}

export function Group({
  legend,
  hint,
  required = false,
  errors = [],
  class: className,
  path,
  children,
}: {
  legend: string;
  hint?: string;
  required?: boolean;
  errors?: string[];
  class?: string;
  path?: string;
  children: ComponentChildren;
}) {
  const id = useId('grp');
  const described = [hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <fieldset class={`form-group ${className ?? ''}`} data-path={path} aria-describedby={described || undefined}>
      <legend>
        {legend}
        <RequiredMark required={required} />
      </legend>
      {hint && (
        <small id={`${id}-hint`} class="hint">
          {hint}
        </small>
      )}
      <FieldMessages id={`${id}-error`} errors={errors} />
      {children}
    </fieldset>
  );
}
