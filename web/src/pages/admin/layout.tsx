/** The frame of every admin sub-page (a way back to the admin index, the title) and a card holding a list. */
import type { ComponentChildren } from 'preact';
import { t } from '../../i18n';
import { Loading, Table, type TableProps } from '../../ui';

/** A sub-page: the trail back up (`Admin › Templates`) and its title. */
export function AdminFrame({ title, up, children }: { title: string; up?: { href: string; label: string }; children: ComponentChildren }) {
  return (
    <section class="admin">
      <nav class="crumbs" aria-label={t('adminTitle')}>
        <a href="/admin">{t('adminTitle')}</a>
        {up && (
          <>
            {' › '}
            <a href={up.href}>{up.label}</a>
          </>
        )}
      </nav>
      <h1>{title}</h1>
      {children}
    </section>
  );
}

/** A card of an admin page: its list as a table, then (for admins) the form that changes it. */
export function ListCard<T>({
  class: name,
  title,
  list,
  children,
  ...table
}: Omit<TableProps<T>, 'rows' | 'class'> & { class: string; title?: string; list: { data?: T[]; error?: unknown; loading: boolean } }) {
  return (
    <section class={`card ${name}`}>
      {title && <h2>{title}</h2>}
      <Loading when={list}>{() => <Table {...table} rows={list.data!} />}</Loading>
      {children}
    </section>
  );
}
