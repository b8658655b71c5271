/**
 * The workflow's side of the publication protocol (protocol.ts): it writes the case's search
 * attributes and its projection row when they have changed, and takes the notifications the case
 * asked for to the outbox with that row. Only the case's main loop calls `publish`, one publication
 * at a time (workflows/lib/case-runtime.ts).
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { inWorkflowContext, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { NotificationInput } from '../common/notifications.js';
import { CASE_SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
import type { AnyCaseView } from '../common/types.js';
import { localActivities } from '../workflows/lib/activity-proxies.js';
import type { Incidents } from '../workflows/lib/incidents.js';
import { OPENING_SEQ, seqShowing, type LatestPublication } from './protocol.js';

export interface PublishedState {
  view: () => AnyCaseView;
  searchAttributes: () => SearchAttributeUpdatePair[];
}

export class Publisher {
  /** Notifications asked for since the last publication, which takes them to the outbox. */
  private readonly pending: NotificationInput[] = [];
  /**
   * The latest publication begun, written or still in its local activity (which is retried until it
   * is written). Before the first, the API's publication 0 (whose view the workflow need not know:
   * its first view always differs in the time it was taken, or else shows the same and is skipped).
   */
  private latest: LatestPublication = { seq: OPENING_SEQ, json: '' };
  private lastAttributes = attributesAtStart();

  constructor(
    private readonly state: PublishedState,
    private readonly incidents: Incidents,
  ) {}

  /** Keeps a notification for the next publication. */
  add(n: NotificationInput): void {
    this.pending.push(n);
  }

  /** The publication an update's receipt names (protocol.ts). */
  seqShowing(view: AnyCaseView): number {
    return seqShowing(this.latest, view);
  }

  /** Writes search attributes and the projection when they changed since last time. */
  async publish(): Promise<void> {
    const pairs = this.state.searchAttributes();
    const attrs = JSON.stringify(pairs);
    if (attrs !== this.lastAttributes) {
      upsertSearchAttributes(pairs);
      this.lastAttributes = attrs;
    }
    const view = this.state.view();
    const json = JSON.stringify(view);
    if (json === this.latest.json && this.pending.length === 0) return;
    const seq = this.latest.seq + 1;
    this.latest = { seq, json };
    if (this.pending.length > 0) {
      // Taken before the await: notifications asked for meanwhile wait for the next publication.
      const notifications = this.pending.splice(0);
      await this.incidents.guard('publishCase', () => localActivities.publishCase({ view, seq, notifications }));
    } else {
      await this.incidents.guard('projectCase', () => localActivities.projectCase({ view, seq }));
    }
  }
}

/**
 * The search attributes the case was started with, as `publish` compares them: the API sets them all
 * when it starts a case (first-view.ts), so its first publication need not upsert them again (one
 * event and one visibility write less per case). '' when any is missing (a case started without them,
 * as tests may start one), so that the first publication writes them.
 */
function attributesAtStart(): string {
  if (!inWorkflowContext()) return '';
  const started = workflowInfo().typedSearchAttributes;
  const pairs = CASE_SEARCH_ATTRIBUTES.map((key) => ({ key, value: started.get(key) }));
  return pairs.some((p) => p.value === undefined) ? '' : JSON.stringify(pairs);
}
