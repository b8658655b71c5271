/** Sign-in: the development "sign in as" form, or OpenID Connect. */
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { devSignIn, oidcSignIn, type Role, type SessionConfig } from '../session';
import { Field, ProblemView } from '../ui';

export function SignInPage({ config, expired }: { config: SessionConfig; expired: boolean }) {
  const [form, setForm] = useState({ user: '', name: '', roles: '', dept: '', org: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });

  const submitDev = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const roles = form.roles
        .split(/[,\s]+/)
        .map((r) => r.trim())
        .filter(Boolean) as Role[];
      await devSignIn({
        sub: form.user.trim(),
        name: form.name.trim() || form.user.trim(),
        roles,
        ...(form.dept.trim() ? { dept: form.dept.trim() } : {}),
        ...(form.org.trim() ? { org: form.org.trim() } : {}),
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card narrow">
      <h1>{t('signInTitle')}</h1>
      {expired && <p class="notice">{t('sessionExpired')}</p>}
      {config.mode === 'development' ? (
        <form onSubmit={submitDev} class="stack">
          <p class="hint">{t('signInDev')}</p>
          <Field label="User" render={(a) => <input {...a} required autoComplete="username" value={form.user} onInput={set('user')} />} />
          <Field label="Name" render={(a) => <input {...a} autoComplete="name" value={form.name} onInput={set('name')} />} />
          <Field label="Roles" hint={t('rolesHint')} render={(a) => <input {...a} required value={form.roles} onInput={set('roles')} />} />
          <Field label="Department" render={(a) => <input {...a} value={form.dept} onInput={set('dept')} />} />
          <Field label="Organisation" hint={t('organisationHint')} render={(a) => <input {...a} value={form.org} onInput={set('org')} />} />
          <ProblemView error={error} />
          <button type="submit" class="primary" disabled={busy}>
            Sign in
          </button>
        </form>
      ) : config.issuer && config.clientId ? (
        <div class="stack">
          <p>{t('signInOidc')}</p>
          <ProblemView error={error} />
          <button type="button" class="primary" onClick={() => oidcSignIn(config).catch(setError)}>
            {t('signInOidcButton')}
          </button>
        </div>
      ) : (
        <p class="problem">{t('signInMissing')}</p>
      )}
    </section>
  );
}
