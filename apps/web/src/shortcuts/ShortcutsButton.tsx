/** The visible way to the keyboard shortcuts (issue 14), beside `?`: opens the same cheat sheet. */
export function ShortcutsButton({ onClick }: { onClick: () => void }) {
  return (
    <button className="btn ghost" onClick={onClick} aria-keyshortcuts="?" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
      <span aria-hidden="true">⌨</span> <span className="shortcuts-word">Shortcuts</span>
    </button>
  );
}
