/**
 * The department's open tasks: live countdowns, priority, assignee, filters (in the address, and
 * saved by name), Claim, and for supervisors Assign and the bulk reassignment of ticked rows.
 */
import { useState } from 'preact/hooks';
import { assignTask, claimTask, listTasks, releaseTask, type InboxQuery } from '../api/task-work';
import type { CaseView, InboxItem } from '../api/types';
import { t } from '../i18n';
import { navigate, useLocation } from '../router';
import { hasRole, type Actor } from '../session';
import { Countdown, Field, Loading, Priority, ProblemView, Table, Time, useAsync } from '../ui';
import { BulkReassign, RowCheck, rowKey, useSelection } from './inbox/bulk-reassign';
import { SavedFilters } from './inbox/saved-filters';

type Holder = Pick<InboxItem, 'assignee' | 'assigneeName'>;

const PAGE = 100;

function queryFrom(q: URLSearchParams): InboxQuery {
  const b = (k: string) => (q.get(k) === 'true' ? true : undefined);
  return {
    assignee: q.get('assignee') ?? undefined,
    templateId: q.get('templateId') ?? undefined,
    priority: b('priority'),
    breached: b('breached'),
    paused: b('paused'),
  };
}

export function InboxPage({ actor }: { actor: Actor }) {
  const { query } = useLocation();
  const filters = queryFrom(query);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const list = useAsync(async () => {
    const r = await listTasks({ ...filters, limit: PAGE });
    setFetchedAt(Date.now());
    setMore(undefined);
    return r;
  }, [query.toString()]);
  const [more, setMore] = useState<{ items: InboxItem[]; nextCursor: string | null }>();
  const [error, setError] = useState<unknown>();
  const [assigning, setAssigning] = useState<string>();
  /**
   * Who holds a task, as the workflow answered this page's own claim, release or assignment: the
   * inbox list is a projection written a moment after that answer, so a reload right away may still
   * show the earlier holder. The answer wins until the list is refreshed on purpose.
   */
  const [held, setHeld] = useState<Record<string, Holder>>({});
  const supervisor = hasRole(actor, 'supervisor');
  const selection = useSelection();
  const remember = (c: CaseView) =>
    setHeld((h) => ({ ...h, ...Object.fromEntries(c.tasks.map((t) => [`${c.caseId}/${t.taskId}`, { assignee: t.assignee, assigneeName: t.assigneeName }])) }));

  /** The next page, appended (a page's countdowns run from when it was fetched, close enough to the first's). */
  const loadMore = async (cursor: string) => {
    setError(undefined);
    try {
      const page = await listTasks({ ...filters, limit: PAGE, cursor });
      setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (err) {
      setError(err);
    }
  };

  const apply = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const q = new URLSearchParams();
    for (const [k, v] of f.entries()) if (v && v !== '') q.set(k, String(v));
    navigate(`/inbox${q.size ? `?${q}` : ''}`);
  };

  const run = async (action: () => Promise<CaseView>) => {
    setError(undefined);
    try {
      remember(await action());
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section>
      <h1>
        {t('inboxTitle')}{' '}
        <small class="muted">
          {t('inboxOf')} {actor.dept ?? '—'}
        </small>
      </h1>
      <form class="filters" onSubmit={apply} aria-label="filters">
        <Field
          label={t('filterAssignee')}
          render={(a) => (
            <select {...a} name="assignee" value={filters.assignee ?? ''}>
              <option value="">{t('anyone')}</option>
              <option value="me">{t('me')}</option>
              <option value="none">{t('unassigned')}</option>
            </select>
          )}
        />
        <Field label={t('filterTemplate')} render={(a) => <input {...a} name="templateId" value={filters.templateId ?? ''} size={16} />} />
        <label class="check">
          <input type="checkbox" name="priority" value="true" checked={filters.priority} /> {t('filterPriority')}
        </label>
        <label class="check">
          <input type="checkbox" name="breached" value="true" checked={filters.breached} /> {t('filterBreached')}
        </label>
        <label class="check">
          <input type="checkbox" name="paused" value="true" checked={filters.paused} /> {t('filterPaused')}
        </label>
        <button type="submit">{t('apply')}</button>
        <button
          type="button"
          onClick={() => {
            setHeld({});
            list.reload();
          }}
        >
          {t('refresh')}
        </button>
      </form>
      <SavedFilters sub={actor.sub} page="/inbox" query={query} />
      <ProblemView error={error} />
      <Loading when={list}>
        {() => {
          const rows = [...list.data!.items, ...(more?.items ?? [])].map((listed) => ({ ...listed, ...held[rowKey(listed)] }));
          const nextCursor = more ? more.nextCursor : list.data!.nextCursor;
          return (
            <>
              {supervisor && (
                <BulkReassign
                  shown={rows}
                  selection={selection}
                  onAssigned={(views) => {
                    views.forEach(remember);
                    list.reload();
                  }}
                />
              )}
              <Table
                class="inbox"
                columns={[
                  {
                    label: t('case'),
                    cell: (i) => (
                      <>
                        {supervisor && <RowCheck item={i} selection={selection} />}
                        {i.priority && <Priority />} <a href={`/cases/${i.caseId}`}>{i.caseTitle}</a>
                        <div class="muted">
                          <strong data-case-number>{i.caseNumber}</strong> · {i.applicantName}
                        </div>
                      </>
                    ),
                  },
                  {
                    label: t('task'),
                    cell: (i) => (
                      <>
                        {i.title}
                        {i.escalationLevel > 0 && <span class="badge escalated">↑{i.escalationLevel}</span>}
                      </>
                    ),
                  },
                  {
                    label: t('remaining'),
                    cell: (i) => <Countdown remainingMs={i.remainingMs} slaMs={i.slaMs} paused={i.paused} breached={i.breached} fetchedAt={fetchedAt} />,
                  },
                  { label: t('due'), cell: (i) => <Time iso={i.dueAt} /> },
                  { label: t('assignee'), cell: (i) => i.assigneeName ?? i.assignee ?? <span class="muted">{t('unassigned')}</span> },
                  {
                    label: t('actions'),
                    cell: (i) => (
                      <>
                        <div class="actions">
                          {i.assignee !== actor.sub && hasRole(actor, 'caseworker') && (
                            <RowButton item={i} label={t('claim')} onClick={() => void run(() => claimTask(i.caseId, i.taskId))} />
                          )}
                          {i.assignee && (i.assignee === actor.sub || supervisor) && (
                            <RowButton item={i} label={t('release')} onClick={() => void run(() => releaseTask(i.caseId, i.taskId))} />
                          )}
                          {supervisor && (
                            <button
                              type="button"
                              aria-expanded={assigning === i.caseId + i.taskId}
                              onClick={() => setAssigning(assigning === i.caseId + i.taskId ? undefined : i.caseId + i.taskId)}
                            >
                              {t('assign')}
                            </button>
                          )}
                        </div>
                        {assigning === i.caseId + i.taskId && (
                          <AssignForm
                            item={i}
                            onDone={(c) => {
                              remember(c);
                              setAssigning(undefined);
                              list.reload();
                            }}
                          />
                        )}
                      </>
                    ),
                  },
                ]}
                rows={rows}
                rowKey={rowKey}
                rowAttrs={(i) => ({ 'data-case': i.caseId, 'data-task': i.taskId })}
                empty={<p>{t('nothing')}</p>}
              >
                {nextCursor && (
                  <button type="button" class="more" onClick={() => void loadMore(nextCursor)}>
                    {t('more')}
                  </button>
                )}
              </Table>
            </>
          );
        }}
      </Loading>
    </section>
  );
}

/** A task's action in its row, named with the case and the task for screen readers. */
function RowButton({ item, label, onClick }: { item: InboxItem; label: string; onClick: () => void }) {
  return (
    <button type="button" onClick={onClick} aria-label={`${label}: ${item.caseTitle} — ${item.title}`}>
      {label}
    </button>
  );
}

export function AssignForm({ item, onDone }: { item: { caseId: string; taskId: string }; onDone: (c: CaseView) => void }) {
  const [who, setWho] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        assignTask(item.caseId, item.taskId, who.trim(), name.trim() || undefined).then(onDone, setError);
      }}
    >
      <Field label={t('assignTo')} render={(a) => <input {...a} required value={who} onInput={(e) => setWho((e.target as HTMLInputElement).value)} />} />
      <Field label={t('assigneeNameLabel')} render={(a) => <input {...a} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />} />
      <button type="submit">{t('assign')}</button>
      <ProblemView error={error} />
    </form>
  );
}
