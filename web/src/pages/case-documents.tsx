/**
 * A case's documents on its page: what was filed with the opening (each a download through the
 * case), and the decision documents it has issued, each with its state now and its PDF.
 */
import { api, downloadFile, ok } from '../api/client';
import type { CaseView } from '../api/types';
import { FiledList } from '../documents';
import { messages } from '../i18n';
import { ProblemView, Time, useAsync } from '../ui';
import { useState } from 'preact/hooks';

const m = messages(
  {
    filed: 'Documents filed',
    issued: 'Decision documents',
    pdf: 'Download {title} (PDF)',
    decision: 'One-stop approval decision',
    'provisional-permit': 'Provisional production permit',
    licence: 'Production licence',
    'prepayment-notice': 'Prepayment notice',
    'settlement-notice': 'Settlement notice',
    valid: 'valid',
    suspended: 'suspended',
    revoked: 'revoked',
    superseded: 'superseded by the licence',
    withdrawn: 'withdrawn',
  },
  {
    filed: '申请材料',
    issued: '决定文书',
    pdf: '下载{title}（PDF）',
    decision: '一站式审批决定书',
    'provisional-permit': '临时生产许可证',
    licence: '生产许可证',
    'prepayment-notice': '预付款通知书',
    'settlement-notice': '结算通知书',
    valid: '有效',
    suspended: '已暂停',
    revoked: '已撤销',
    superseded: '已被正式许可证取代',
    withdrawn: '已撤回',
  },
);

export function OpeningDocuments({ view }: { view: CaseView }) {
  if (view.documents.length === 0) return null;
  return (
    <section class="card">
      <h2>{m('filed')}</h2>
      <p>
        <FiledList caseId={view.caseId} documents={view.documents} />
      </p>
    </section>
  );
}

/** Reloaded whenever the case changes (`version`: its view as fetched), so a new permit appears at once. */
export function IssuedDocuments({ view, version }: { view: CaseView; version: unknown }) {
  const caseId = view.caseId;
  const { data, error } = useAsync(() => ok(api.GET('/v1/cases/{caseId}/documents', { params: { path: { caseId } } })), [caseId, version]);
  const [failed, setFailed] = useState<unknown>();
  if (error) return <ProblemView error={error} />;
  if (!data || data.length === 0) return null;
  return (
    <section class="card">
      <h2>{m('issued')}</h2>
      <ul>
        {data.map((d) => (
          <li key={d.kind}>
            <button
              type="button"
              class="link"
              onClick={() => void downloadFile(`/v1/cases/${caseId}/documents/${d.kind}.pdf`, `${d.kind}-${d.number}.pdf`).catch(setFailed)}
            >
              {m('pdf', { title: m(d.kind) })}
            </button>{' '}
            <code>{d.number}</code> · <Time iso={d.issuedAt} /> · {m(d.state)}
          </li>
        ))}
      </ul>
      {failed !== undefined && <ProblemView error={failed} />}
    </section>
  );
}
