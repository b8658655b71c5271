/** A small router over the History API: the server answers index.html for every app path. */
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
  window.scrollTo(0, 0);
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const [, set] = useState(0);
  useEffect(() => {
    const l = () => set((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** Left clicks on app links navigate in place; modified clicks open as the browser would. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as HTMLElement).closest('a');
  // In-page anchors (the skip link) keep the browser's behaviour: scroll and move focus there.
  if (
    !a ||
    a.getAttribute('href')?.startsWith('#') ||
    a.target ||
    a.hasAttribute('download') ||
    e.button !== 0 ||
    e.metaKey ||
    e.ctrlKey ||
    e.shiftKey ||
    e.altKey
  )
    return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(v1|codec|openapi\.json|healthz)/.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}
