/**
 * The admin pages, routed by path under /admin: an index linking to each, then incidents, templates
 * (the editor), calendars, the notification directory and the key-SME list. Supervisors and auditors
 * read what the API lets them read; only admins change anything (the API decides anyway).
 */
import './admin.css';
import { messages, t } from '../../i18n';
import { useLocation } from '../../router';
import { hasRole, type Actor } from '../../session';
import { CalendarPage, CalendarsPage } from './calendars';
import { DirectoryPage } from './directory';
import { IncidentsPage } from './incidents';
import { KeySmePage } from './key-sme';
import { KeySmesPage } from './key-smes';
import { TemplateEditorPage } from './template-editor';
import { TemplatesPage } from './templates';

const m = messages(
  {
    calendars: 'Calendars',
    directory: 'Notification directory',
    incidentsWhat: 'cases stopped on a step that failed for good, and their retry',
    templatesWhat: 'the processes’ templates: edit, compare with the deployed version, deploy',
    calendarsWhat: 'working days, hours and holidays that working-time limits count on',
    directoryWhat: 'the e-mail addresses of each department, its supervisor and the command centre',
    keySmesWhat: 'enterprises whose cases go first: list, edit, history, CSV import',
  },
  {
    calendars: '工作日历',
    directory: '通知通讯录',
    incidentsWhat: '因某一步骤永久失败而暂停的案件，以及重试',
    templatesWhat: '各流程的模板：编辑、与已发布版本比较、发布',
    calendarsWhat: '按工作时间计算的期限所依据的工作日、工作时段和节假日',
    directoryWhat: '各部门、其主管和指挥中心的电子邮件地址',
    keySmesWhat: '优先办理的企业：名单、编辑、变更记录、CSV 导入',
  },
);

interface Section {
  path: string;
  title: () => string;
  what: () => string;
  /** Who may open it: as the API's access table allows the reads behind it. */
  when: (a: Actor) => boolean;
}

const SECTIONS: Section[] = [
  { path: '/admin/incidents', title: () => t('incidents'), what: () => m('incidentsWhat'), when: (a) => hasRole(a, 'admin', 'auditor') },
  { path: '/admin/templates', title: () => t('templates'), what: () => m('templatesWhat'), when: () => true },
  { path: '/admin/calendars', title: () => m('calendars'), what: () => m('calendarsWhat'), when: () => true },
  { path: '/admin/directory', title: () => m('directory'), what: () => m('directoryWhat'), when: (a) => hasRole(a, 'admin') },
  { path: '/admin/key-smes', title: () => t('keySmes'), what: () => m('keySmesWhat'), when: () => true },
];

export function AdminPage({ actor, path }: { actor: Actor; path: string }) {
  const { query } = useLocation();
  const admin = hasRole(actor, 'admin');
  const [, section, id, ...rest] = path.replace(/\/+$/, '').split('/').slice(1);
  const open = SECTIONS.find((s) => s.path === `/admin/${section}`);
  const key = id === undefined ? undefined : decodeURIComponent(id);
  if (!section || !open || !open.when(actor) || rest.length > 0) return <AdminIndex actor={actor} />;
  switch (section) {
    case 'incidents':
      return <IncidentsPage admin={admin} />;
    case 'templates':
      if (key === 'new') return <TemplateEditorPage kind={query.get('kind') ?? undefined} admin={admin} />;
      return key ? <TemplateEditorPage id={key} admin={admin} /> : <TemplatesPage admin={admin} />;
    case 'calendars':
      return key ? <CalendarPage id={key} admin={admin} /> : <CalendarsPage admin={admin} />;
    case 'directory':
      return <DirectoryPage />;
    default:
      return key ? <KeySmePage creditCode={key} admin={admin} /> : <KeySmesPage admin={admin} />;
  }
}

function AdminIndex({ actor }: { actor: Actor }) {
  return (
    <section class="admin">
      <h1>{t('adminTitle')}</h1>
      <ul class="admin-links grid">
        {SECTIONS.filter((s) => s.when(actor)).map((s) => (
          <li key={s.path} class="card">
            <h2>
              <a href={s.path}>{s.title()}</a>
            </h2>
            <p class="hint">{s.what()}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
