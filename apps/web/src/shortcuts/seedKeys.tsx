/**
 * The seed names Ctrl+T, Ctrl+R and Ctrl+N; browsers keep those for themselves (a new tab, reload,
 * a new window) and never hand them to a page, so the workspace answers Alt with the same letter.
 */
const SEED_CTRL: Record<string, string> = { 'Alt+T': 'Ctrl+T', 'Alt+R': 'Ctrl+R', 'Alt+N': 'Ctrl+N' };

/** The seed's Ctrl shortcut an Alt one stands in for, if any. */
export function seedCtrlFor(keys: string): string | undefined {
  return SEED_CTRL[keys];
}

/** The cheat sheet's first line: why Alt. */
export function AltNote() {
  return (
    <p className="muted shortcuts-note">
      Where the browser keeps Ctrl for itself (Ctrl+T opens a tab, Ctrl+R reloads, Ctrl+N opens a window), <strong>Alt replaces the Ctrl</strong> of the shortcuts you may know: Alt+T, Alt+R and Alt+N.
    </p>
  );
}
