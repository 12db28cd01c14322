import { createStore, useStore } from '../stores/store.ts';

/**
 * The app's URL router, on the history API: the address is the source of truth for what is on
 * screen (a conversation, a list tab and filters, an admin section, a screen), so a reload or a shared
 * link shows the same. Components read `useLocation()` and change it with `navigate()`.
 */
export interface Location {
  pathname: string;
  /** The query string with its `?`, or ''. */
  search: string;
}

function here(): Location {
  return { pathname: window.location.pathname, search: window.location.search };
}

const location = createStore<Location>(here);
window.addEventListener('popstate', () => location.set(here()));

export const useLocation = () => useStore(location);
export const currentLocation = () => location.get();

/** Goes to `to` (path and query); `replace` for changes not worth a Back step (typing a search). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const now = window.location.pathname + window.location.search;
  if (to !== now) {
    if (opts.replace) window.history.replaceState({}, '', to);
    else window.history.pushState({}, '', to);
  }
  const next = here();
  location.set((l) => (l.pathname === next.pathname && l.search === next.search ? l : next));
}

/** `/conversations/:id` against `/conversations/12` → `{ id: '12' }`; a trailing `/:x?` may be absent. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const got = pathname.split('/').filter(Boolean);
  if (got.length > want.length || got.length < want.filter((p) => !p.endsWith('?')).length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i];
    if (w.startsWith(':')) {
      if (g !== undefined) params[w.slice(1).replace(/\?$/, '')] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}
