/**
 * A case as the API answers it: what the caller may see of it (api/access-policy.ts), with the time
 * left on each open task filled in. The workflow fills that in only while the clock is stopped (then
 * it is constant); a figure that moved with time would change the case at every publish.
 */
import type { Actor, CaseView } from '../common/types.js';
import { withRefusedReplaced } from '../common/text-rule.js';
import { viewFor } from './access-policy.js';

export function present(actor: Actor, view: CaseView, now = Date.now()): CaseView {
  // A case stopped on an incident may hold text that got past the edge (which is why PostgreSQL
  // refused it): it is shown with those characters replaced, never answered as it is.
  const seen = viewFor(actor, view.incident ? withRefusedReplaced(view) : view);
  return {
    ...seen,
    tasks: seen.tasks.map((t) => ({ ...t, remainingMs: t.status !== 'open' ? null : (t.remainingMs ?? Date.parse(t.dueAt) - now) })),
  };
}
