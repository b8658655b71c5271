/** Cases stopped on an activity PostgreSQL refused for good: what failed and why (never the case's data), and a retry per case. */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { t } from '../../i18n';
import { ProblemView, Time, useAsync, type Column } from '../../ui';
import { AdminFrame, ListCard } from './layout';

export function IncidentsPage({ admin }: { admin: boolean }) {
  const list = useAsync(async () => ok(api.GET('/v1/incidents')), []);
  const [error, setError] = useState<unknown>();
  const [retried, setRetried] = useState<string>();
  const retry = async (caseId: string) => {
    setError(undefined);
    setRetried(undefined);
    try {
      await ok(api.POST('/v1/incidents/{caseId}/retry', { params: { path: { caseId } } }));
      setRetried(caseId);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const columns: Column<Schemas['IncidentRow']>[] = [
    { label: t('case'), cell: (i) => <code>{i.caseId}</code> },
    { label: t('incidentActivity'), cell: (i) => <code>{i.activity}</code> },
    { label: t('reason'), cell: (i) => i.reason },
    { label: t('incidentAttempts'), cell: (i) => i.attempts },
    { label: t('incidentSince'), cell: (i) => <Time iso={i.since} /> },
    {
      label: t('incidentRetried'),
      cell: (i) =>
        i.retriedAt ? (
          <>
            <Time iso={i.retriedAt} /> ({i.retriedBy})
          </>
        ) : (
          '—'
        ),
    },
    ...(admin
      ? [
          {
            label: t('actions'),
            cell: (i: Schemas['IncidentRow']) => (
              <button type="button" onClick={() => void retry(i.caseId)} aria-label={`${t('incidentRetry')} ${i.caseId}`}>
                {t('incidentRetry')}
              </button>
            ),
          },
        ]
      : []),
  ];
  return (
    <AdminFrame title={t('incidents')}>
      <ListCard
        class="incidents"
        list={list}
        columns={columns}
        rowKey={(i) => i.caseId}
        rowAttrs={(i) => ({ 'data-case': i.caseId })}
        empty={<p class="muted">{t('noIncidents')}</p>}
      >
        <ProblemView error={error} />
        {retried && (
          <p class="notice" role="status">
            {t('incidentRetried')}: {retried}
          </p>
        )}
      </ListCard>
    </AdminFrame>
  );
}
