/** Cases the caller may read (staff: involving its department), and opening one by its number or id. */
import { useState } from 'preact/hooks';
import { searchCases } from '../api/task-work';
import type { CaseView } from '../api/types';
import { messages, t } from '../i18n';
import { navigate } from '../router';
import { MyCasesPage } from '../applicant/my-cases-page';
import { OpenCaseLink } from './open-case';
import { hasRole, type Actor } from '../session';
import { Field, Loading, Priority, Status, Table, Time, useAsync, type Column } from '../ui';

const m = messages(
  { caseRef: 'Case number or id', noSuchNumber: 'No case you may see has the number {number}.' },
  { caseRef: '案件编号或标识', noSuchNumber: '没有您可查看的编号为 {number} 的案件。' },
);

/** The form of a case number (db/case-numbers.ts): what is typed is looked up by number, anything else opened as an id. */
const CASE_NUMBER = /^[A-Z]{2,6}-[0-9]{4}-[0-9]{6,}$/;

export function CasesPage({ actor }: { actor: Actor }) {
  const [id, setId] = useState('');
  const [missing, setMissing] = useState<string>();
  const canList = hasRole(actor, 'caseworker', 'supervisor', 'auditor');
  // An applicant's home is its enterprise's cases, in its own words.
  if (!canList && hasRole(actor, 'applicant')) return <MyCasesPage actor={actor} />;
  return (
    <section>
      <h1>{t('navCases')}</h1>
      <OpenCaseLink actor={actor} />
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const ref = id.trim().toUpperCase();
          setMissing(undefined);
          if (!CASE_NUMBER.test(ref)) {
            if (id.trim()) navigate(`/cases/${encodeURIComponent(id.trim())}`);
            return;
          }
          void searchCases({ number: ref, limit: 1 }).then(({ items }) => (items[0] ? navigate(`/cases/${items[0].caseId}`) : setMissing(ref)));
        }}
      >
        <Field
          label={m('caseRef')}
          errors={missing ? [m('noSuchNumber', { number: missing })] : []}
          render={(a) => (
            <input {...a} required placeholder="SA-2026-000123" value={id} onInput={(e) => setId((e.target as HTMLInputElement).value)} size={44} />
          )}
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
            <strong data-case-number>{c.number}</strong> <code class="small">{c.caseId}</code>
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
