import { useEffect, useRef, type RefObject } from 'react';

const TABBABLE = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, iframe, summary, [tabindex], [contenteditable="true"]';

/** What Tab reaches inside `root`, in order: enabled, shown, not taken out of the tab order. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && !el.closest('[inert]') && el.getClientRects().length > 0,
  );
}

/**
 * Where the focus goes when the modal closes: what had it when the modal opened, or, when that was
 * an item of a menu (which closes as the modal opens), the button of that menu.
 */
function returnTarget(active: Element | null): HTMLElement | null {
  if (!(active instanceof HTMLElement)) return null;
  const menu = active.closest('[role="menu"]');
  return menu?.parentElement?.querySelector<HTMLElement>(':scope > [aria-haspopup="menu"]') ?? active;
}

/** Where focus last was, as a return target worked out while it was still on the page. */
let lastFocused: HTMLElement | null = null;
document.addEventListener('focusin', (e) => {
  lastFocused = returnTarget(e.target as Element | null);
});

/** The open modals, innermost last: keys go to the top one only. */
const stack: HTMLElement[] = [];

/**
 * A modal's keyboard contract (issue 14, seen 6): focus moves in when it opens, Tab and Shift+Tab
 * cycle inside it, Esc closes it wherever the focus is (even on the page behind, or nowhere), and
 * focus goes back to what opened it. Listening on the document rather than on the dialog is the
 * point: a dialog's own key handler stops hearing keys as soon as focus is outside it. An Esc that
 * a control inside handled first (a list it closed: `preventDefault`) does not close the modal.
 */
export function useFocusTrap(ref: RefObject<HTMLElement | null>, onClose: () => void): void {
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // A control that opened the modal and left in the same render (a menu item) took the focus with it.
    const active = document.activeElement;
    const opener = active && active !== document.body ? returnTarget(active) : lastFocused;
    stack.push(el);
    (el.querySelector<HTMLElement>('[autofocus]') ?? tabbables(el)[0] ?? el).focus();
    const onTop = () => stack[stack.length - 1] === el;

    const onKey = (e: KeyboardEvent) => {
      if (!onTop() || e.defaultPrevented) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
        return;
      }
      if (e.key !== 'Tab') return;
      const items = tabbables(el);
      const first = items[0];
      const last = items[items.length - 1];
      const at = document.activeElement;
      if (!first || !last) {
        e.preventDefault();
        el.focus();
      } else if (!el.contains(at)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      } else if (e.shiftKey && (at === first || at === el)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && at === last) {
        e.preventDefault();
        first.focus();
      }
    };
    // Focus that lands behind the modal (a script, a click through) comes back in.
    const onFocusIn = (e: FocusEvent) => {
      if (onTop() && e.target instanceof Node && !el.contains(e.target)) (tabbables(el)[0] ?? el).focus();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', onFocusIn);
      stack.splice(stack.indexOf(el), 1);
      // Back to the opener, unless focus has already moved on (the cleanup of an effect may run
      // after the next key: taking focus back then sent Enter to the old opener).
      const at = document.activeElement;
      if (opener?.isConnected && (!at || at === document.body || el.contains(at))) opener.focus();
    };
  }, [ref]);
}
