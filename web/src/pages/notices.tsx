/**
 * Notices (applicants): the notices sent about the enterprise's cases, newest first, each linking to
 * its case. The API lists notices per case, so this reads those of the cases My cases lists (the
 * first MY_CASES_LIMIT) and says so.
 */
import { api, ok, type Schemas } from '../api/client';
import type { CaseView } from '../api/types';
import { loadMyCases, MY_CASES_LIMIT } from '../applicant/my-cases';
import { messages } from '../i18n';
import { Loading, Table, Time, useAsync, type Column } from '../ui';

type Notice = Schemas['Notification'];
interface Row {
  notice: Notice;
  view: CaseView;
}

const m = messages(
  {
    title: 'Notices',
    scope: 'The notices of your enterprise’s first {n} cases, newest first.',
    more: 'Your enterprise has more cases than these: open a case to read its notices.',
    at: 'When',
    case: 'Case',
    notice: 'Notice',
    none: 'No notices yet.',
  },
  {
    title: '通知',
    scope: '贵企业前 {n} 个案件的通知，最新的在前。',
    more: '贵企业的案件多于这些：打开案件可查看其通知。',
    at: '时间',
    case: '案件',
    notice: '通知',
    none: '暂无通知。',
  },
);

async function loadNotices(): Promise<{ rows: Row[]; more: boolean }> {
  const { items, more } = await loadMyCases();
  const perCase = await Promise.all(
    items.map(async (view) => {
      const notices = (await ok(api.GET('/v1/cases/{caseId}/notifications', { params: { path: { caseId: view.caseId } } }))) as Notice[];
      return notices.map((notice) => ({ notice, view }));
    }),
  );
  const rows = perCase.flat().sort((a, b) => b.notice.at.localeCompare(a.notice.at) || b.notice.createdAt.localeCompare(a.notice.createdAt));
  return { rows, more };
}

export function NoticesPage() {
  const loaded = useAsync(loadNotices, []);
  const columns: Column<Row>[] = [
    { label: m('at'), cell: (r) => <Time iso={r.notice.at} /> },
    {
      label: m('case'),
      cell: (r) => (
        <a href={`/cases/${encodeURIComponent(r.view.caseId)}`}>
          <strong data-case-number>{r.view.number}</strong> {r.view.title}
        </a>
      ),
    },
    {
      label: m('notice'),
      cell: (r) => (
        <>
          {r.notice.text ?? ''}
          <div class="muted small">{r.notice.kind}</div>
        </>
      ),
    },
  ];
  return (
    <section>
      <h1>{m('title')}</h1>
      <p class="muted">{m('scope', { n: MY_CASES_LIMIT })}</p>
      <Loading when={loaded}>
        {() => (
          <>
            <Table
              class="notices"
              columns={columns}
              rows={loaded.data!.rows}
              rowKey={(r) => r.notice.id}
              rowAttrs={(r) => ({ 'data-notice': r.notice.id, 'data-case': r.view.caseId, 'data-kind': r.notice.kind })}
              empty={<p>{m('none')}</p>}
            />
            {loaded.data!.more && <p class="muted">{m('more')}</p>}
          </>
        )}
      </Loading>
    </section>
  );
}
