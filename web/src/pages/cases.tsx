/** Cases the caller may read (staff: involving its department), and opening one by its id. */
import { useState } from 'preact/hooks';
import { searchCases } from '../api/task-work';
import type { CaseView } from '../api/types';
import { t } from '../i18n';
import { navigate } from '../router';
import { hasRole, type Actor } from '../session';
import { Field, Loading, Priority, Status, Time, useAsync } from '../ui';

export function CasesPage({ actor }: { actor: Actor }) {
  const [id, setId] = useState('');
  const canList = hasRole(actor, 'caseworker', 'supervisor', 'auditor');
  return (
    <section>
      <h1>{t('navCases')}</h1>
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
  if (items.length === 0) return <p>{t('nothing')}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('case')}</th>
            <th scope="col">{t('applicant')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('openedAt')}</th>
            <th scope="col">{t('deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.caseId} data-case={c.caseId}>
              <td data-label={t('case')}>
                {c.priority && <Priority />} <a href={link(c)}>{c.title}</a>
                <div class="muted">
                  <code>{c.caseId}</code>
                </div>
              </td>
              <td data-label={t('applicant')}>
                {c.applicant.name}
                <div class="muted">{c.applicant.creditCode}</div>
              </td>
              <td data-label={t('status')}>
                <Status s={c.status} />
                {c.sla.breached && <span class="badge breached">{t('breached')}</span>}
              </td>
              <td data-label={t('openedAt')}>
                <Time iso={c.openedAt} />
              </td>
              <td data-label={t('deadline')}>
                <Time iso={c.sla.deadlineAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
