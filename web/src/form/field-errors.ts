/**
 * The server's field errors (RFC 9457 `errors[]`) handed to the fields they belong to, so each shows
 * its own beside it. The API names a field by where it is in the request, `body.details.claimedAmount.amount`
 * (zod's issues), or by a JSON pointer into the body, `/calendar` (its own checks): both are read here.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiProblem } from '../api/client';

export type FieldErrors = { path: string; message: string }[];
export type Segment = string | number;

export const FieldErrorsContext = createContext<FieldErrors>([]);

/** A field's path as the server's dotted paths name it: `body.details.products.0.name`. */
export const pathOf = (parts: Segment[]) => parts.join('.');

/** An error's path in the dotted form: a JSON pointer `/departments/0/sla` is `body.departments.0.sla`. */
function dotted(apiPath: string): string {
  if (!apiPath.startsWith('/')) return apiPath;
  const segments = apiPath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return pathOf(['body', ...segments]);
}

/** The field errors of a refusal (none for anything else). */
export function fieldErrorsOf(error: unknown): FieldErrors {
  return error instanceof ApiProblem ? (error.problem.errors ?? []) : [];
}

/**
 * The messages at `path`, and with `within` also those below it (money: its amount and currency are
 * one control; a list of choices: its items).
 */
export function useFieldErrors(path: string, within = false): string[] {
  const errors = useContext(FieldErrorsContext);
  return errors
    .filter((e) => {
      const at = dotted(e.path);
      return at === path || (within && at.startsWith(`${path}.`));
    })
    .map((e) => e.message);
}

/** The value at a path of segments (strings, as paths are split) in a JSON value. */
function valueAt(value: unknown, segments: string[]): unknown {
  return segments.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), value);
}

/**
 * The errors of a refused value whose fields still hold what was refused: a field edited since drops
 * its error. `root` is where the value sits in the request (['body']); errors elsewhere are kept.
 */
export function stillRefused(errors: FieldErrors, root: Segment[], refused: unknown, now: unknown, equal: (a: unknown, b: unknown) => boolean): FieldErrors {
  const prefix = root.map(String);
  return errors.filter((e) => {
    const segments = dotted(e.path).split('.');
    if (!prefix.every((p, i) => segments[i] === p)) return true;
    const rest = segments.slice(prefix.length);
    return equal(valueAt(refused, rest), valueAt(now, rest));
  });
}
