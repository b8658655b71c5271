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
    // Views projected before supplement dates and calendars existed lack them.
    sla: { ...seen.sla, supplementDueAt: seen.sla.supplementDueAt ?? null, calendar: seen.sla.calendar ?? null },
    tasks: seen.tasks.map((t) => ({
      ...t,
      remainingMs: t.status !== 'open' ? null : (t.remainingMs ?? Date.parse(t.dueAt) - now),
      // Views projected before task work existed lack these.
      slaMs: t.slaMs ?? Date.parse(t.dueAt) - Date.parse(t.openedAt),
      assignee: t.assignee ?? null,
      assigneeName: t.assigneeName ?? null,
      // Views projected before it existed lack it: the view shows what the workflow recorded (the SLA
      // report rebuilds it from the view's clock stops instead: task_net_ms, db/migrations/1764370000000).
      decidedNetMs: t.decidedNetMs ?? null,
    })),
  };
}
