/** My cases: an applicant's home, its enterprise's cases with where each stands in plain words and the time it has left. */
import type { CaseView } from '../api/types';
import { messages } from '../i18n';
import { OpenCaseLink } from '../pages/open-case';
import type { Actor } from '../session';
import { Loading, Table, useAsync, type Column } from '../ui';
import { loadMyCases, MY_CASES_LIMIT } from './my-cases';
import { applicantSummary } from './summary';
import { TimeLeft } from './time-left';

const m = messages(
  {
    title: 'My cases',
    case: 'Case',
    number: 'Number',
    state: 'Where it stands',
    timeLeft: 'Time left',
    none: 'Your enterprise has no cases yet.',
    more: 'Only the first {n} cases are listed.',
  },
  {
    title: '我的案件',
    case: '案件',
    number: '编号',
    state: '办理进展',
    timeLeft: '剩余时间',
    none: '贵企业尚无案件。',
    more: '仅列出前 {n} 个案件。',
  },
);

export function MyCasesPage({ actor }: { actor: Actor }) {
  const list = useAsync(loadMyCases, []);
  const columns: Column<CaseView>[] = [
    { label: m('number'), cell: (c) => <strong data-case-number>{c.number}</strong> },
    { label: m('case'), cell: (c) => <a href={`/cases/${encodeURIComponent(c.caseId)}`}>{c.title}</a> },
    { label: m('state'), cell: (c) => <span data-summary>{applicantSummary(c)}</span> },
    { label: m('timeLeft'), cell: (c) => <TimeLeft view={c} /> },
  ];
  return (
    <section>
      <h1>{m('title')}</h1>
      <OpenCaseLink actor={actor} />
      <Loading when={list}>
        {() => (
          <>
            <Table
              class="my-cases"
              columns={columns}
              rows={list.data!.items}
              rowKey={(c) => c.caseId}
              rowAttrs={(c) => ({ 'data-case': c.caseId })}
              empty={<p>{m('none')}</p>}
            />
            {list.data!.more && <p class="muted">{m('more', { n: MY_CASES_LIMIT })}</p>}
          </>
        )}
      </Loading>
    </section>
  );
}
