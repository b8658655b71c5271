/**
 * The server's field errors (RFC 9457 `errors[]`, paths such as `body.details.claimedAmount.amount`)
 * handed to the fields they belong to, so each shows its own beside it.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { ApiProblem } from '../api/client';

export type FieldErrors = { path: string; message: string }[];

export const FieldErrorsContext = createContext<FieldErrors>([]);

/** A field's path as the server names it: `body.details.products.0.name`. */
export const pathOf = (parts: (string | number)[]) => parts.join('.');

/** The field errors of a refusal (none for anything else). */
export function fieldErrorsOf(error: unknown): FieldErrors {
  return error instanceof ApiProblem ? (error.problem.errors ?? []) : [];
}

/**
 * The messages at `path`, and with `within` also those below it (money: its amount and currency are
 * one control).
 */
export function useFieldErrors(path: string, within = false): string[] {
  const errors = useContext(FieldErrorsContext);
  return errors.filter((e) => e.path === path || (within && e.path.startsWith(`${path}.`))).map((e) => e.message);
}
