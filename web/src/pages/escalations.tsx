/**
 * A supervisor's escalations: the department's open tasks whose ladder has reached its supervisor
 * (or the command centre beyond), in the queue's order of urgency (priority first, then the least
 * time left), with the step reached and when, the countdown, the holder, and Open / Assign. The
 * filters live in the address, like the inbox's, and can be saved by name.
 */
import { useState } from 'preact/hooks';
import { listTasks, type InboxQuery } from '../api/task-work';
import type { InboxItem } from '../api/types';
import { messages, t } from '../i18n';
import { navigate, useLocation } from '../router';
import type { Actor } from '../session';
import { Countdown, Field, Loading, Priority, ProblemView, Table, Time, useAsync } from '../ui';
import { AssignForm } from './inbox';
import { rowKey } from './inbox/bulk-reassign';
import { SavedFilters } from './inbox/saved-filters';

type Action = NonNullable<InboxItem['escalation']>['action'];

const m = messages(
  {
    intro: 'Open tasks of {dept} that the escalation ladder has taken to you, most urgent first.',
    reached: 'Escalated to',
    supervisorUp: 'supervisor and beyond',
    commandCentreOnly: 'command centre',
    level: 'Level reached',
    when: 'Escalated at',
    openCase: 'Open case',
    none: 'No task of your department has been escalated to its supervisor.',
    reminder: 'reminder',
    supervisor: 'supervisor',
    'command-center': 'command centre',
  },
  {
    intro: '{dept} 的未办结任务中，已按督办阶梯升级到您的任务，最紧急的在前。',
    reached: '督办级别',
    supervisorUp: '部门负责人及以上',
    commandCentreOnly: '指挥中心',
    level: '已达级别',
    when: '升级时间',
    openCase: '打开案件',
    none: '本部门没有升级到负责人的任务。',
    reminder: '提醒',
    supervisor: '部门负责人',
    'command-center': '指挥中心',
  },
);

const PAGE = 100;
/** The steps this page lists from: the supervisor's own, and the command centre's above it. */
const REACHED: { value: Action; label: 'supervisorUp' | 'commandCentreOnly' }[] = [
  { value: 'supervisor', label: 'supervisorUp' },
  { value: 'command-center', label: 'commandCentreOnly' },
];

function queryFrom(q: URLSearchParams): InboxQuery & { escalatedTo: Action } {
  const to = REACHED.find((r) => r.value === q.get('to'))?.value ?? 'supervisor';
  return { escalatedTo: to, assignee: q.get('assignee') ?? undefined, templateId: q.get('templateId') ?? undefined };
}

export function EscalationsPage({ actor }: { actor: Actor }) {
  const { query } = useLocation();
  const filters = queryFrom(query);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [more, setMore] = useState<{ items: InboxItem[]; nextCursor: string | null }>();
  const [assigning, setAssigning] = useState<string>();
  const [error, setError] = useState<unknown>();
  /** Holders as this page's assignments answered: the list's projection may lag a moment behind (as in the inbox). */
  const [held, setHeld] = useState<Record<string, Pick<InboxItem, 'assignee' | 'assigneeName'>>>({});
  const list = useAsync(async () => {
    const r = await listTasks({ ...filters, limit: PAGE });
    setFetchedAt(Date.now());
    setMore(undefined);
    return r;
  }, [query.toString()]);
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
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(e.target as HTMLFormElement).entries()) if (v !== '') q.set(k, String(v));
    navigate(`/escalations${q.size ? `?${q}` : ''}`);
  };

  return (
    <section>
      <h1>{t('escalations')}</h1>
      <p class="hint">{m('intro', { dept: actor.dept ?? '—' })}</p>
      <form class="filters" onSubmit={apply} aria-label="filters">
        <Field
          label={m('reached')}
          render={(a) => (
            <select {...a} name="to" value={filters.escalatedTo}>
              {REACHED.map((r) => (
                <option key={r.value} value={r.value}>
                  {m(r.label)}
                </option>
              ))}
            </select>
          )}
        />
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
      <SavedFilters sub={actor.sub} page="/escalations" query={query} />
      <ProblemView error={error} />
      <Loading when={list}>
        {() => {
          const rows = [...list.data!.items, ...(more?.items ?? [])].map((listed) => ({ ...listed, ...held[rowKey(listed)] }));
          const nextCursor = more ? more.nextCursor : list.data!.nextCursor;
          return (
            <Table
              class="escalations"
              columns={[
                {
                  label: t('case'),
                  cell: (i) => (
                    <>
                      {i.priority && <Priority />} <a href={`/cases/${i.caseId}`}>{i.caseTitle}</a>
                      <div class="muted">{i.applicantName}</div>
                    </>
                  ),
                },
                { label: t('task'), cell: (i) => i.title },
                {
                  label: m('level'),
                  cell: (i) => (
                    <>
                      <span class="badge escalated">↑{i.escalationLevel}</span> {i.escalation && m(i.escalation.action)}
                    </>
                  ),
                },
                { label: m('when'), cell: (i) => <Time iso={i.escalation?.at} /> },
                {
                  label: t('remaining'),
                  cell: (i) => <Countdown remainingMs={i.remainingMs} slaMs={i.slaMs} paused={i.paused} breached={i.breached} fetchedAt={fetchedAt} />,
                },
                { label: t('assignee'), cell: (i) => i.assigneeName ?? i.assignee ?? <span class="muted">{t('unassigned')}</span> },
                {
                  label: t('actions'),
                  cell: (i) => (
                    <>
                      <div class="actions">
                        <a href={`/cases/${i.caseId}`} aria-label={`${m('openCase')}: ${i.caseTitle} — ${i.title}`}>
                          {m('openCase')}
                        </a>
                        <button
                          type="button"
                          aria-expanded={assigning === rowKey(i)}
                          aria-label={`${t('assign')}: ${i.caseTitle} — ${i.title}`}
                          onClick={() => setAssigning(assigning === rowKey(i) ? undefined : rowKey(i))}
                        >
                          {t('assign')}
                        </button>
                      </div>
                      {assigning === rowKey(i) && (
                        <AssignForm
                          item={i}
                          onDone={(c) => {
                            const now = c.tasks.find((x) => x.taskId === i.taskId);
                            if (now) setHeld((h) => ({ ...h, [rowKey(i)]: { assignee: now.assignee, assigneeName: now.assigneeName } }));
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
              empty={<p>{m('none')}</p>}
            >
              {nextCursor && (
                <button type="button" class="more" onClick={() => void loadMore(nextCursor)}>
                  {t('more')}
                </button>
              )}
            </Table>
          );
        }}
      </Loading>
    </section>
  );
}
