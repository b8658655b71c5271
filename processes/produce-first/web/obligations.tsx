/**
 * The case's obligations as a table: each qualification, who verifies it, its due date (local time),
 * its state, the reminders sent, the certificate filed and its verification. A filing awaiting
 * verification names the task on the case page that verifies it.
 */
import type { ComponentChildren } from 'preact';
import type { CaseView, Task } from '../../../web/src/api/types';
import { currentLang, fmtTime } from '../../../web/src/i18n';
import { hasRole, type Actor } from '../../../web/src/session';
import { Table, Time, type Column } from '../../../web/src/ui';
import { m } from './strings';
import { latestFiling, verifyTaskId, type Filing, type Obligation } from './view';
import { FiledLink } from '../../../web/src/documents';

/** A certificate's issue: a date (shown as that calendar day) or a date-time (in local time). */
function issued(at: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(at);
  if (!day) return fmtTime(at);
  return new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium' }).format(new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])));
}

/** A certificate as filed, one labelled line a field (narrow enough for a table cell). */
function CertificateLines({ f, caseId }: { f: Filing; caseId: string }) {
  const line = (label: string, value: ComponentChildren) => (
    <div>
      <span class="muted">{label}:</span> {value}
    </div>
  );
  return (
    <div class="certificate">
      {line(m('certNumber'), <code>{f.number}</code>)}
      {line(m('issuer'), f.issuer)}
      {line(m('issuedAt'), issued(f.issuedAt))}
      {line(m('file'), <FiledLink caseId={caseId} doc={f.document} />)}
      <small class="muted">{m('filed', { at: fmtTime(f.filedAt), by: f.filedBy })}</small>
    </div>
  );
}

/**
 * What became of a decided filing (verified or rejected, by whom, when, why). The filing names the
 * officer by id; the verification task, when that officer decided it, has the name too.
 */
function decidedText(f: Filing, task?: Task): string {
  const by = (task?.decidedBy === f.decidedBy ? task?.decidedByName : undefined) ?? f.decidedBy ?? '';
  const at = fmtTime(f.decidedAt);
  return f.outcome === 'verified' ? m('ver.verified', { by, at }) : m('ver.rejected', { by, at, reason: f.reason ?? '' });
}

function Verification({ o, view, actor }: { o: Obligation; view: CaseView; actor: Actor }) {
  const f = latestFiling(o);
  if (!f) return <span class="muted">{m('noneYet')}</span>;
  const task = view.tasks.find((x) => x.taskId === verifyTaskId(o.qualification));
  if (f.outcome !== 'pending') return <span data-outcome={f.outcome}>{decidedText(f, task)}</span>;
  const verifier = hasRole(actor, 'caseworker', 'supervisor') && actor.dept === o.dept;
  return (
    <span data-outcome="pending">
      {m('ver.pending', { number: f.number, task: task?.title ?? verifyTaskId(o.qualification) })}
      {verifier && actor.sub === f.filedBy && <strong class="filed-by-you"> {m('filedByYou')}</strong>}
    </span>
  );
}

function Certificate({ o, caseId }: { o: Obligation; caseId: string }) {
  const f = latestFiling(o);
  if (!f) return <span class="muted">{m('noneYet')}</span>;
  const earlier = o.filings.slice(0, -1);
  return (
    <>
      <CertificateLines f={f} caseId={caseId} />
      {earlier.length > 0 && (
        <details>
          <summary>{m('earlierFilings', { n: earlier.length })}</summary>
          <ul>
            {earlier.map((e, i) => (
              <li key={i}>
                <CertificateLines f={e} caseId={caseId} />
                {e.outcome !== 'pending' && decidedText(e)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

export function ObligationsTable({ view, actor }: { view: CaseView; actor: Actor }) {
  const columns: Column<Obligation>[] = [
    {
      label: m('col.qualification'),
      cell: (o) => (
        <>
          <strong>{o.title}</strong> <code class="muted">{o.qualification}</code>
        </>
      ),
    },
    { label: m('col.dept'), cell: (o) => o.dept },
    { label: m('col.due'), cell: (o) => (o.dueAt ? <Time iso={o.dueAt} /> : m('dueAfterPermit', { due: o.due })) },
    {
      label: m('col.state'),
      cell: (o) => (
        <>
          <span class={`badge obligation-${o.status}`}>{m(`ob.${o.status}`)}</span>
          {o.overdueAt && <div class="muted">{m('overdueSince', { at: fmtTime(o.overdueAt) })}</div>}
        </>
      ),
    },
    {
      label: m('col.reminders'),
      cell: (o) =>
        o.remindersSent.length === 0 ? (
          <span class="muted">{m('noneYet')}</span>
        ) : (
          <ul class="reminders">
            {o.remindersSent.map((r, i) => (
              <li key={i}>{m('reminderBefore', { at: fmtTime(r.at), before: r.before })}</li>
            ))}
          </ul>
        ),
    },
    { label: m('col.certificate'), cell: (o) => <Certificate o={o} caseId={view.caseId} /> },
    { label: m('col.verification'), cell: (o) => <Verification o={o} view={view} actor={actor} /> },
  ];
  return (
    <Table
      class="obligations"
      columns={columns}
      rows={view.obligations ?? []}
      rowKey={(o) => o.qualification}
      rowAttrs={(o) => ({ 'data-qualification': o.qualification, 'data-status': o.status })}
    />
  );
}
