/**
 * The template editor: a deployed template (or a new one of a kind) in a form over its JSON Schema,
 * with a JSON text view beside it for experts; then the diff against the deployed latest version,
 * field by field, and Deploy. A 400 shows each error at its field and keeps the edit.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { messages, t } from '../../i18n';
import { navigate, useLocation } from '../../router';
import { Loading, ProblemView, Table, useAsync, type Column } from '../../ui';
import { FieldErrorsContext, fieldErrorsOf, stillRefused } from '../../form/field-errors';
import type { Json, JsonSchema } from '../../form/json-schema';
import { SchemaForm } from '../../form/schema-form';
import { CheckedField, inputText } from './form-bits';
import { AdminFrame } from './layout';
import { diffTemplate, jsonEqual, pathText, type Change } from './template-diff';

const m = messages(
  {
    newTemplate: 'New template: {kind}',
    editTemplate: 'Template {id}',
    latest: 'Deployed latest: version {version}',
    notDeployed: 'Not deployed yet.',
    showJson: 'Show the JSON too (expert)',
    json: 'Template as JSON',
    review: 'Review changes',
    keepEditing: 'Keep editing',
    changesTitle: 'Changes against the deployed version',
    noChanges: 'No changes: this is the deployed version.',
    path: 'Field',
    change: 'Change',
    old: 'Deployed',
    new: 'Edited',
    changed: 'changed',
    added: 'added',
    removed: 'removed',
    wholeTemplate: '(the whole template)',
    unknownKind: 'No template schema for kind {kind}.',
  },
  {
    newTemplate: '新模板：{kind}',
    editTemplate: '模板 {id}',
    latest: '已发布的最新版本：第 {version} 版',
    notDeployed: '尚未发布。',
    showJson: '同时显示 JSON（专家）',
    json: '模板 JSON',
    review: '查看改动',
    keepEditing: '继续编辑',
    changesTitle: '与已发布版本的差异',
    noChanges: '没有改动：与已发布版本相同。',
    path: '字段',
    change: '改动',
    old: '已发布',
    new: '编辑后',
    changed: '修改',
    added: '新增',
    removed: '删除',
    wholeTemplate: '（整个模板）',
    unknownKind: '没有类型 {kind} 的模板结构。',
  },
);

/** What POST /v1/templates takes. The form is not checked here: the API validates it, and says where it is wrong. */
type TemplateBody = paths['/v1/templates']['post']['requestBody']['content']['application/json'];

/** A stored template as the form edits it: only the schema's fields (the API adds `version`, `deployedBy`, …). */
const editable = (stored: Json, schema: JsonSchema): Json => Object.fromEntries(Object.entries(stored).filter(([k]) => k in (schema.properties ?? {})));

const schemaOf = (all: Schemas['TemplateSchemas'], kind: unknown) => all.find((s) => s.kind === kind)?.schema as JsonSchema | undefined;

/** `/admin/templates/:id` (the latest version) or `/admin/templates/new?kind=…`. */
export function TemplateEditorPage({ id, kind, admin }: { id?: string; kind?: string; admin: boolean }) {
  // A new template, once deployed, reopens here as `?deployed=<version>`: the notice says so.
  const justDeployed = useLocation().query.get('deployed');
  const schemas = useAsync(async () => ok(api.GET('/v1/template-schemas')), []);
  const latest = useAsync(async (): Promise<Json | null> => (id ? ok(api.GET('/v1/templates/{id}', { params: { path: { id } } })) : null), [id]);
  const title = id ? m('editTemplate', { id }) : m('newTemplate', { kind: kind ?? '' });
  const both = {
    loading: schemas.loading || latest.loading,
    error: schemas.error ?? latest.error,
    data: schemas.data && latest.data !== undefined ? true : undefined,
  };
  return (
    <AdminFrame title={title} up={{ href: '/admin/templates', label: t('templates') }}>
      <Loading when={both}>
        {() => {
          const stored = latest.data ?? null;
          const k = stored ? stored.kind : kind;
          const schema = schemaOf(schemas.data!, k);
          if (!schema) return <p class="problem">{m('unknownKind', { kind: String(k) })}</p>;
          return (
            <Editor
              key={id ?? 'new'}
              schema={schema}
              kind={String(k)}
              stored={stored}
              admin={admin}
              onDeployed={latest.reload}
              notice={id && justDeployed ? `${id} v${justDeployed}` : undefined}
            />
          );
        }}
      </Loading>
    </AdminFrame>
  );
}

function Editor({
  schema,
  kind,
  stored,
  admin,
  onDeployed,
  notice,
}: {
  schema: JsonSchema;
  kind: string;
  stored: Json | null;
  admin: boolean;
  onDeployed: () => void;
  notice: string | undefined;
}) {
  const deployedBody = stored ? editable(stored, schema) : undefined;
  const [value, setValue] = useState<Json>(() => deployedBody ?? { kind });
  const [showJson, setShowJson] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const [error, setError] = useState<unknown>();
  const [refused, setRefused] = useState<Json>();
  const [deployed, setDeployed] = useState(notice);
  const errors = stillRefused(fieldErrorsOf(error), ['body'], refused, value, jsonEqual);

  const deploy = async () => {
    setError(undefined);
    setDeployed(undefined);
    try {
      const r = await ok(api.POST('/v1/templates', { body: value as TemplateBody }));
      setDeployed(`${r.id} v${r.version}`);
      setReviewing(false);
      if (stored) onDeployed();
      else navigate(`/admin/templates/${encodeURIComponent(r.id)}?deployed=${r.version}`, true);
    } catch (err) {
      setError(err);
      setRefused(value);
      document.getElementById('deploy-problem')?.focus();
    }
  };
  const changes = diffTemplate(deployedBody ?? {}, value);

  return (
    <>
      <p class="muted">{stored ? m('latest', { version: String(stored.version) }) : m('notDeployed')}</p>
      {deployed && (
        <p class="notice" role="status">
          {t('deployed')}: {deployed}
        </p>
      )}
      <label class="check">
        <input type="checkbox" checked={showJson} onChange={(e) => setShowJson((e.target as HTMLInputElement).checked)} /> {m('showJson')}
      </label>
      <div class={`editor${showJson ? ' with-json' : ''}`}>
        <form class="card stack template-form" onSubmit={(e) => e.preventDefault()}>
          <FieldErrorsContext.Provider value={errors}>
            {/* Labelled by the JSON names: the admin reads the same names in the JSON view and the diff. */}
            <SchemaForm schema={schema} root={['body']} keyLabels disabled={!admin} value={value} onChange={setValue} />
          </FieldErrorsContext.Provider>
        </form>
        {showJson && <JsonView value={value} onChange={setValue} readOnly={!admin} />}
      </div>
      {admin && !reviewing && (
        <div class="actions">
          <button type="button" class="primary" onClick={() => setReviewing(true)}>
            {m('review')}
          </button>
        </div>
      )}
      {admin && reviewing && (
        <section class="card diff" aria-labelledby="diff-title">
          <h2 id="diff-title">{m('changesTitle')}</h2>
          <DiffTable changes={changes} />
          <div id="deploy-problem" tabIndex={-1}>
            <ProblemView error={error} />
          </div>
          <div class="actions">
            <button type="button" class="primary" disabled={changes.length === 0} onClick={() => void deploy()}>
              {t('deploy')}
            </button>
            <button type="button" onClick={() => setReviewing(false)}>
              {m('keepEditing')}
            </button>
          </div>
        </section>
      )}
    </>
  );
}

const shown = (v: unknown) => (v === undefined ? '—' : <code>{JSON.stringify(v)}</code>);

function DiffTable({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return <p class="muted">{m('noChanges')}</p>;
  const columns: Column<Change>[] = [
    { label: m('path'), cell: (c) => (c.path.length ? <code>{pathText(c.path)}</code> : m('wholeTemplate')) },
    { label: m('change'), cell: (c) => m(c.kind) },
    { label: m('old'), cell: (c) => (c.kind === 'added' ? '—' : shown(c.old)), class: 'old' },
    { label: m('new'), cell: (c) => (c.kind === 'removed' ? '—' : shown(c.new)), class: 'new' },
  ];
  return (
    <Table
      columns={columns}
      rows={changes}
      rowKey={(c) => `${c.kind}:${pathText(c.path)}`}
      rowAttrs={(c) => ({ 'data-path': pathText(c.path), 'data-change': c.kind })}
    />
  );
}

/**
 * The same template as JSON text. Valid JSON typed here becomes the form's value; text that does not
 * parse stays as typed, with the reason, until it does.
 */
function JsonView({ value, onChange, readOnly }: { value: Json; onChange: (v: Json) => void; readOnly: boolean }) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [bad, setBad] = useState<string>();
  useEffect(() => {
    // The form changed the value: show it, unless the text already says the same.
    try {
      if (jsonEqual(JSON.parse(text), value)) return;
    } catch {
      // text being typed: replaced by the form's value below
    }
    setText(JSON.stringify(value, null, 2));
    setBad(undefined);
  }, [value]);
  const typed = (s: string) => {
    setText(s);
    try {
      const parsed: unknown = JSON.parse(s);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('{ … }');
      setBad(undefined);
      onChange(parsed as Json);
    } catch (err) {
      setBad(`${t('invalidJson')}: ${(err as Error).message}`);
    }
  };
  return (
    <div class="card">
      <CheckedField
        label={m('json')}
        errors={bad ? [bad] : []}
        render={(a) => <textarea {...a} class="code" rows={30} spellcheck={false} readOnly={readOnly} value={text} onInput={(e) => typed(inputText(e))} />}
      />
    </div>
  );
}
