import { useEffect, useRef, type ReactNode } from 'react';
import { closeDrawer, useDrawerEscape } from './layout.ts';

/**
 * The details panel below 1280 px: a drawer over the thread's right side (the whole width on a
 * phone), with its own close button; Esc shuts it, and the thread under it keeps its size.
 */
export function DetailsDrawer({ children }: { children: ReactNode }) {
  const close = useRef<HTMLButtonElement>(null);
  useDrawerEscape(true);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="details-drawer">
      <button ref={close} type="button" className="btn ghost icon details-drawer-close" aria-label="Close contact details" title="Close (Esc)" onClick={closeDrawer}>
        <span aria-hidden="true">×</span>
      </button>
      {children}
    </div>
  );
}
