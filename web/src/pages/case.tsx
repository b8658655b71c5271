/**
 * A case: applicant, details, every task (status, due, assignee, countdown), and the actions the
 * signed-in user may take. Refusals are shown from the problem details; the workflow remains the judge.
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import { CLOSED_STATUSES } from '../api/enums';
import { Details } from '../details';
import type { CaseView } from '../api/types';
import { processWeb } from '../processes';
import { messages, t } from '../i18n';
import { hasRole, type Actor } from '../session';
import { FiledList } from '../documents';
import { Loading, Priority, ProblemView, Status, Time, useAsync } from '../ui';
import { ApplicantActions } from './case-applicant';
import { IssuedDocuments, OpeningDocuments } from './case-documents';
import { ApplicantSummary } from './case-applicant-summary';
import { Comments, Notifications } from './case-notes';
import { TaskCard } from './case-task';

const m = messages({ caseNumber: 'Case number' }, { caseNumber: '案件编号' });

export function CasePage({ caseId, actor }: { caseId: string; actor: Actor }) {
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [fresh, setFresh] = useState<CaseView>();
  const loaded = useAsync(async () => {
    const v = (await ok(api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } }))) as CaseView;
    setFetchedAt(Date.now());
    setFresh(undefined);
    return v;
  }, [caseId]);
  const view = fresh ?? loaded.data;
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string>();

  /** Runs an action; its answer is the new case view. */
  const act = async (run: () => Promise<CaseView>) => {
    setError(undefined);
    setMessage(undefined);
    try {
      const v = await run();
      setFresh(v);
      setFetchedAt(Date.now());
      setMessage(t('done'));
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };

  return (
    <Loading when={{ ...loaded, data: view }}>
      {() => {
        const v = view!;
        const open = !CLOSED_STATUSES.includes(v.status);
        const ownEnterprise = hasRole(actor, 'applicant') && actor.org === v.applicant.creditCode;
        const openingDept = hasRole(actor, 'caseworker') && !!actor.dept && actor.dept === v.openedByDept;
        const forApplicant = ownEnterprise || openingDept;
        const staff = hasRole(actor, 'caseworker', 'supervisor', 'auditor');
        const Panel = processWeb(v.kind)?.CasePanel;
        return (
          <article class="case" data-status={v.status}>
            <header class="case-head">
              <h1>
                {v.priority && <Priority />} {v.title}
              </h1>
              <p class="case-number">
                {m('caseNumber')} <strong data-case-number>{v.number}</strong> <code class="small muted">{v.caseId}</code>
              </p>
              <p class="muted">
                <Status s={v.status} /> · {t('openedAt')} <Time iso={v.openedAt} /> · {t('openedBy')} {v.openedByName}
                {v.openedByDept ? ` (${v.openedByDept})` : ''}
                {hasRole(actor, 'auditor', 'supervisor') && (
                  <>
                    {' '}
                    · <a href={`/audit/${encodeURIComponent(v.caseId)}`}>{t('auditTimeline')}</a>
                  </>
                )}
              </p>
              <p>
                {t('sla')}: {t('deadline')} <Time iso={v.sla.deadlineAt} />
                {v.sla.paused && <span class="badge paused">{t('clockStopped')}</span>}
                {v.sla.breached && <span class="badge breached">{t('breached')}</span>}
                {v.sla.supplementDueAt && (
                  <>
                    {' '}
                    · {t('supplementDue')} <Time iso={v.sla.supplementDueAt} />
                  </>
                )}
                {v.sla.calendar && (
                  <span class="muted">
                    {' '}
                    · {t('calendar')} {v.sla.calendar.id} v{v.sla.calendar.version}
                  </span>
                )}
              </p>
            </header>

            {ownEnterprise && <ApplicantSummary view={v} />}

            <div class="grid">
              <section class="card">
                <h2>{t('applicant')}</h2>
                <dl>
                  <dt>{t('name')}</dt>
                  <dd>{v.applicant.name}</dd>
                  <dt>{t('creditCode')}</dt>
                  <dd>
                    <code>{v.applicant.creditCode}</code>
                  </dd>
                  {v.applicant.contact && (
                    <>
                      <dt>{t('contact')}</dt>
                      <dd>
                        {v.applicant.contact.name} · {v.applicant.contact.phone} · {v.applicant.contact.email}
                      </dd>
                    </>
                  )}
                </dl>
              </section>
              <section class="card">
                <h2>{t('details')}</h2>
                <Details details={v.details} />
              </section>
            </div>

            <OpeningDocuments view={v} />
            <IssuedDocuments view={v} version={v} />

            {Panel && <Panel view={v} actor={actor} act={act} fetchedAt={fetchedAt} />}

            <ProblemView error={error} />
            {message && (
              <p class="notice" role="status">
                {message}
              </p>
            )}

            <section>
              <h2>{t('tasks')}</h2>
              <ul class="tasks">
                {v.tasks.map((task) => (
                  <TaskCard key={task.taskId} task={task} view={v} actor={actor} fetchedAt={fetchedAt} act={act} error={error} />
                ))}
              </ul>
            </section>

            {v.decision && (
              <section class="card">
                <h2>{t('decision')}</h2>
                <p>
                  <Status s={v.decision.status} /> {v.decision.number && <code>{v.decision.number}</code>} · <Time iso={v.decision.at} />
                </p>
                <ul>
                  {v.decision.reasons.map((r, i) => (
                    <li key={i}>
                      {r.taskId ? `${r.taskId}: ` : ''}
                      {r.reason}
                    </li>
                  ))}
                </ul>
              </section>
            )}

            {forApplicant && open && <ApplicantActions view={v} act={act} error={error} />}

            {v.supplements.length > 0 && (
              <section>
                <h2>{t('supplements')}</h2>
                <ul>
                  {v.supplements.map((s, i) => (
                    <li key={i}>
                      <Time iso={s.at} /> {s.byName}: <FiledList caseId={v.caseId} documents={s.documents} />
                      {s.note ? ` — ${s.note}` : ''}
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {v.escalations.length > 0 && (
              <section>
                <h2>{t('escalations')}</h2>
                <ul>
                  {v.escalations.map((e, i) => (
                    <li key={i}>
                      <Time iso={e.at} /> {e.taskId}: {e.action} ({e.level})
                    </li>
                  ))}
                </ul>
              </section>
            )}
            <Notifications caseId={v.caseId} version={fetchedAt} />
            {staff && <Comments view={v} act={act} error={error} />}
          </article>
        );
      }}
    </Loading>
  );
}
