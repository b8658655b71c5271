/**
 * The notification directory (admins only, as the API allows): each department's mailbox and its
 * supervisor's, and the command centre's under `command-center` (docs/notifications.md). Add or
 * change an entry, or delete one.
 */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { messages, t } from '../../i18n';
import { FormActions, ProblemView, Time, useAsync, type Column } from '../../ui';
import { CheckedField, fieldErrors, inputText } from './form-bits';
import { AdminFrame, ListCard } from './layout';

const m = messages(
  {
    title: 'Notification directory',
    dept: 'Department (slug, or command-center)',
    email: "Department's mailbox",
    supervisorEmail: "Supervisor's address",
    emailHint: 'name@domain.example; leave empty for none',
    updatedBy: 'Changed by',
    edit: 'Edit',
    editOf: 'Edit {dept}',
    delete: 'Delete',
    deleteOf: 'Delete {dept}',
    confirmDelete: 'Delete the entry of {dept}? Its notices will have nowhere to go.',
    formTitle: 'Add or change an entry',
    save: 'Save the entry',
    saved: 'Saved: {dept}',
    deleted: 'Deleted: {dept}',
    empty: 'The directory is empty.',
  },
  {
    title: '通知通讯录',
    dept: '部门（标识，或 command-center）',
    email: '部门邮箱',
    supervisorEmail: '主管邮箱',
    emailHint: 'name@domain.example；不填表示没有',
    updatedBy: '修改人',
    edit: '编辑',
    editOf: '编辑 {dept}',
    delete: '删除',
    deleteOf: '删除 {dept}',
    confirmDelete: '删除 {dept} 的条目？其通知将无处可发。',
    formTitle: '添加或修改条目',
    save: '保存条目',
    saved: '已保存：{dept}',
    deleted: '已删除：{dept}',
    empty: '通讯录为空。',
  },
);

type Entry = Schemas['DirectoryEntry'];
interface Draft {
  dept: string;
  email: string;
  supervisorEmail: string;
}
const blank: Draft = { dept: '', email: '', supervisorEmail: '' };

export function DirectoryPage() {
  const list = useAsync(async () => ok(api.GET('/v1/directory')), []);
  const [draft, setDraft] = useState<Draft>(blank);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [deleting, setDeleting] = useState<string>();
  const errors = fieldErrors(error);

  const run = async (call: () => Promise<unknown>, message: string) => {
    setError(undefined);
    setDone(undefined);
    try {
      await call();
      setDone(message);
      list.reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const body = { email: draft.email.trim() || null, supervisorEmail: draft.supervisorEmail.trim() || null };
    const dept = draft.dept.trim();
    if (await run(() => ok(api.PUT('/v1/directory/{dept}', { params: { path: { dept } }, body })), m('saved', { dept }))) setDraft(blank);
  };
  const remove = async (dept: string) => {
    setDeleting(undefined);
    await run(() => ok(api.DELETE('/v1/directory/{dept}', { params: { path: { dept } } })), m('deleted', { dept }));
  };

  const columns: Column<Entry>[] = [
    { label: t('department'), cell: (e) => <code>{e.dept}</code> },
    { label: m('email'), cell: (e) => e.email ?? '—' },
    { label: m('supervisorEmail'), cell: (e) => e.supervisorEmail ?? '—' },
    {
      label: m('updatedBy'),
      cell: (e) => (
        <>
          {e.updatedBy}, <Time iso={e.updatedAt} />
        </>
      ),
    },
    {
      label: t('actions'),
      cell: (e) => (
        <div class="actions">
          <button
            type="button"
            aria-label={m('editOf', { dept: e.dept })}
            onClick={() => setDraft({ dept: e.dept, email: e.email ?? '', supervisorEmail: e.supervisorEmail ?? '' })}
          >
            {m('edit')}
          </button>
          <button type="button" class="danger" aria-label={m('deleteOf', { dept: e.dept })} onClick={() => setDeleting(e.dept)}>
            {m('delete')}
          </button>
        </div>
      ),
    },
  ];
  const field = (k: keyof Draft, hint?: string) => (
    <CheckedField
      label={m(k)}
      hint={hint}
      errors={errors[k]}
      render={(a) => (
        <input
          {...a}
          type="text"
          inputMode={k === 'dept' ? 'text' : 'email'}
          spellcheck={false}
          value={draft[k]}
          onInput={(e) => setDraft((d) => ({ ...d, [k]: inputText(e) }))}
        />
      )}
    />
  );

  return (
    <AdminFrame title={m('title')}>
      <ListCard
        class="directory"
        list={list}
        columns={columns}
        rowKey={(e) => e.dept}
        rowAttrs={(e) => ({ 'data-dept': e.dept })}
        empty={<p class="muted">{m('empty')}</p>}
      >
        {deleting && (
          <form
            class="card"
            onSubmit={(e) => {
              e.preventDefault();
              void remove(deleting);
            }}
          >
            <p>{m('confirmDelete', { dept: deleting })}</p>
            <FormActions submit={m('deleteOf', { dept: deleting })} kind="danger" onCancel={() => setDeleting(undefined)} />
          </form>
        )}
        {done && (
          <p class="notice" role="status">
            {done}
          </p>
        )}
      </ListCard>
      <section class="card">
        <h2>{m('formTitle')}</h2>
        <form class="stack directory-form" onSubmit={(e) => void save(e)}>
          {field('dept')}
          {field('email', m('emailHint'))}
          {field('supervisorEmail', m('emailHint'))}
          <ProblemView error={error} />
          <div class="actions">
            <button type="submit" class="primary">
              {m('save')}
            </button>
          </div>
        </form>
      </section>
    </AdminFrame>
  );
}
