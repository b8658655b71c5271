/** The shell: sign-in, navigation by role, language switch, and the pages. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { currentLang, setLang, t, useLang, type Lang } from './i18n';
import { AdminPage } from './pages/admin';
import { AuditPage } from './pages/audit';
import { CasePage } from './pages/case';
import { CasesPage } from './pages/cases';
import { DashboardPage } from './pages/dashboard';
import { EscalationsPage } from './pages/escalations';
import { InboxPage } from './pages/inbox';
import { NoticesPage } from './pages/notices';
import { OpenCasePage } from './pages/open-case';
import { SignInPage } from './pages/sign-in';
import { navigate, onLinkClick, useLocation } from './router';
import { completeOidcSignIn, hasRole, loadSessionConfig, signOut, useSession, type Actor, type SessionConfig } from './session';
import { ProblemView } from './ui';

function home(a: Actor): string {
  if (hasRole(a, 'caseworker', 'supervisor')) return '/inbox';
  if (hasRole(a, 'auditor')) return '/audit';
  if (hasRole(a, 'admin')) return '/admin';
  return '/cases';
}

const NAV: { path: string; key: Parameters<typeof t>[0]; when: (a: Actor) => boolean }[] = [
  { path: '/inbox', key: 'navInbox', when: (a) => hasRole(a, 'caseworker', 'supervisor') },
  { path: '/cases', key: 'navCases', when: () => true },
  { path: '/notices', key: 'notifications', when: (a) => hasRole(a, 'applicant') },
  { path: '/escalations', key: 'escalations', when: (a) => hasRole(a, 'supervisor') },
  { path: '/audit', key: 'navAudit', when: (a) => hasRole(a, 'auditor', 'supervisor') },
  { path: '/dashboard', key: 'navDashboard', when: (a) => hasRole(a, 'auditor', 'supervisor') },
  { path: '/admin', key: 'navAdmin', when: (a) => hasRole(a, 'admin', 'supervisor', 'auditor') },
];

function LangSwitch() {
  const lang = useLang();
  return (
    <label class="lang">
      <span class="visually-hidden">{t('language')}</span>
      <select value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)} aria-label={t('language')}>
        <option value="en">English</option>
        <option value="zh-CN">简体中文</option>
      </select>
    </label>
  );
}

export function App() {
  useLang();
  const session = useSession();
  const { path } = useLocation();
  const [config, setConfig] = useState<SessionConfig>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    loadSessionConfig()
      .then(async (c) => {
        setConfig(c);
        await completeOidcSignIn(c);
      })
      .catch(setError);
  }, []);

  const actor = session.actor;
  // A new page takes the focus to its content, so keyboard and screen-reader users start there.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus();
  }, [path]);
  useEffect(() => {
    if (actor && path === '/') navigate(home(actor), true);
  }, [actor, path]);

  let main;
  if (error) main = <ProblemView error={error} />;
  else if (!config) main = <p aria-busy="true">{t('loading')}</p>;
  else if (!actor) main = <SignInPage config={config} expired={session.reason === 'expired'} />;
  else main = <Page path={path} actor={actor} />;

  return (
    <div class="shell" onClick={onLinkClick} data-lang={currentLang()}>
      <a class="skip" href="#main">
        {t('skip')}
      </a>
      <header class="top">
        <a class="brand" href="/">
          {t('appName')}
        </a>
        {actor && (
          <nav aria-label="main">
            {NAV.filter((n) => n.when(actor)).map((n) => (
              <a key={n.path} href={n.path} aria-current={path.startsWith(n.path) ? 'page' : undefined}>
                {t(n.key)}
              </a>
            ))}
          </nav>
        )}
        <div class="who">
          <LangSwitch />
          {actor && (
            <>
              <span class="me" title={actor.roles.join(', ')}>
                {t('signedInAs')} <strong data-testid="me">{actor.name}</strong>
                {actor.dept ? ` · ${actor.dept}` : ''}
              </span>
              <button type="button" class="link" onClick={() => void signOut(config).then(() => navigate('/'))}>
                {t('signOut')}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {main}
      </main>
    </div>
  );
}

function Page({ path, actor }: { path: string; actor: Actor }) {
  const caseMatch = /^\/cases\/([^/]+)$/.exec(path);
  const auditMatch = /^\/audit\/([^/]+)$/.exec(path);
  if (path === '/' || path === '') return null;
  if (path === '/inbox') return <InboxPage actor={actor} />;
  if (path === '/cases') return <CasesPage actor={actor} />;
  if (path === '/cases/new') return <OpenCasePage actor={actor} />;
  if (path === '/escalations') return <EscalationsPage actor={actor} />;
  if (path === '/notices') return <NoticesPage />;
  if (caseMatch) return <CasePage caseId={decodeURIComponent(caseMatch[1]!)} actor={actor} />;
  if (path === '/audit') return <AuditPage actor={actor} />;
  if (auditMatch) return <AuditPage actor={actor} caseId={decodeURIComponent(auditMatch[1]!)} />;
  if (path === '/dashboard') return <DashboardPage />;
  if (path === '/admin' || path.startsWith('/admin/')) return <AdminPage actor={actor} path={path} />;
  return (
    <p>
      {t('notFound')} <a href="/">{t('home')}</a>
    </p>
  );
}
