/**
 * The auditor's desk: search cases; a case's timeline (actors, times, clock stops, escalations,
 * assignments); Verify chain; the raw history as a JSON download.
 */
import { useState } from 'preact/hooks';
import { api, ok, rawFetch } from '../api/client';
import { CASE_STATUSES } from '../api/enums';
import { searchCases, type CaseQuery } from '../api/task-work';
import type { TimelineEntry } from '../api/types';
import { messages, t } from '../i18n';
import { navigate, useLocation } from '../router';
import { hasRole, type Actor } from '../session';
import { Field, Loading, ProblemView, Table, Time, useAsync } from '../ui';
import { CaseTable } from './cases';

const FILTERS = ['number', 'status', 'templateId', 'applicant', 'breached', 'openedAfter', 'openedBefore'] as const;

const m = messages(
  { caseNumber: 'Case number', caseNumberHint: 'exactly, e.g. SA-2026-000123' },
  { caseNumber: '案件编号', caseNumberHint: '须完整填写，例如 SA-2026-000123' },
);

export function AuditPage({ actor, caseId }: { actor: Actor; caseId?: string }) {
  return caseId ? <Timeline caseId={caseId} actor={actor} /> : <Search />;
}

/** A datetime-local value (the browser's zone) as an ISO instant. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : '');

function Search() {
  const { query } = useLocation();
  const q: CaseQuery = { limit: 100 };
  for (const f of FILTERS) {
    const v = query.get(f);
    if (v) (q as Record<string, string>)[f] = v;
  }
  const results = useAsync(() => searchCases(q), [query.toString()]);
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const out = new URLSearchParams();
    for (const k of FILTERS) {
      let v = String(f.get(k) ?? '');
      if (k === 'openedAfter' || k === 'openedBefore') v = isoOf(v);
      if (v) out.set(k, v);
    }
    navigate(`/audit${out.size ? `?${out}` : ''}`);
  };
  const localOf = (iso: string | null) => {
    if (!iso) return '';
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  };
  return (
    <section>
      <h1>{t('auditTitle')}</h1>
      <form class="filters" onSubmit={submit} aria-label={t('search')}>
        <Field
          label={m('caseNumber')}
          hint={m('caseNumberHint')}
          render={(a) => <input {...a} name="number" value={query.get('number') ?? ''} size={18} pattern="[A-Z]{2,6}-[0-9]{4}-[0-9]{6,}" />}
        />
        <Field
          label={t('status')}
          render={(a) => (
            <select {...a} name="status" value={query.get('status') ?? ''}>
              <option value="">{t('any')}</option>
              {CASE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        />
        <Field label={t('template')} render={(a) => <input {...a} name="templateId" value={query.get('templateId') ?? ''} size={18} />} />
        <Field label={t('applicantSearch')} render={(a) => <input {...a} name="applicant" value={query.get('applicant') ?? ''} size={20} />} />
        <Field
          label={t('breachedFilter')}
          render={(a) => (
            <select {...a} name="breached" value={query.get('breached') ?? ''}>
              <option value="">{t('any')}</option>
              <option value="true">{t('yes')}</option>
              <option value="false">{t('no')}</option>
            </select>
          )}
        />
        <Field label={t('openedAfter')} render={(a) => <input {...a} type="datetime-local" name="openedAfter" value={localOf(query.get('openedAfter'))} />} />
        <Field
          label={t('openedBefore')}
          render={(a) => <input {...a} type="datetime-local" name="openedBefore" value={localOf(query.get('openedBefore'))} />}
        />
        <button type="submit" class="primary">
          {t('search')}
        </button>
      </form>
      <h2>{t('results')}</h2>
      <Loading when={results}>{() => <CaseTable items={results.data!.items} link={(c) => `/audit/${c.caseId}`} />}</Loading>
    </section>
  );
}

function summary(e: TimelineEntry): string {
  const d = e.details as Record<string, unknown>;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    parts.push(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(' · ');
}

/** Who acted: name, then id and department; a dash for the engine's own events. */
function ActorName({ actor }: { actor: TimelineEntry['actor'] }) {
  if (!actor) return <>—</>;
  return (
    <>
      {actor.name}{' '}
      <span class="muted">
        ({actor.sub}
        {actor.dept ? ` · ${actor.dept}` : ''})
      </span>
    </>
  );
}

function Timeline({ caseId, actor }: { caseId: string; actor: Actor }) {
  const entries = useAsync(async () => (await ok(api.GET('/v1/cases/{caseId}/history', { params: { path: { caseId } } }))) as TimelineEntry[], [caseId]);
  const [verify, setVerify] = useState<{ valid: boolean; entries: number; headHash: string | null; brokenAt: number | null }>();
  const [error, setError] = useState<unknown>();
  const auditor = hasRole(actor, 'auditor');

  const runVerify = async () => {
    setError(undefined);
    setVerify(undefined);
    try {
      setVerify((await ok(api.GET('/v1/cases/{caseId}/audit/verify', { params: { path: { caseId } } }))) as typeof verify);
    } catch (err) {
      setError(err);
    }
  };
  const download = async () => {
    setError(undefined);
    try {
      const res = await rawFetch(`/v1/cases/${encodeURIComponent(caseId)}/history/raw`);
      const blob = new Blob([await res.text()], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `${caseId}-history.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section>
      <p>
        <a href="/audit">← {t('auditTitle')}</a> · <a href={`/cases/${caseId}`}>{t('case')}</a>
      </p>
      <h1>
        {t('timeline')} <code class="small">{caseId}</code>
      </h1>
      {auditor && (
        <div class="actions">
          <button type="button" class="primary" onClick={() => void runVerify()}>
            {t('verifyChain')}
          </button>
          <button type="button" onClick={() => void download()}>
            {t('downloadRaw')}
          </button>
        </div>
      )}
      {verify && (
        <p class={`verify ${verify.valid ? 'valid' : 'broken'}`} role="status" data-valid={String(verify.valid)}>
          {verify.valid ? `✔ ${t('chainValid')}` : `✘ ${t('chainBroken')} ${verify.brokenAt}`} · {verify.entries} {t('entries')}
          {verify.headHash && (
            <>
              {' '}
              · {t('headHash')} <code class="hash">{verify.headHash}</code>
            </>
          )}
        </p>
      )}
      <ProblemView error={error} />
      <Loading when={entries}>
        {() => (
          <Table
            class="timeline"
            columns={[
              { label: t('time'), cell: (e) => <Time iso={e.at} /> },
              { label: t('event'), cell: (e) => <span class={`badge ev ev-${e.type}`}>{e.type}</span> },
              { label: t('actor'), class: 'actor', cell: (e) => <ActorName actor={e.actor} /> },
              { label: t('task'), cell: (e) => e.taskId ?? '' },
              { label: t('details'), class: 'details', cell: summary },
            ]}
            rows={entries.data!}
            rowKey={(_, i) => i}
            rowAttrs={(e) => ({ class: `type-${e.type}`, 'data-type': e.type })}
          />
        )}
      </Loading>
    </section>
  );
}
