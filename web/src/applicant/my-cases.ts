/** The enterprise's own cases (the API answers an applicant its enterprise's only), as My cases and Notices read them. */
import { searchCases } from '../api/task-work';
import type { CaseView } from '../api/types';

/** How many cases My cases lists and Notices reads the notices of (in the API's order: priority first, then soonest due). */
export const MY_CASES_LIMIT = 50;

export async function loadMyCases(): Promise<{ items: CaseView[]; more: boolean }> {
  const page = await searchCases({ limit: MY_CASES_LIMIT });
  return { items: page.items, more: page.nextCursor !== null };
}
