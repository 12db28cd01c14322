/**
 * One action of the app: its name, label, keyboard shortcut and when it is allowed. Buttons, menus,
 * key bindings and the cheat sheet are all drawn from the registries (conversation.ts, workspace.ts),
 * so a button cannot be offered where its shortcut is refused, or the other way round.
 */
export interface Shortcut {
  /** KeyboardEvent.code (layout-independent: Alt+T is the T key whatever Alt types on a Mac). */
  code?: string;
  /** KeyboardEvent.key, for keys named by what they type (`?`, Escape). */
  key?: string;
  alt?: boolean;
  /** As the cheat sheet and aria-keyshortcuts say it. */
  label: string;
  aria?: string;
  /** Also while typing in a field (Esc); otherwise a focused field keeps its keys. */
  inFields?: boolean;
}

export interface Action<C> {
  name: string;
  label: string | ((ctx: C) => string);
  /** What it does, for the cheat sheet. */
  describe?: string;
  shortcut?: Shortcut;
  /** Where it is drawn: the thread header's toolbar, a conversation row's context menu. */
  placement: Array<'header' | 'menu'>;
  allowed: (ctx: C) => boolean;
  /** The highlighted button. */
  primary?: (ctx: C) => boolean;
  /** A menu button: these are its items (End chat → End / End with a new ticket). */
  items?: Array<Action<C>>;
  /** A submenu filled when opened (Add label → the labels). */
  submenu?: 'labels';
  perform: (ctx: C) => void;
}

export const labelOf = <C,>(a: Action<C>, ctx: C): string => (typeof a.label === 'function' ? a.label(ctx) : a.label);

/** Whether a key event is this shortcut. */
export function matches(s: Shortcut, e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || Boolean(s.alt) !== e.altKey) return false;
  return s.code ? e.code === s.code : e.key === s.key;
}
