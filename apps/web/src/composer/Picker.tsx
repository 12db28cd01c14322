import { useMemo, useState, type ReactNode, type RefObject } from 'react';
import type { CannedMessage } from '@switchboard/client';

/**
 * The search state of a canned-message picker: what is typed, which row is chosen, and the rows
 * whose title or text hold every word typed.
 */
export function useCannedSearch(items: CannedMessage[] | null) {
  const [q, setQ] = useState('');
  const [at, setAt] = useState(0);
  const shown = useMemo(() => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    return (items ?? []).filter((m) => words.every((w) => m.title.toLowerCase().includes(w) || m.body.toLowerCase().includes(w)));
  }, [items, q]);
  const current = Math.min(at, Math.max(0, shown.length - 1));
  return { q, setQ, setAt, shown, current, selected: shown[current] as CannedMessage | undefined };
}

export type CannedSearch = ReturnType<typeof useCannedSearch>;

/**
 * A search box (a combobox: arrows move, Enter picks) over a listbox of canned messages; a click
 * picks without taking the focus from the search box.
 */
export function CannedList({
  search,
  items,
  input,
  idPrefix,
  searchLabel,
  placeholder,
  listLabel,
  empty,
  onPick,
  row,
}: {
  search: CannedSearch;
  items: CannedMessage[] | null;
  input: RefObject<HTMLInputElement | null>;
  /** Makes the element ids: `${idPrefix}-list` and `${idPrefix}-${id}` for each row. */
  idPrefix: string;
  searchLabel: string;
  placeholder: string;
  listLabel: string;
  /** Shown when there is nothing at all (not when the search matches nothing). */
  empty: string;
  onPick: (m: CannedMessage) => void;
  row: (m: CannedMessage) => ReactNode;
}) {
  const { q, setQ, setAt, shown, current, selected } = search;
  return (
    <>
      <input
        ref={input}
        type="search"
        aria-label={searchLabel}
        placeholder={placeholder}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setAt(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setAt((i) => Math.max(0, Math.min(shown.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1))));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            if (selected) onPick(selected);
          }
        }}
        role="combobox"
        aria-expanded="true"
        aria-controls={`${idPrefix}-list`}
        aria-activedescendant={selected ? `${idPrefix}-${selected.id}` : undefined}
      />
      <ul id={`${idPrefix}-list`} role="listbox" aria-label={listLabel}>
        {items === null && <li className="muted">Loading…</li>}
        {items !== null && !shown.length && <li className="muted">{items.length ? 'Nothing matches.' : empty}</li>}
        {shown.map((m, i) => (
          <li
            key={m.id}
            id={`${idPrefix}-${m.id}`}
            role="option"
            aria-selected={i === current}
            className={i === current ? 'on' : ''}
            onMouseDown={(e) => {
              e.preventDefault();
              onPick(m);
            }}
            onMouseEnter={() => setAt(i)}
          >
            {row(m)}
          </li>
        ))}
      </ul>
    </>
  );
}
