/**
 * The pledge the enterprise produces on, and its permit: the state in words (from the case status
 * and the suspensions), the numbers, and the permit's history from issue to its end.
 */
import type { CaseView } from '../../../web/src/api/types';
import { fmtTime, statusLabel } from '../../../web/src/i18n';
import { Time } from '../../../web/src/ui';
import { m } from './strings';

export function PledgeCard({ view }: { view: CaseView }) {
  const pledge = view.pledge;
  if (!pledge) return null;
  return (
    <section class="card" data-panel="pledge">
      <h2>{m('pledge')}</h2>
      <dl>
        <dt>{m('signedBy')}</dt>
        <dd>{pledge.signedBy}</dd>
        <dt>{m('signedAt')}</dt>
        <dd>
          <Time iso={pledge.signedAt} />
        </dd>
        <dt>{m('pledgeText')}</dt>
        <dd>{pledge.text}</dd>
      </dl>
    </section>
  );
}

type PermitState = 'none' | 'provisional' | 'reinstated' | 'suspended' | 'revoked' | 'certified' | 'ended';

/** What the permit is now: the case status says it, and the suspensions tell a reinstated permit from a first one. */
function permitState(view: CaseView): PermitState {
  if (!view.permit) return 'none';
  switch (view.status) {
    case 'provisional':
      return view.suspensions?.some((s) => s.reinstatedAt) ? 'reinstated' : 'provisional';
    case 'suspended':
    case 'revoked':
    case 'certified':
      return view.status;
    default:
      // Withdrawn under the permit: it ended with the case.
      return 'ended';
  }
}

interface HistoryEvent {
  at: string;
  text: string;
  note?: string;
}

/** The permit's history, oldest first: issue, each suspension and reinstatement, and how it ended. */
function permitHistory(view: CaseView): HistoryEvent[] {
  const { permit, decision } = view;
  if (!permit) return [];
  const events: HistoryEvent[] = [{ at: permit.issuedAt, text: `${m('ev.issued')} ${permit.number ?? ''}`.trim() }];
  for (const s of view.suspensions ?? []) {
    const inForce = !s.reinstatedAt && view.status === 'suspended';
    events.push({ at: s.at, text: m('ev.suspended', { reason: s.reason }), ...(inForce ? { note: s.revokeAt } : {}) });
    if (s.reinstatedAt) events.push({ at: s.reinstatedAt, text: m('ev.reinstated') });
  }
  if (decision) {
    const text =
      decision.status === 'revoked'
        ? m('ev.revoked')
        : decision.status === 'certified'
          ? m('ev.certified', { number: decision.number ?? '' })
          : m('ev.ended', { status: statusLabel(decision.status) });
    events.push({ at: decision.at, text });
  }
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function PermitCard({ view }: { view: CaseView }) {
  const state = permitState(view);
  const current = view.status === 'suspended' ? view.suspensions?.find((s) => !s.reinstatedAt) : undefined;
  const history = permitHistory(view);
  return (
    <section class="card" data-panel="permit" data-permit-state={state}>
      <h2>{m('permit')}</h2>
      <p>
        <span class={`badge status-${state}`}>{m(`state.${state}`)}</span>{' '}
        {state === 'suspended' ? m('says.suspended', { revokeAt: fmtTime(current?.revokeAt) }) : m(`says.${state}`)}
      </p>
      {view.permit && (
        <dl>
          <dt>{m('permitNumber')}</dt>
          <dd>{view.permit.number ? <code data-testid="permit-number">{view.permit.number}</code> : m('numberBeingIssued')}</dd>
          {view.decision?.status === 'certified' && view.decision.number && (
            <>
              <dt>{m('licenceNumber')}</dt>
              <dd>
                <code data-testid="licence-number">{view.decision.number}</code>
              </dd>
            </>
          )}
        </dl>
      )}
      {history.length > 0 && (
        <>
          <h3>{m('history')}</h3>
          <ol class="permit-history">
            {history.map((e, i) => (
              <li key={i}>
                <Time iso={e.at} /> {e.text}
                {e.note && <strong> ({m('revokeAt', { at: fmtTime(e.note) })})</strong>}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
