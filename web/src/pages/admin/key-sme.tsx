/** One key SME: the entry, every change to it (kept after removal), and for admins edit and remove. */
import { useState } from 'preact/hooks';
import { api, ApiProblem, ok, type Schemas } from '../../api/client';
import { messages, t } from '../../i18n';
import { FormActions, Loading, ProblemView, Table, Time, useAsync, type Column } from '../../ui';
import { fieldErrors } from './form-bits';
import { EntryFields } from './key-smes';
import { AdminFrame } from './layout';

const m = messages(
  {
    title: 'Key SME {code}',
    notListed: 'Not on the list now.',
    history: 'History',
    noHistory: 'Never listed.',
    change: 'Change',
    by: 'By',
    when: 'When',
    addedBy: 'Listed by',
    editTitle: 'Change the name or reason',
    save: 'Save',
    saved: 'Saved.',
    remove: 'Take off the list',
    confirmRemove: 'Take {code} off the list? Cases already open keep their priority.',
    removed: 'Taken off the list.',
    'action.added': 'added',
    'action.updated': 'updated',
    'action.removed': 'removed',
    'action.imported': 'imported',
  },
  {
    title: '重点中小企业 {code}',
    notListed: '目前不在名单上。',
    history: '变更记录',
    noHistory: '从未列入。',
    change: '变更',
    by: '操作人',
    when: '时间',
    addedBy: '列入人',
    editTitle: '修改名称或理由',
    save: '保存',
    saved: '已保存。',
    remove: '移出名单',
    confirmRemove: '将 {code} 移出名单？已受理的案件保留优先。',
    removed: '已移出名单。',
    'action.added': '列入',
    'action.updated': '修改',
    'action.removed': '移出',
    'action.imported': '导入',
  },
);

type Change = Schemas['KeySmeChange'];

const historyColumns = (): Column<Change>[] => [
  { label: m('change'), cell: (c) => m(`action.${c.action}`) },
  { label: t('name'), cell: (c) => c.name },
  { label: t('reason'), cell: (c) => c.reason },
  { label: m('by'), cell: (c) => c.changedBy },
  { label: m('when'), cell: (c) => <Time iso={c.changedAt} /> },
];

export function KeySmePage({ creditCode, admin }: { creditCode: string; admin: boolean }) {
  const path = { path: { creditCode } };
  // Not listed (404) is an answer here, not a failure: the history outlives the entry.
  const entry = useAsync(async () => {
    try {
      return await ok(api.GET('/v1/key-smes/{creditCode}', { params: path }));
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 404) return null;
      throw err;
    }
  }, [creditCode]);
  const history = useAsync(async () => ok(api.GET('/v1/key-smes/{creditCode}/history', { params: path })), [creditCode]);
  const [done, setDone] = useState<string>();
  const changed = (message: string) => {
    setDone(message);
    entry.reload();
    history.reload();
  };
  return (
    <AdminFrame title={m('title', { code: creditCode })} up={{ href: '/admin/key-smes', label: t('keySmes') }}>
      {done && (
        <p class="notice" role="status">
          {done}
        </p>
      )}
      <Loading when={entry}>
        {() =>
          entry.data ? (
            <section class="card key-sme">
              <h2>{entry.data.name}</h2>
              <p>{entry.data.reason}</p>
              <p class="muted">
                {m('addedBy')} {entry.data.addedBy}, <Time iso={entry.data.addedAt} />
              </p>
              {admin && <EditEntry key={entry.data.updatedAt ?? entry.data.addedAt} entry={entry.data} onChanged={changed} />}
            </section>
          ) : (
            <p class="muted">{m('notListed')}</p>
          )
        }
      </Loading>
      <section class="card key-sme-history">
        <h2>{m('history')}</h2>
        <Loading when={history}>
          {() => (
            <Table
              columns={historyColumns()}
              rows={history.data!}
              rowKey={(c) => c.id}
              rowAttrs={(c) => ({ 'data-action': c.action })}
              empty={<p class="muted">{m('noHistory')}</p>}
            />
          )}
        </Loading>
      </section>
    </AdminFrame>
  );
}

function EditEntry({ entry, onChanged }: { entry: Schemas['KeySme']; onChanged: (message: string) => void }) {
  const [value, setValue] = useState({ name: entry.name, reason: entry.reason });
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const path = { path: { creditCode: entry.creditCode } };
  const run = async (call: () => Promise<unknown>, message: string) => {
    setError(undefined);
    try {
      await call();
      onChanged(message);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <form
        class="stack edit-key-sme"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => ok(api.PUT('/v1/key-smes/{creditCode}', { params: path, body: value })), m('saved'));
        }}
      >
        <h3>{m('editTitle')}</h3>
        <EntryFields value={value} onChange={setValue} errors={fieldErrors(error)} />
        <ProblemView error={error} />
        <div class="actions">
          <button type="submit" class="primary">
            {m('save')}
          </button>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            {m('remove')}
          </button>
        </div>
      </form>
      {confirming && (
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => ok(api.DELETE('/v1/key-smes/{creditCode}', { params: path })), m('removed'));
          }}
        >
          <p>{m('confirmRemove', { code: entry.creditCode })}</p>
          <FormActions submit={m('remove')} kind="danger" onCancel={() => setConfirming(false)} />
        </form>
      )}
    </>
  );
}
