/** Template versions (deploy JSON, schema errors inline) and the key-SME list (CSV import, every bad line shown). */
import { useState } from 'preact/hooks';
import { api, ApiProblem, ok, rawFetch } from '../api/client';
import { t } from '../i18n';
import { hasRole, type Actor } from '../session';
import { Field, Loading, ProblemView, Time, useAsync } from '../ui';

export function AdminPage({ actor }: { actor: Actor }) {
  const admin = hasRole(actor, 'admin');
  return (
    <section>
      <h1>{t('adminTitle')}</h1>
      <Templates admin={admin} />
      <KeySmes admin={admin} />
    </section>
  );
}

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
    <section class="card templates">
      <h2>{t('templates')}</h2>
      <Loading when={list}>
        {() => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">id</th>
                  <th scope="col">{t('version')}</th>
                  <th scope="col">{t('kind')}</th>
                  <th scope="col">{t('title')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data!.map((tpl) => (
                  <tr key={tpl.id}>
                    <td>
                      <code>{tpl.id}</code>
                    </td>
                    <td>{tpl.version}</td>
                    <td>{tpl.kind}</td>
                    <td>{tpl.title}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loading>
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
    </section>
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
    <section class="card key-smes">
      <h2>{t('keySmes')}</h2>
      <Loading when={list}>
        {() => (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('creditCode')}</th>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('reason')}</th>
                  <th scope="col">{t('updated')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data!.map((k) => (
                  <tr key={k.creditCode}>
                    <td>
                      <code>{k.creditCode}</code>
                    </td>
                    <td>{k.name}</td>
                    <td>{k.reason}</td>
                    <td>
                      <Time iso={k.updatedAt ?? k.addedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {list.data!.length === 0 && <p class="muted">{t('none')}</p>}
          </div>
        )}
      </Loading>
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
    </section>
  );
}
