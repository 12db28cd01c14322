import type { MouseEvent } from 'react';
import { navigate } from '../router/router.ts';

/** Follows an in-app link through the router; modified clicks (new tab, new window) are left to the browser. */
export function followInApp(e: MouseEvent<HTMLAnchorElement>): void {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? '/');
}

export { navigate as go };
