import { useEffect } from 'react';
import { createStore, useStore } from '../stores/store.ts';
import { toggleDetails, useDetailsOpen } from '../stores/settings.ts';

/**
 * The workspace's widths (issue 14, build 3), the same breakpoints as styles.css's layout section:
 * `wide` (≥ 1280 px) shows the list, the thread and the details side by side; `medium` (1024–1279)
 * shows the details as a drawer over the thread; `narrow` (< 1024) shows the list or the thread.
 */
export type LayoutSize = 'wide' | 'medium' | 'narrow';

const WIDE = '(min-width: 1280px)';
const MEDIUM = '(min-width: 1024px)';

function measure(): LayoutSize {
  if (typeof window === 'undefined' || !window.matchMedia) return 'wide';
  return window.matchMedia(WIDE).matches ? 'wide' : window.matchMedia(MEDIUM).matches ? 'medium' : 'narrow';
}

const size = createStore<LayoutSize>(measure);
if (typeof window !== 'undefined' && window.matchMedia) {
  for (const q of [WIDE, MEDIUM]) window.matchMedia(q).addEventListener('change', () => size.set(measure()));
}
export const useLayoutSize = () => useStore(size);

/** The conversation whose details drawer is open (below 1280 px); another conversation opens with it shut. */
const drawer = createStore<number | null>(() => null);

/** Whether the open conversation shows its details: the panel's preference when wide, the drawer otherwise. */
export function useDetailsShown(conversationId: number | null): boolean {
  const layout = useLayoutSize();
  const panel = useDetailsOpen();
  const drawerFor = useStore(drawer);
  if (conversationId === null) return false;
  return layout === 'wide' ? panel : drawerFor === conversationId;
}

/** The thread header's details button: the panel when wide, the drawer over the thread otherwise. */
export function toggleDetailsFor(conversationId: number): void {
  if (size.get() === 'wide') return toggleDetails();
  drawer.set((d) => (d === conversationId ? null : conversationId));
}

export function closeDrawer(): void {
  if (drawer.get() === null) return;
  drawer.set(null);
  // Back to the button that opened it, so the keyboard carries on where it was.
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-details-toggle]')?.focus());
}

/**
 * While the drawer is open, Esc shuts it first (before the workspace's Esc closes the conversation);
 * a dialog above it keeps its own Esc.
 */
export function useDrawerEscape(open: boolean): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('[role="dialog"]')) return;
      e.preventDefault();
      e.stopPropagation();
      closeDrawer();
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [open]);
}
