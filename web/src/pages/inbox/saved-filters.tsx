/** "Save filters as…" and the list of the user's saved filters of a page: each a link to apply it, and Delete. */
import { useState } from 'preact/hooks';
import { messages } from '../../i18n';
import { deleteFilter, loadSavedFilters, saveFilter, type SavedFilter } from '../../saved-filters';
import { Field } from '../../ui';

const m = messages(
  {
    title: 'Saved filters',
    saveAs: 'Save filters as…',
    save: 'Save',
    saved: 'Saved the filters as “{name}”.',
    none: 'No saved filters yet.',
    apply: 'Apply saved filter: {name}',
    remove: 'Delete',
    removeLabel: 'Delete saved filter: {name}',
    noFilters: 'no filters',
  },
  {
    title: '已保存的筛选',
    saveAs: '将筛选保存为…',
    save: '保存',
    saved: '已将筛选保存为“{name}”。',
    none: '尚无已保存的筛选。',
    apply: '应用已保存的筛选：{name}',
    remove: '删除',
    removeLabel: '删除已保存的筛选：{name}',
    noFilters: '无筛选',
  },
);

/** A saved query as its filters read: `assignee: none · priority: true`. */
const describe = (query: string) => [...new URLSearchParams(query)].map(([k, v]) => `${k}: ${v}`).join(' · ');

/** `page` is the path the filters belong to (`/inbox`); `query` the page's current query, the filters to save. */
export function SavedFilters({ sub, page, query }: { sub: string; page: string; query: URLSearchParams }) {
  const [saved, setSaved] = useState<SavedFilter[]>(() => loadSavedFilters(sub, page));
  const [name, setName] = useState('');
  const [done, setDone] = useState<string>();
  const current = query.toString();

  return (
    <section class="card saved-filters" aria-labelledby="saved-filters-title">
      <h2 id="saved-filters-title">{m('title')}</h2>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          const named = name.trim();
          if (!named) return;
          setSaved(saveFilter(sub, page, named, current));
          setDone(named);
          setName('');
        }}
      >
        <Field label={m('saveAs')} render={(a) => <input {...a} required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />} />
        <button type="submit">{m('save')}</button>
      </form>
      {done && (
        <p class="notice" role="status">
          {m('saved', { name: done })}
        </p>
      )}
      {saved.length === 0 ? (
        <p class="hint">{m('none')}</p>
      ) : (
        <ul class="saved-list">
          {saved.map((f) => (
            <li key={f.name} class="actions">
              <a href={f.query ? `${page}?${f.query}` : page} aria-label={m('apply', { name: f.name })} aria-current={f.query === current ? 'true' : undefined}>
                {f.name}
              </a>
              <span class="muted">{describe(f.query) || m('noFilters')}</span>
              <button type="button" aria-label={m('removeLabel', { name: f.name })} onClick={() => setSaved(deleteFilter(sub, page, f.name))}>
                {m('remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
