/**
 * The key-SME list: the enterprises whose cases go first. Each opens on its own page (its history,
 * and for admins edit and remove); admins add one here, or import many from CSV (every bad line shown).
 */
import { useState } from 'preact/hooks';
import { api, ApiProblem, ok, rawFetch, type Schemas } from '../../api/client';
import { messages, t } from '../../i18n';
import { navigate } from '../../router';
import { Field, ProblemView, Time, useAsync, type Column } from '../../ui';
import { CheckedField, fieldErrors, inputText } from './form-bits';
import { AdminFrame, ListCard } from './layout';

const m = messages(
  {
    addTitle: 'Add an enterprise',
    add: 'Add to the list',
    open: 'Open {code}',
    importTitle: 'Import from CSV',
  },
  {
    addTitle: '添加企业',
    add: '加入名单',
    open: '打开 {code}',
    importTitle: '从 CSV 导入',
  },
);

const columns = (): Column<Schemas['KeySme']>[] => [
  {
    label: t('creditCode'),
    cell: (k) => (
      <a href={`/admin/key-smes/${encodeURIComponent(k.creditCode)}`} aria-label={m('open', { code: k.creditCode })}>
        <code>{k.creditCode}</code>
      </a>
    ),
  },
  { label: t('name'), cell: (k) => k.name },
  { label: t('reason'), cell: (k) => k.reason },
  { label: t('updated'), cell: (k) => <Time iso={k.updatedAt ?? k.addedAt} /> },
];

export function KeySmesPage({ admin }: { admin: boolean }) {
  const list = useAsync(async () => ok(api.GET('/v1/key-smes')), []);
  return (
    <AdminFrame title={t('keySmes')}>
      <ListCard
        class="key-smes"
        list={list}
        columns={columns()}
        rowKey={(k) => k.creditCode}
        rowAttrs={(k) => ({ 'data-code': k.creditCode })}
        empty={<p class="muted">{t('none')}</p>}
      />
      {admin && <AddKeySme />}
      {admin && <ImportCsv onImported={list.reload} />}
    </AdminFrame>
  );
}

/** The name and reason of an entry, with the API's errors at their fields: shared by adding and editing. */
export function EntryFields({
  value,
  onChange,
  errors,
}: {
  value: Schemas['KeySmeEntry'];
  onChange: (v: Schemas['KeySmeEntry']) => void;
  errors: Record<string, string[]>;
}) {
  return (
    <>
      {(['name', 'reason'] as const).map((k) => (
        <CheckedField
          key={k}
          label={t(k)}
          errors={errors[k]}
          render={(a) => <input {...a} type="text" value={value[k]} onInput={(e) => onChange({ ...value, [k]: inputText(e) })} />}
        />
      ))}
    </>
  );
}

function AddKeySme() {
  const [code, setCode] = useState('');
  const [entry, setEntry] = useState({ name: '', reason: '' });
  const [error, setError] = useState<unknown>();
  const errors = fieldErrors(error);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const creditCode = code.trim();
      await ok(api.PUT('/v1/key-smes/{creditCode}', { params: { path: { creditCode } }, body: entry }));
      navigate(`/admin/key-smes/${encodeURIComponent(creditCode)}`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section class="card">
      <h2>{m('addTitle')}</h2>
      <form class="stack add-key-sme" onSubmit={(e) => void submit(e)}>
        <CheckedField
          label={t('creditCode')}
          errors={errors.creditCode}
          render={(a) => <input {...a} type="text" spellcheck={false} value={code} onInput={(e) => setCode(inputText(e))} />}
        />
        <EntryFields value={entry} onChange={setEntry} errors={errors} />
        <ProblemView error={error} />
        <div class="actions">
          <button type="submit" class="primary">
            {m('add')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ImportCsv({ onImported }: { onImported: () => void }) {
  const [csv, setCsv] = useState('');
  const [error, setError] = useState<unknown>();
  const [result, setResult] = useState<Schemas['KeySmeImportResult']>();
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    try {
      const res = await rawFetch('/v1/key-smes/import', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv });
      setResult((await res.json()) as Schemas['KeySmeImportResult']);
      onImported();
    } catch (err) {
      setError(err);
    }
  };
  const readFile = async (e: Event) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (f) setCsv(await f.text());
  };
  return (
    <section class="card key-sme-import">
      <h2>{m('importTitle')}</h2>
      <form class="stack" onSubmit={(e) => void submit(e)}>
        <Field label={t('csvFile')} render={(a) => <input {...a} type="file" accept=".csv,text/csv" onChange={(e) => void readFile(e)} />} />
        <Field
          label={t('importCsv')}
          render={(a) => <textarea {...a} class="code" rows={6} required value={csv} onInput={(e) => setCsv(inputText(e))} spellcheck={false} />}
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
    </section>
  );
}
