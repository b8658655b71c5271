/** The calendars (latest version of each), one calendar as deployed, and for admins a new version's form. */
import { useState } from 'preact/hooks';
import { api, ok, type Schemas } from '../../api/client';
import { messages, t } from '../../i18n';
import { navigate } from '../../router';
import { Loading, Time, useAsync, type Column } from '../../ui';
import { CalendarForm, weekdayName } from './calendar-form';
import { AdminFrame, ListCard } from './layout';

const m = messages(
  {
    calendars: 'Calendars',
    calendar: 'Calendar {id}',
    newCalendar: 'New calendar',
    startNew: 'Deploy a new calendar',
    newVersion: 'Deploy a new version of this calendar',
    covers: 'Dates known',
    timezone: 'Time zone',
    weekend: 'Weekend',
    workingHours: 'Working hours',
    holidays: 'Public holidays',
    workdays: 'Make-up working days',
    source: 'Source',
    deployedBy: 'Deployed by',
  },
  {
    calendars: '工作日历',
    calendar: '日历 {id}',
    newCalendar: '新日历',
    startNew: '发布新日历',
    newVersion: '发布此日历的新版本',
    covers: '已知日期范围',
    timezone: '时区',
    weekend: '周末',
    workingHours: '工作时段',
    holidays: '法定节假日',
    workdays: '调休上班日',
    source: '来源',
    deployedBy: '发布人',
  },
);

const up = () => ({ href: '/admin/calendars', label: m('calendars') });

const columns = (): Column<Schemas['CalendarSummary']>[] => [
  {
    label: 'id',
    cell: (c) => (
      <a href={`/admin/calendars/${encodeURIComponent(c.id)}`}>
        <code>{c.id}</code>
      </a>
    ),
  },
  { label: t('version'), cell: (c) => c.version },
  { label: t('title'), cell: (c) => c.title },
  { label: m('covers'), cell: (c) => `${c.covers.from} – ${c.covers.until}` },
];

export function CalendarsPage({ admin }: { admin: boolean }) {
  const list = useAsync(async () => ok(api.GET('/v1/calendars')), []);
  return (
    <AdminFrame title={m('calendars')}>
      <ListCard class="calendars" list={list} columns={columns()} rowKey={(c) => c.id} rowAttrs={(c) => ({ 'data-calendar': c.id })}>
        {admin && (
          <p>
            <a href="/admin/calendars/new">{m('startNew')}</a>
          </p>
        )}
      </ListCard>
    </AdminFrame>
  );
}

/** `/admin/calendars/:id` (the latest version, and a form for the next) or `/admin/calendars/new`. */
export function CalendarPage({ id, admin }: { id: string; admin: boolean }) {
  const isNew = id === 'new';
  const stored = useAsync(async () => (isNew ? null : ok(api.GET('/v1/calendars/{id}', { params: { path: { id } } }))), [id]);
  const [editing, setEditing] = useState(isNew);
  const [deployed, setDeployed] = useState<string>();
  const onDeployed = (r: { id: string; version: number }) => {
    setDeployed(`${r.id} v${r.version}`);
    setEditing(false);
    if (isNew) navigate(`/admin/calendars/${encodeURIComponent(r.id)}`, true);
    else stored.reload();
  };
  return (
    <AdminFrame title={isNew ? m('newCalendar') : m('calendar', { id })} up={up()}>
      {deployed && (
        <p class="notice" role="status">
          {t('deployed')}: {deployed}
        </p>
      )}
      <Loading when={stored}>
        {() => (
          <>
            {stored.data && <CalendarView c={stored.data} />}
            {admin && !editing && (
              <button type="button" class="primary" onClick={() => setEditing(true)}>
                {m('newVersion')}
              </button>
            )}
            {admin && editing && (
              <section class="card">
                <h2>{isNew ? m('startNew') : m('newVersion')}</h2>
                <CalendarForm start={stored.data ?? undefined} fixedId={!isNew} onDeployed={onDeployed} />
              </section>
            )}
          </>
        )}
      </Loading>
    </AdminFrame>
  );
}

const dateList = (dates: string[]) => (dates.length ? dates.join(', ') : '—');

function CalendarView({ c }: { c: Schemas['StoredCalendar'] }) {
  return (
    <section class="card calendar-view">
      <h2>
        {c.title}{' '}
        <span class="muted">
          ({t('version')} {c.version})
        </span>
      </h2>
      <dl>
        <dt>{m('timezone')}</dt>
        <dd>{c.timezone}</dd>
        <dt>{m('weekend')}</dt>
        <dd>{c.weekend.map(weekdayName).join(', ') || '—'}</dd>
        <dt>{m('workingHours')}</dt>
        <dd>{c.workingHours.map((p) => `${p.start}–${p.end}`).join(', ')}</dd>
        <dt>{m('holidays')}</dt>
        <dd class="dates">{dateList(c.holidays)}</dd>
        <dt>{m('workdays')}</dt>
        <dd class="dates">{dateList(c.workdays)}</dd>
        <dt>{m('covers')}</dt>
        <dd>
          {c.covers.from} – {c.covers.until}
        </dd>
        <dt>{m('source')}</dt>
        <dd>{c.source}</dd>
        <dt>{m('deployedBy')}</dt>
        <dd>
          {c.deployedBy}, <Time iso={c.deployedAt} />
        </dd>
      </dl>
    </section>
  );
}
