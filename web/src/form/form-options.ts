/**
 * What differs between the forms built from JSON Schema, given once at the form's root
 * (schema-form.tsx) and read by every field: where the value sits in the request, which is where the
 * server's error paths start, and whether fields are labelled by their JSON names.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { fieldLabel } from '../details';
import { currentLang } from '../i18n';
import type { Segment } from './field-errors';
import type { JsonSchema } from './json-schema';
import { m } from './messages';

export interface FormOptions {
  /** The value's place in the request: ['body', 'details'] for a case's details, ['body'] for a template. */
  root: Segment[];
  /** Label fields by their property names (a template's admin reads the same names in its JSON and its diff). */
  keyLabels: boolean;
}

export const FormOptionsContext = createContext<FormOptions>({ root: [], keyLabels: false });

export const useFormOptions = () => useContext(FormOptionsContext);

/** A field's label: its property name, or the schema's title in the page's language, else the name made readable. */
export function labelOf(name: string, s: JsonSchema, keyLabels: boolean): string {
  if (keyLabels) return name;
  const title = currentLang() === 'zh-CN' ? (s['x-title-zh-CN'] ?? s.title) : s.title;
  return title ?? fieldLabel(name);
}

/** The hint under a field: the schema's description and its default (what an absent value means). */
export function hintOf(s: JsonSchema): string | undefined {
  const parts = [s.description, s.default !== undefined ? m('defaultIs', { value: JSON.stringify(s.default) }) : undefined].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}
