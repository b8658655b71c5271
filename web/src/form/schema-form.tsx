/**
 * A form over a JSON Schema, one for every place the web app has one: a case's details in the
 * opening form and a template in the template editor. It edits the JSON value itself and checks
 * nothing: the API validates with the zod schema the JSON Schema was made from, and its errors (from
 * FieldErrorsContext, which the page provides) are shown at their fields. What differs between the
 * two is said here once (form-options.ts).
 */
import type { Segment } from './field-errors';
import { FormOptionsContext } from './form-options';
import type { Json, JsonSchema } from './json-schema';
import { Properties, SchemaField } from './schema-field';
import './form.css';

export function SchemaForm({
  schema,
  value,
  onChange,
  root,
  label,
  keyLabels = false,
  disabled = false,
}: {
  schema: JsonSchema;
  value: unknown;
  onChange: (v: Json) => void;
  /** Where the value sits in the request: the server's error paths start there (['body', 'details']). */
  root: Segment[];
  /** The whole value's legend (a case's "Details"); without one its properties stand on their own (a template). */
  label?: string;
  keyLabels?: boolean;
  /** Shown, not edited (a supervisor reads a template): the fieldset disables every control in it. */
  disabled?: boolean;
}) {
  const change = (v: unknown) => onChange((v ?? {}) as Json);
  return (
    <FormOptionsContext.Provider value={{ root, keyLabels }}>
      <fieldset class="schema-fields plain" disabled={disabled}>
        {label ? (
          <SchemaField name="" label={label} schema={schema} required path={[]} value={value} onChange={change} />
        ) : (
          <Properties schema={schema} required path={[]} value={value} onChange={change} />
        )}
      </fieldset>
    </FormOptionsContext.Provider>
  );
}
