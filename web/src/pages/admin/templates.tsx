/** The templates (latest version of each), each opening in the editor; admins start a new one of a process kind. */
import { useState } from 'preact/hooks';
import { api, ok } from '../../api/client';
import type { TemplateSummary } from '../../api/types';
import { messages, t } from '../../i18n';
import { navigate } from '../../router';
import { Field, Loading, useAsync, type Column } from '../../ui';
import { inputText } from './form-bits';
import { AdminFrame, ListCard } from './layout';

const m = messages(
  { newOfKind: 'New template of the kind', start: 'Start a new template', open: 'Open {id}' },
  { newOfKind: '新模板的类型', start: '新建模板', open: '打开 {id}' },
);

// A function, not a constant: the labels follow the language chosen.
const columns = (): Column<TemplateSummary>[] => [
  {
    label: 'id',
    cell: (tpl) => (
      <a href={`/admin/templates/${encodeURIComponent(tpl.id)}`} aria-label={m('open', { id: tpl.id })}>
        <code>{tpl.id}</code>
      </a>
    ),
  },
  { label: t('version'), cell: (tpl) => tpl.version },
  { label: t('kind'), cell: (tpl) => tpl.kind },
  { label: t('title'), cell: (tpl) => tpl.title },
];

export function TemplatesPage({ admin }: { admin: boolean }) {
  const list = useAsync(async () => ok(api.GET('/v1/templates')), []);
  return (
    <AdminFrame title={t('templates')}>
      <ListCard class="templates" list={list} columns={columns()} rowKey={(tpl) => tpl.id} rowAttrs={(tpl) => ({ 'data-template': tpl.id })}>
        {admin && <NewTemplate />}
      </ListCard>
    </AdminFrame>
  );
}

function NewTemplate() {
  const schemas = useAsync(async () => ok(api.GET('/v1/template-schemas')), []);
  const [kind, setKind] = useState<string>();
  return (
    <Loading when={schemas}>
      {() => {
        const chosen = kind ?? schemas.data![0]?.kind ?? '';
        return (
          <form class="inline-form" onSubmit={(e) => (e.preventDefault(), navigate(`/admin/templates/new?kind=${encodeURIComponent(chosen)}`))}>
            <Field
              label={m('newOfKind')}
              render={(a) => (
                <select {...a} value={chosen} onChange={(e) => setKind(inputText(e))}>
                  {schemas.data!.map((s) => (
                    <option key={s.kind} value={s.kind}>
                      {s.kind}
                    </option>
                  ))}
                </select>
              )}
            />
            <button type="submit">{m('start')}</button>
          </form>
        );
      }}
    </Loading>
  );
}
