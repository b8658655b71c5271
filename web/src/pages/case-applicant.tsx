/** What the enterprise (or the opening department for it) may do on an open case: supplement what was asked, withdraw. */
import { useMemo, useState } from 'preact/hooks';
import { api, ok } from '../api/client';
import type { CaseView } from '../api/types';
import { DocumentPicker, type Uploaded } from '../documents';
import { t } from '../i18n';
import type { Act } from '../processes';
import { errorsAt, Field, FormActions } from '../ui';

export function ApplicantActions({ view, act, error }: { view: CaseView; act: Act; error: unknown }) {
  const requested = view.tasks.filter((x) => x.status === 'open').flatMap((x) => x.requestedDocuments);
  const [mode, setMode] = useState<'supplement' | 'withdraw'>();
  const [docs, setDocs] = useState<Uploaded[]>([]);
  // One key per supplement as chosen: a double submit supplies once; a changed choice is a new request.
  const key = useMemo(() => crypto.randomUUID(), [docs]);
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const caseId = view.caseId;
  return (
    <section class="card">
      <h2>{t('actions')}</h2>
      <div class="actions">
        {view.status === 'awaiting-supplement' && (
          <button type="button" class="primary" aria-expanded={mode === 'supplement'} onClick={() => setMode(mode === 'supplement' ? undefined : 'supplement')}>
            {t('supplement')}
          </button>
        )}
        <button type="button" class="danger" aria-expanded={mode === 'withdraw'} onClick={() => setMode(mode === 'withdraw' ? undefined : 'withdraw')}>
          {t('withdraw')}
        </button>
      </div>
      {requested.length > 0 && (
        <p>
          {t('requestedDocuments')}: <strong>{requested.join(', ')}</strong>
        </p>
      )}
      {mode === 'supplement' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            const documents = docs.map((d) => ({ digest: d.digest }));
            void act(
              async () =>
                (await ok(
                  api.POST('/v1/cases/{caseId}/supplements', {
                    params: { path: { caseId }, header: { 'idempotency-key': key } },
                    body: { documents, ...(note ? { note } : {}) },
                  }),
                )) as CaseView,
            ).then((done) => done && setMode(undefined));
          }}
        >
          <DocumentPicker label={t('supplementDocs')} documents={docs} onChange={setDocs} errors={errorsAt(error, 'body.documents')} required />
          <Field
            label={t('note')}
            errors={errorsAt(error, 'body.note')}
            render={(a) => <input {...a} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />}
          />
          <FormActions submit={t('send')} kind="primary" onCancel={() => setMode(undefined)} />
        </form>
      )}
      {mode === 'withdraw' && (
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void act(
              async () => (await ok(api.POST('/v1/cases/{caseId}/withdraw', { params: { path: { caseId } }, body: { reason: reason.trim() } }))) as CaseView,
            );
          }}
        >
          <Field
            label={t('withdrawReason')}
            errors={errorsAt(error, 'body.reason')}
            render={(a) => <textarea {...a} required rows={2} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />}
          />
          <FormActions submit={t('confirmWithdraw')} kind="danger" onCancel={() => setMode(undefined)} />
        </form>
      )}
    </section>
  );
}
