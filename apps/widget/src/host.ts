import { client, hostOrigin, s } from './state.ts';

/** The saved visitor token: in this origin's storage, or (storage blocked) the copy the page keeps. */
type Saved = { token: string; userId: string | null };
const STORE = 'sb_visitor';
let fromHost: Saved | null = null;

/** The page's copy of the token, sent with `init` (for browsers that block the iframe's storage). */
export function keepHostCopy(saved: Saved): void {
  fromHost = saved;
}

export function saved(): Saved | null {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? 'null') ?? fromHost;
  } catch {
    return fromHost;
  }
}

/**
 * Messages go to the embedding page's origin only (the one the loader told us), never `'*'`: if
 * another page framed us, the browser drops them. Which sites may frame us at all is the server's
 * `frame-ancestors` (the widget settings' site origins).
 */
export function toHost(msg: object): void {
  if (hostOrigin && parent !== window) parent.postMessage({ sb: true, ...msg }, hostOrigin);
}

export function save(): void {
  const entry = { token: client.token, userId: s.user?.id ?? null };
  try {
    localStorage.setItem(STORE, JSON.stringify(entry));
  } catch {
    /* storage may be blocked here: the page keeps a copy */
  }
  toHost({ type: 'token', ...entry });
}
