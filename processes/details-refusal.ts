/**
 * A case's details refused for a reason its process's schema alone cannot state (it reads the
 * template). The API answers it as a 400 at `body.details.<path>`, beside zod's own refusals; each `path` is relative to `details`.
 */
export class CaseDetailsRefusal extends Error {
  constructor(
    message: string,
    readonly errors: { path: string; message: string }[],
  ) {
    super(message);
  }
}
