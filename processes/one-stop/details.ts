/**
 * What an applicant files with a one-stop case: free-form details (the project, its site, its
 * capacity…), shown with the case as filed. The API bounds their size and checks their text
 * (api/schemas.ts, common/text-rule.ts); the departments read them, the workflow does not.
 */
import { z } from 'zod';

export type OneStopDetails = Record<string, unknown>;

/** Free-form: named fields of the applicant's choosing. */
const OneStopDetailsBody = z.record(z.string(), z.unknown()).meta({ description: 'free-form: the project, its site, its capacity…' });

export const oneStopDetailsSchema = () => OneStopDetailsBody;

export function oneStopDetails(_template: unknown, raw: Record<string, unknown>): OneStopDetails {
  return OneStopDetailsBody.parse(raw);
}
