/**
 * Who is signed in. Tokens live in memory only (never localStorage): a reload signs out, except that
 * with OpenID Connect the provider's own session signs the user straight back in.
 * - OpenID Connect (production): authorization code with PKCE against AUTH_ISSUER (oidc-client-ts);
 *   the access token must carry the API's claims (sub, name, roles, dept, org).
 * - Development (`npm start` on the development secret): the "sign in as" form asks the API for a
 *   development token (POST /v1/session/dev-token, which exists only then).
 */
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { useEffect, useState } from 'preact/hooks';
// The API's own type of the person behind a token (type-only: nothing of common/ is bundled).
import type { Actor, Role } from '../../common/types';

export type { Actor, Role };
export interface SessionConfig {
  mode: 'development' | 'oidc';
  issuer?: string;
  clientId?: string;
  scopes?: string;
}

interface State {
  token: string | null;
  actor: Actor | null;
  reason?: 'expired';
}

let state: State = { token: null, actor: null };
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export const currentToken = () => state.token;

/** The claims of a JWT (not verified here: the API verifies every request). */
export function claimsOf(token: string): Actor {
  const part = token.split('.')[1] ?? '';
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  const c = JSON.parse(json) as Partial<Actor> & { roles?: unknown };
  return {
    sub: String(c.sub ?? ''),
    name: String(c.name ?? c.sub ?? ''),
    roles: Array.isArray(c.roles) ? (c.roles as Role[]) : [],
    ...(c.dept ? { dept: String(c.dept) } : {}),
    ...(c.org ? { org: String(c.org) } : {}),
  };
}

export function signIn(token: string): void {
  state = { token, actor: claimsOf(token) };
  emit();
}

export function signedOut(reason?: 'expired'): void {
  state = { token: null, actor: null, ...(reason ? { reason } : {}) };
  emit();
}

export function useSession(): State {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return state;
}

export async function loadSessionConfig(): Promise<SessionConfig> {
  const res = await fetch('/v1/session/config');
  if (!res.ok) throw new Error(`session config: HTTP ${res.status}`);
  return (await res.json()) as SessionConfig;
}

export async function devSignIn(body: Actor): Promise<void> {
  const res = await fetch('/v1/session/dev-token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { token?: string; detail?: string; errors?: { path: string; message: string }[] };
  if (!res.ok || !json.token) {
    const errors = json.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new Error([json.detail ?? `HTTP ${res.status}`, errors].filter(Boolean).join(' — '));
  }
  signIn(json.token);
}

let manager: UserManager | undefined;
function oidc(config: SessionConfig): UserManager {
  if (!config.issuer || !config.clientId) throw new Error('OpenID Connect is not configured on the server (AUTH_ISSUER, OIDC_CLIENT_ID)');
  manager ??= new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${location.origin}/`,
    post_logout_redirect_uri: `${location.origin}/`,
    response_type: 'code',
    scope: config.scopes ?? 'openid profile',
    // Tokens in memory; only the PKCE verifier and state survive the redirect (session storage).
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
  });
  return manager;
}

export async function oidcSignIn(config: SessionConfig): Promise<void> {
  sessionStorage.setItem('onestop.returnTo', location.pathname + location.search);
  await oidc(config).signinRedirect();
}

/** After the provider redirects back with `?code=…&state=…`: exchange the code, keep the token. */
export async function completeOidcSignIn(config: SessionConfig): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  if (config.mode !== 'oidc' || !params.has('code') || !params.has('state')) return false;
  const user = await oidc(config).signinRedirectCallback();
  signIn(user.access_token);
  const back = sessionStorage.getItem('onestop.returnTo') ?? '/';
  sessionStorage.removeItem('onestop.returnTo');
  history.replaceState(null, '', back);
  return true;
}

export async function signOut(config: SessionConfig | undefined): Promise<void> {
  signedOut();
  if (config?.mode === 'oidc' && manager) await manager.signoutRedirect().catch(() => undefined);
}

export const hasRole = (a: Actor | null, ...roles: Role[]) => Boolean(a?.roles.some((r) => roles.includes(r)));
