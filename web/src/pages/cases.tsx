/** Cases the caller may read (staff: involving its department), and opening one by its id. */
import { useState } from 'preact/hooks';
import { searchCases } from '../api/task-work';
import type { CaseView } from '../api/types';
import { t } from '../i18n';
import { navigate } from '../router';
import { OpenCaseLink } from './open-case';
import { hasRole, type Actor } from '../session';
import { Field, Loading, Priority, Status, Table, Time, useAsync, type Column } from '../ui';

export function CasesPage({ actor }: { actor: Actor }) {
  const [id, setId] = useState('');
  const canList = hasRole(actor, 'caseworker', 'supervisor', 'auditor');
  return (
    <section>
      <h1>{t('navCases')}</h1>
      <OpenCaseLink actor={actor} />
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim()) navigate(`/cases/${encodeURIComponent(id.trim())}`);
        }}
      >
        <Field
          label={t('case')}
          render={(a) => <input {...a} required placeholder="case-…" value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} size={44} />}
        />
        <button type="submit">{t('open')}</button>
      </form>
      {canList && <CaseList />}
    </section>
  );
}

function CaseList() {
  const list = useAsync(() => searchCases({ limit: 100 }), []);
  return <Loading when={list}>{() => <CaseTable items={list.data!.items} link={(c) => `/cases/${c.caseId}`} />}</Loading>;
}

export function CaseTable({ items, link }: { items: CaseView[]; link: (c: CaseView) => string }) {
  const columns: Column<CaseView>[] = [
    {
      label: t('case'),
      cell: (c) => (
        <>
          {c.priority && <Priority />} <a href={link(c)}>{c.title}</a>
          <div class="muted">
            <code>{c.caseId}</code>
          </div>
        </>
      ),
    },
    {
      label: t('applicant'),
      cell: (c) => (
        <>
          {c.applicant.name}
          <div class="muted">{c.applicant.creditCode}</div>
        </>
      ),
    },
    {
      label: t('status'),
      cell: (c) => (
        <>
          <Status s={c.status} />
          {c.sla.breached && <span class="badge breached">{t('breached')}</span>}
        </>
      ),
    },
    { label: t('openedAt'), cell: (c) => <Time iso={c.openedAt} /> },
    { label: t('deadline'), cell: (c) => <Time iso={c.sla.deadlineAt} /> },
  ];
  return <Table columns={columns} rows={items} rowKey={(c) => c.caseId} rowAttrs={(c) => ({ 'data-case': c.caseId })} empty={<p>{t('nothing')}</p>} />;
}
