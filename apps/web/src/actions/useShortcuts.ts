import { useEffect, useRef } from 'react';
import { matches, type Action } from './types.ts';

/**
 * Binds the shortcuts of `actions` on the document while mounted: a key runs an action only when
 * it is allowed now (the same test that shows its button). Dialogs keep their keys; a field keeps
 * its typing unless the shortcut says otherwise (Alt combinations never type).
 */
export function useShortcuts<C>(actions: Array<Action<C>>, ctx: C): void {
  const ref = useRef(ctx);
  ref.current = ctx;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || document.querySelector('[role="dialog"]')) return;
      const t = e.target as HTMLElement | null;
      const inField = Boolean(t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)));
      for (const a of actions) {
        const s = a.shortcut;
        if (!s || !matches(s, e)) continue;
        if (inField && !s.alt && !s.inFields) continue;
        if (!a.allowed(ref.current)) return;
        e.preventDefault();
        a.perform(ref.current);
        return;
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [actions]);
}
