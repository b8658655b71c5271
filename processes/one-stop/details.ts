/**
 * What an applicant files with a one-stop case: free-form details (the project, its site, its
 * capacity…), shown with the case as filed. The API bounds their size and checks their text
 * (api/schemas.ts, common/text-rule.ts); the departments read them, the workflow does not.
 */
export type OneStopDetails = Record<string, unknown>;

export function oneStopDetails(_template: unknown, raw: Record<string, unknown>): OneStopDetails {
  return raw;
}
