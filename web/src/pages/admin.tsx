/**
 * Template versions (deploy JSON, schema errors inline), the key-SME list (CSV import, every bad line
 * shown) and the cases stopped on an incident (admins retry them once the cause is fixed).
 */
import { useState } from 'preact/hooks';
import { api, ApiProblem, ok, rawFetch, type Schemas } from '../api/client';
import type { TemplateSummary } from '../api/types';
import { t } from '../i18n';
import { hasRole, type Actor } from '../session';
import { Field, Loading, ProblemView, Table, Time, useAsync, type Column, type TableProps } from '../ui';

export function AdminPage({ actor }: { actor: Actor; path: string }) {
  const admin = hasRole(actor, 'admin');
  return (
    <section>
      <h1>{t('adminTitle')}</h1>
      {hasRole(actor, 'admin', 'auditor') && <Incidents admin={admin} />}
      <Templates admin={admin} />
      <KeySmes admin={admin} />
    </section>
  );
}

/** A card of the admin page: its list as a table, then (for admins) the form that changes it. */
function ListCard<T>({
  class: name,
  title,
  list,
  children,
  ...table
}: Omit<TableProps<T>, 'rows' | 'class'> & { class: string; title: string; list: { data?: T[]; error?: unknown; loading: boolean } }) {
  return (
    <section class={`card ${name}`}>
      <h2>{title}</h2>
      <Loading when={list}>{() => <Table {...table} rows={list.data!} />}</Loading>
      {children}
    </section>
  );
}

// Functions, not constants: the labels follow the language chosen.
const templateColumns = (): Column<TemplateSummary>[] => [
  { label: 'id', cell: (tpl) => <code>{tpl.id}</code> },
  { label: t('version'), cell: (tpl) => tpl.version },
  { label: t('kind'), cell: (tpl) => tpl.kind },
  { label: t('title'), cell: (tpl) => tpl.title },
];

const keySmeColumns = (): Column<Schemas['KeySme']>[] => [
  { label: t('creditCode'), cell: (k) => <code>{k.creditCode}</code> },
  { label: t('name'), cell: (k) => k.name },
  { label: t('reason'), cell: (k) => k.reason },
  { label: t('updated'), cell: (k) => <Time iso={k.updatedAt ?? k.addedAt} /> },
];

function Templates({ admin }: { admin: boolean }) {
  const list = useAsync(async () => ok(api.GET('/v1/templates')), []);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [deployed, setDeployed] = useState<string>();
  const deploy = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setDeployed(undefined);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      setError(new Error(`${t('invalidJson')}: ${(err as Error).message}`));
      return;
    }
    try {
      // The server validates against the template schema; its errors are shown inline below.
      const r = await ok(api.POST('/v1/templates', { body: body as never }));
      setDeployed(`${r.id} v${r.version}`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <ListCard class="templates" title={t('templates')} list={list} columns={templateColumns()} rowKey={(tpl) => tpl.id}>
      {admin && (
        <form class="stack" onSubmit={(e) => void deploy(e)}>
          <Field
            label={t('deployTemplate')}
            render={(a) => (
              <textarea
                {...a}
                class="code"
                rows={10}
                required
                value={text}
                onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
                spellcheck={false}
              />
            )}
          />
          <ProblemView error={error} />
          {deployed && (
            <p class="notice" role="status">
              {t('deployed')}: {deployed}
            </p>
          )}
          <button type="submit" class="primary">
            {t('deploy')}
          </button>
        </form>
      )}
    </ListCard>
  );
}

function KeySmes({ admin }: { admin: boolean }) {
  const list = useAsync(async () => ok(api.GET('/v1/key-smes')), []);
  const [csv, setCsv] = useState('');
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<{ added: number; updated: number; total: number }>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      const res = await rawFetch('/v1/key-smes/import', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv });
      setResult((await res.json()) as typeof result);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const readFile = async (e: Event) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) setCsv(await f.text());
  };
  return (
    <ListCard class="key-smes" title={t('keySmes')} list={list} columns={keySmeColumns()} rowKey={(k) => k.creditCode} empty={<p class="muted">{t('none')}</p>}>
      {admin && (
        <form class="stack" onSubmit={(e) => void submit(e)}>
          <Field label={t('csvFile')} render={(a) => <input {...a} type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e)} />} />
          <Field
            label={t('importCsv')}
            render={(a) => (
              <textarea {...a} class="code" rows={6} required value={csv} onInput={(e) => setCsv((e.target as HTMLTextAreaElement).value)} spellcheck={false} />
            )}
          />
          <ProblemView error={error} />
          {error instanceof ApiProblem && error.status === 400 && <p class="muted">{error.problem.errors?.length ?? 0} ✘</p>}
          {result && (
            <p class="notice" role="status">
              {t('imported')}: {result.added} {t('added')}, {result.updated} {t('updated')}, {result.total} {t('total')}
            </p>
          )}
          <button type="submit" class="primary">
            {t('import')}
          </button>
        </form>
      )}
    </ListCard>
  );
}

/** Cases stopped on an activity PostgreSQL refused for good: what failed and why (never the case's data), and a retry per case. */
function Incidents({ admin }: { admin: boolean }) {
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
    <ListCard
      class="incidents"
      title={t('incidents')}
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
  );
}
