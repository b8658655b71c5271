/** A produce-first case's own parts of the view, as the API document types them (web/src/api/schema.d.ts). */
import type { CaseView } from '../../../web/src/api/types';

export type Obligation = NonNullable<CaseView['obligations']>[number];
export type Filing = Obligation['filings'][number];
export type Suspension = NonNullable<CaseView['suspensions']>[number];

/**
 * The verification task of an obligation. The same rule as processes/produce-first/messages.ts
 * (`verifyTaskId`), which cannot be imported here: it defines a Temporal update.
 */
export const verifyTaskId = (qualification: string): string => `verify:${qualification}`;

/** The latest filing of an obligation: the one its verification task is about. */
export const latestFiling = (o: Obligation): Filing | undefined => o.filings.at(-1);
