import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Modal } from '../ui.tsx';
import type { Channel, Conversation, ConversationFilters, ConversationStatus } from '../types.ts';
import type { Directory } from '../stores/directory.ts';
import { CHANNELS, toggled } from '../ui.tsx';
import { STATUS_NAMES } from './statusNames.ts';
import { RowContent } from './RowContent.tsx';
import { CustomerTagFilter } from './CustomerTagFilter.tsx';
import { MoreFilters } from './MoreFilters.tsx';
import { RowMenu, type RowMenuAt } from './RowMenu.tsx';
import './list.css';

type View = NonNullable<ConversationFilters['view']>;
/** A list tab: a server view, or the pick list (seed 001), which has its own endpoint. */
type TabKey = View | 'pick';
const TABS: Array<{ key: TabKey; label: string }> = [
  { key: 'mine', label: 'Mine' },
  { key: 'queued', label: 'Queued' },
  { key: 'all', label: 'All' },
  { key: 'pick', label: 'Pick list' },
  { key: 'abandoned', label: 'Abandoned' },
  { key: 'callback', label: 'Callbacks' },
];


interface Props {
  items: Conversation[];
  unread: Record<number, number>;
  filters: ConversationFilters;
  setFilters: (f: ConversationFilters) => void;
  openId: number | null;
  onOpen: (id: number) => void;
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  onMore: () => void;
  dir: Directory;
  /** Deletes the selected conversations (users with the delete right only). */
  onDelete?: (ids: number[]) => Promise<void>;
  /** The pick list tab (seed 001), when one of my queues lets agents pick. */
  pick?: PickList;
  /** Adds a workflow label, keeping the others (seed 004: right-click → Add label). */
  onAddLabel?: (conversation: Conversation, labelId: number) => Promise<void>;
}

export interface PickList {
  /** One of my queues uses the pick-list routing mode. */
  available: boolean;
  open: boolean;
  setOpen: (open: boolean) => void;
  items: Conversation[];
  loading: boolean;
  onPick: (id: number) => Promise<void>;
}

/** Every row has this height, so a few thousand rows render as a window of ~30 (hand-written windowing). */
export const ROW_HEIGHT = 100;
const OVERSCAN = 8;

export function ConversationList({ items: listed, unread, filters, setFilters, openId, onOpen, loading: listLoading, error, hasMore: listHasMore, onMore, dir, onDelete, pick, onAddLabel }: Props) {
  const picking = Boolean(pick?.available && pick.open);
  const items = picking ? pick!.items : listed;
  const loading = picking ? pick!.loading : listLoading;
  const hasMore = !picking && listHasMore;
  const [picked, setPicked] = useState<number | null>(null);
  const [menu, setMenu] = useState<RowMenuAt | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [actionsOpen, setActionsOpen] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  // Re-render only when the window moves by a row, not on every scroll event.
  const measure = useCallback(() => {
    const el = listRef.current;
    if (!el) return;
    const top = Math.floor(el.scrollTop / ROW_HEIGHT) * ROW_HEIGHT;
    const height = el.clientHeight || 600;
    setScroll((s) => (s.top === top && s.height === height ? s : { top, height }));
  }, []);
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [measure]);
  // A new answer (search, filter, tab) starts at its top. Until it is in, the old rows stay, and
  // the window is clamped to what is listed: the offset scrolled to in thousands of rows must not
  // point past the end of a short answer, which rendered nothing at all (issue 14, seen 7).
  const answered = useRef(filters);
  const sawLoading = useRef(false);
  useLayoutEffect(() => {
    if (answered.current === filters) return;
    if (loading) {
      sawLoading.current = true;
      return;
    }
    if (!sawLoading.current) return;
    sawLoading.current = false;
    answered.current = filters;
    if (listRef.current) listRef.current.scrollTop = 0;
    measure();
  }, [filters, loading, measure]);
  const top = Math.min(scroll.top, Math.max(0, items.length * ROW_HEIGHT - scroll.height));
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((top + scroll.height) / ROW_HEIGHT) + OVERSCAN);
  const visible = items.slice(first, last);
  // The Bot badge: conversations whose assignee is an agent bot (Admin → Bots).
  const bots = useMemo(() => new Set(dir.users.filter((u) => u.kind === 'bot').map((u) => u.id)), [dir.users]);
  // Selection only keeps what is still listed.
  const listedIds = useMemo(() => new Set(items.map((c) => c.id)), [items]);
  const chosen = [...selected].filter((id) => listedIds.has(id));
  const allChosen = items.length > 0 && chosen.length === items.length;
  const toggle = (id: number, on: boolean) => setSelected((s) => toggled(s, id, on));
  const [search, setSearch] = useState(filters.q ?? '');
  const [, tick] = useState(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  // Search as you type, a moment after the last key.
  useEffect(() => {
    const q = search.trim();
    if ((filtersRef.current.q ?? '') === q) return;
    const t = setTimeout(() => setFilters({ ...filtersRef.current, q: q || undefined }), 300);
    return () => clearTimeout(t);
  }, [search, setFilters]);

  // Relative times move on.
  useEffect(() => {
    const t = setInterval(() => tick((n) => n + 1), 30_000);
    return () => clearInterval(t);
  }, []);

  const tabs = TABS.filter((t) => t.key !== 'pick' || pick?.available);
  const view = filters.view ?? 'all';
  const activeTab: TabKey = picking ? 'pick' : view;
  function chooseTab(key: TabKey) {
    if (key === 'pick') {
      pick?.setOpen(true);
      return;
    }
    pick?.setOpen(false);
    if (key !== view) setFilters({ ...filters, view: key });
  }

  function onTabKey(e: KeyboardEvent, index: number) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = tabs[(index + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
    chooseTab(next.key);
    (e.currentTarget.parentElement?.querySelector(`[data-view="${next.key}"]`) as HTMLElement | null)?.focus();
  }

  /** Shift+F10 or the ContextMenu key on a focused row opens its menu, as a right-click does. */
  function onRowKey(e: KeyboardEvent<HTMLButtonElement>, c: Conversation) {
    if (!onAddLabel || !(e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10'))) return;
    e.preventDefault();
    const r = e.currentTarget.getBoundingClientRect();
    setMenu({ conversation: c, x: r.left + 48, y: r.top + r.height / 2 });
  }

  function onListKey(e: KeyboardEvent<HTMLUListElement>) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-conversation-id]')];
    const at = rows.indexOf(document.activeElement as HTMLElement);
    const next = rows[Math.max(0, Math.min(rows.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  }

  const now = Date.now();

  return (
    <nav className="list-panel" aria-label="Conversations">
      <div className="list-head">
        <div className="tabs" role="tablist" aria-label="Which conversations">
          {tabs.map((t, i) => (
            <button
              key={t.key}
              role="tab"
              data-view={t.key}
              aria-selected={activeTab === t.key}
              tabIndex={activeTab === t.key ? 0 : -1}
              className={activeTab === t.key ? 'tab active' : 'tab'}
              onClick={() => chooseTab(t.key)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {t.label}
            </button>
          ))}
        </div>
        {onDelete && chosen.length > 0 ? (
          <div className="select-bar">
            <input type="checkbox" aria-label="Select all conversations" checked={allChosen} onChange={(e) => setSelected(e.target.checked ? new Set(items.map((c) => c.id)) : new Set())} />
            <span>{chosen.length} selected</span>
            <span className="spacer" />
            <div className="menu-wrap">
              <button className="btn small" aria-haspopup="menu" aria-expanded={actionsOpen} onClick={() => setActionsOpen((v) => !v)}>
                Actions
              </button>
              {actionsOpen && (
                <div role="menu" className="menu">
                  <button role="menuitem" className="danger" onClick={() => { setActionsOpen(false); setConfirmDelete(true); }}>
                    Delete
                  </button>
                </div>
              )}
            </div>
            <button className="btn ghost small" onClick={() => setSelected(new Set())}>
              Cancel
            </button>
          </div>
        ) : (
        <label className="search">
          <span className="sr-only">Search conversations</span>
          <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <circle cx="11" cy="11" r="7" />
            <path d="M20 20l-4-4" strokeLinecap="round" />
          </svg>
          <input type="search" placeholder="Search name, email, phone, text or #id" value={search} disabled={picking} onChange={(e) => setSearch(e.target.value)} />
        </label>
        )}
        <fieldset className="list-controls" disabled={picking}>
        <div className="filters">
          <select aria-label="Status"
              value={filters.status?.[0] ?? ''}
              onChange={(e) => setFilters({ ...filters, status: e.target.value ? [e.target.value as ConversationStatus] : undefined })}
            >
              <option value="">Any status</option>
              {Object.entries(STATUS_NAMES).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          <select aria-label="Channel" value={filters.channel?.[0] ?? ''} onChange={(e) => setFilters({ ...filters, channel: e.target.value ? [e.target.value as Channel] : undefined })}>
              <option value="">Any channel</option>
              {Object.entries(CHANNELS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v.name}
                </option>
              ))}
            </select>
          <select aria-label="Tag" value={filters.tagId?.[0] ?? ''} onChange={(e) => setFilters({ ...filters, tagId: e.target.value ? [Number(e.target.value)] : undefined })}>
              <option value="">Any tag</option>
              {dir.conversationTags.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          <CustomerTagFilter filters={filters} setFilters={setFilters} />
          <MoreFilters filters={filters} setFilters={setFilters} dir={dir} />
        </div>
        </fieldset>
      </div>
      {error && (
        <p className="list-error" role="alert">
          {error}
        </p>
      )}
      <div className="list-busy-slot">
        {loading && items.length > 0 && (
          <div className="list-busy" role="status" aria-label={filters.q && !picking ? 'Searching…' : 'Loading…'}>
            <span className="spinner" aria-hidden="true" />
            {filters.q && !picking ? 'Searching…' : 'Loading…'}
          </div>
        )}
      </div>
      {picking && <p className="pick-note muted">Waiting in your queues, longest first. Pick one to make it yours.</p>}
      <ul
        className="conv-list"
        ref={listRef}
        onKeyDown={onListKey}
        aria-busy={loading}
        onScroll={(e) => {
          const el = e.currentTarget;
          measure();
          if (hasMore && !loading && el.scrollTop + el.clientHeight > el.scrollHeight - ROW_HEIGHT * 5) onMore();
        }}
      >
        {first > 0 && <li aria-hidden="true" className="spacer-row" style={{ height: first * ROW_HEIGHT }} />}
        {visible.map((c) => {
          const n = unread[c.id] ?? c.unreadCount;
          const name = c.contact?.name ?? 'Unknown customer';
          const label = c.labels[0];
          return (
            <li key={c.id} className={`conv-item${chosen.includes(c.id) ? ' selected' : ''}${picking ? ' pickable' : ''}`} style={{ height: ROW_HEIGHT }}>
              {onDelete && !picking && (
                <input
                  type="checkbox"
                  className="row-check"
                  aria-label={`Select ${name}`}
                  checked={selected.has(c.id)}
                  onChange={(e) => toggle(c.id, e.target.checked)}
                />
              )}
              <button
                type="button"
                className={`conv-row${openId === c.id ? ' open' : ''}${n > 0 || c.markedUnread ? ' unread' : ''}${c.labels.length ? ' labelled' : ''}`}
                style={label ? { ['--label' as string]: label.color } : undefined}
                data-conversation-id={c.id}
                aria-current={openId === c.id ? 'true' : undefined}
                onClick={() => onOpen(c.id)}
                onContextMenu={
                  onAddLabel
                    ? (e) => {
                        e.preventDefault();
                        // A contextmenu event from the keyboard has no pointer position: anchor it on the row.
                        const r = e.currentTarget.getBoundingClientRect();
                        const keyboard = e.clientX === 0 && e.clientY === 0;
                        setMenu({ conversation: c, x: keyboard ? r.left + 48 : e.clientX, y: keyboard ? r.top + r.height / 2 : e.clientY });
                      }
                    : undefined
                }
                onKeyDown={(e) => onRowKey(e, c)}
                aria-haspopup={onAddLabel ? 'menu' : undefined}
              >
                <RowContent c={c} unread={n} meId={dir.me.id} now={now} bot={c.assigneeId != null && bots.has(c.assigneeId)} />
              </button>
              {picking && (
                <button
                  type="button"
                  className="btn primary small pick-btn"
                  aria-label={`Pick ${name}`}
                  disabled={picked !== null}
                  onClick={() => {
                    setPicked(c.id);
                    void pick!.onPick(c.id).finally(() => setPicked(null));
                  }}
                >
                  {picked === c.id ? 'Picking…' : 'Pick'}
                </button>
              )}
            </li>
          );
        })}
        {last < items.length && <li aria-hidden="true" className="spacer-row" style={{ height: (items.length - last) * ROW_HEIGHT }} />}
        {!items.length && !loading && <li className="list-empty">{picking ? 'Nothing is waiting to be picked.' : filters.q ? 'Nothing matches your search.' : 'No conversations here.'}</li>}
        {loading && !items.length && <li className="list-empty">Loading…</li>}
      </ul>
      {hasMore && (
        <button className="btn ghost more" onClick={onMore} disabled={loading}>
          Load more
        </button>
      )}
      {menu && onAddLabel && (
        <RowMenu
          at={menu}
          dir={dir}
          onClose={(refocus) => {
            const id = menu.conversation.id;
            setMenu(null);
            if (refocus) requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-conversation-id="${id}"]`)?.focus());
          }}
          onAddLabel={onAddLabel}
        />
      )}
      {confirmDelete && onDelete && (
        <Modal
          title={`Delete ${chosen.length === 1 ? 'this conversation' : `${chosen.length} conversations`}?`}
          onClose={() => setConfirmDelete(false)}
          footer={
            <>
              <button className="btn" onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
              <button
                className="btn danger"
                onClick={() =>
                  void onDelete(chosen).then(() => {
                    setConfirmDelete(false);
                    setSelected(new Set());
                  })
                }
              >
                Delete
              </button>
            </>
          }
        >
          <p>The conversations and their messages are removed for everyone. This cannot be undone.</p>
        </Modal>
      )}
    </nav>
  );
}
