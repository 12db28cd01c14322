import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { api } from './api.ts';
import { Modal } from './ui.tsx';
import type { Channel, Conversation, ConversationFilters, ConversationStatus } from './types.ts';
import type { Directory } from './Workspace.tsx';
import { Avatar, Badge, CHANNELS, ChannelIcon, relativeTime } from './ui.tsx';

const TABS: Array<{ view: NonNullable<ConversationFilters['view']>; label: string }> = [
  { view: 'mine', label: 'Mine' },
  { view: 'queued', label: 'Queued' },
  { view: 'all', label: 'All' },
];

export const STATUS_NAMES: Record<ConversationStatus, string> = {
  queued: 'Queued',
  active: 'Active',
  pending: 'Pending',
  wrap_up: 'Wrap-up',
  resolved: 'Resolved',
  closed: 'Closed',
  abandoned: 'Abandoned',
  callback: 'Callback',
};

function preview(c: Conversation, meId: number): { prefix: string | null; text: string; kind: 'draft' | 'note' | 'normal' } {
  if (c.draft?.body) return { prefix: 'Draft:', text: c.draft.body, kind: 'draft' };
  const m = c.lastMessage;
  if (!m) return { prefix: null, text: c.subject ?? 'No messages yet', kind: 'normal' };
  const text = m.body || (m.attachments.length ? `📎 ${m.attachments.map((a) => a.name).join(', ')}` : '');
  if (m.internal) return { prefix: 'Note:', text, kind: 'note' };
  if (m.senderKind === 'agent') return { prefix: m.sender?.id === meId ? 'You:' : `${m.sender?.name ?? 'Agent'}:`, text, kind: 'normal' };
  return { prefix: null, text, kind: 'normal' };
}

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
  /** Shown above the rows (offers made to me). */
  above?: ReactNode;
  /** Deletes the selected conversations (users with the delete right only). */
  onDelete?: (ids: number[]) => Promise<void>;
}

/** Every row has this height, so a few thousand rows render as a window of ~30 (hand-written windowing). */
export const ROW_HEIGHT = 100;
const OVERSCAN = 8;

export function ConversationList({ items, unread, filters, setFilters, openId, onOpen, loading, error, hasMore, onMore, dir, above, onDelete }: Props) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [actionsOpen, setActionsOpen] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const measure = () => setScroll({ top: el.scrollTop, height: el.clientHeight || 600 });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(scroll.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scroll.top + scroll.height) / ROW_HEIGHT) + OVERSCAN);
  const visible = items.slice(first, last);
  // Selection only keeps what is still listed.
  const listedIds = useMemo(() => new Set(items.map((c) => c.id)), [items]);
  const chosen = [...selected].filter((id) => listedIds.has(id));
  const allChosen = items.length > 0 && chosen.length === items.length;
  const toggle = (id: number, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
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

  function onTabKey(e: KeyboardEvent, index: number) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const next = TABS[(index + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    setFilters({ ...filters, view: next.view });
    (e.currentTarget.parentElement?.querySelector(`[data-view="${next.view}"]`) as HTMLElement | null)?.focus();
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

  const view = filters.view ?? 'all';
  const now = Date.now();

  return (
    <nav className="list-panel" aria-label="Conversations">
      <div className="list-head">
        <div className="tabs" role="tablist" aria-label="Which conversations">
          {TABS.map((t, i) => (
            <button
              key={t.view}
              role="tab"
              data-view={t.view}
              aria-selected={view === t.view}
              tabIndex={view === t.view ? 0 : -1}
              className={view === t.view ? 'tab active' : 'tab'}
              onClick={() => setFilters({ ...filters, view: t.view })}
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
          <input type="search" placeholder="Search name, email, phone, text or #id" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        )}
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
        </div>
      </div>
      {error && (
        <p className="list-error" role="alert">
          {error}
        </p>
      )}
      {above}
      <ul
        className="conv-list"
        ref={listRef}
        onKeyDown={onListKey}
        aria-busy={loading}
        onScroll={(e) => {
          const el = e.currentTarget;
          setScroll({ top: el.scrollTop, height: el.clientHeight || 600 });
          if (hasMore && !loading && el.scrollTop + el.clientHeight > el.scrollHeight - ROW_HEIGHT * 5) onMore();
        }}
      >
        {first > 0 && <li aria-hidden="true" className="spacer-row" style={{ height: first * ROW_HEIGHT }} />}
        {visible.map((c) => {
          const n = unread[c.id] ?? c.unreadCount;
          const p = preview(c, dir.me.id);
          const name = c.contact?.name ?? 'Unknown customer';
          const label = c.labels[0];
          return (
            <li key={c.id} className={`conv-item${chosen.includes(c.id) ? ' selected' : ''}`} style={{ height: ROW_HEIGHT }}>
              {onDelete && (
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
              >
                <Avatar name={name} />
                <span className="conv-main">
                  <span className="conv-top">
                    <span className="conv-name">{name}</span>
                    <time className="conv-time" dateTime={new Date(c.lastActivityAt).toISOString()} title={new Date(c.lastActivityAt).toLocaleString()}>
                      {relativeTime(c.lastActivityAt, now)}
                    </time>
                  </span>
                  <span className="conv-channel">
                    <ChannelIcon channel={c.channel} />
                    <span>{CHANNELS[c.channel]?.name ?? c.channel}</span>
                    {c.status !== 'active' && <span className={`status-pill status-${c.status}`}>{STATUS_NAMES[c.status]}</span>}
                  </span>
                  <span className={`conv-preview preview-${p.kind}`}>
                    {p.prefix && <span className="preview-prefix">{p.prefix} </span>}
                    {p.text}
                  </span>
                  {(c.labels.length > 0 || (c.contact?.pinnedTags.length ?? 0) > 0) && (
                    <span className="conv-labels">
                      {c.labels.map((l) => (
                        <span key={`l${l.id}`} className="mini-label" style={{ ['--chip' as string]: l.color }}>
                          {l.name}
                        </span>
                      ))}
                      {c.contact?.pinnedTags.map((t) => (
                        <span key={`t${t.id}`} className="mini-label tag" style={{ ['--chip' as string]: t.color }}>
                          {t.name}
                        </span>
                      ))}
                    </span>
                  )}
                </span>
                {(n > 0 || c.markedUnread) && (
                  <span className="conv-badge">
                    {n > 0 ? <Badge count={n} label={`${n} unread`} /> : <span className="dot" aria-label="Marked unread" title="Marked unread" />}
                  </span>
                )}
              </button>
            </li>
          );
        })}
        {last < items.length && <li aria-hidden="true" className="spacer-row" style={{ height: (items.length - last) * ROW_HEIGHT }} />}
        {!items.length && !loading && <li className="list-empty">{filters.q ? 'Nothing matches your search.' : 'No conversations here.'}</li>}
        {loading && !items.length && <li className="list-empty">Loading…</li>}
      </ul>
      {hasMore && (
        <button className="btn ghost more" onClick={onMore} disabled={loading}>
          Load more
        </button>
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

/** Seed 002's tag filter: customer tags by how many conversations carry them, a search box, "No tags" and "Pinned". */
function CustomerTagFilter({ filters, setFilters }: { filters: ConversationFilters; setFilters: (f: ConversationFilters) => void }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [counts, setCounts] = useState<{ items: Array<{ id: number; name: string; color: string; count: number }>; noTags: number } | null>(null);
  const pinned = Boolean(filters.pinnedCustomerTags);
  useEffect(() => {
    if (!open) return;
    api.customerTagCounts(pinned).then(setCounts, () => setCounts({ items: [], noTags: 0 }));
  }, [open, pinned]);
  const chosen = new Set(filters.customerTagId ?? []);
  const n = chosen.size + (filters.noCustomerTags ? 1 : 0);
  const shown = (counts?.items ?? []).filter((t) => t.name.toLowerCase().includes(q.trim().toLowerCase()));
  const set = (patch: Partial<ConversationFilters>) => setFilters({ ...filters, ...patch });
  return (
    <div className="menu-wrap">
      <button className={`btn small${n ? ' primary' : ''}`} aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        Customer tags{n ? ` (${n})` : ''}
      </button>
      {open && (
        <div className="tag-filter" role="group" aria-label="Filter by customer tags">
          <input type="search" aria-label="Search customer tags" placeholder="Search tags" value={q} onChange={(e) => setQ(e.target.value)} />
          <label className="check">
            <input type="checkbox" checked={pinned} onChange={(e) => set({ pinnedCustomerTags: e.target.checked || undefined })} />
            Pinned only
          </label>
          <ul>
            <li>
              <label className="check">
                <input type="checkbox" checked={Boolean(filters.noCustomerTags)} onChange={(e) => set({ noCustomerTags: e.target.checked || undefined, customerTagId: undefined })} />
                <span className="tag-name">No tags</span>
                <span className="muted count">{counts?.noTags ?? '…'}</span>
              </label>
            </li>
            {shown.map((t) => (
              <li key={t.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={chosen.has(t.id)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(t.id);
                      else next.delete(t.id);
                      set({ customerTagId: next.size ? [...next] : undefined, noCustomerTags: undefined });
                    }}
                  />
                  <span className="chip-dot" style={{ background: t.color }} aria-hidden="true" />
                  <span className="tag-name">{t.name}</span>
                  <span className="muted count">{t.count}</span>
                </label>
              </li>
            ))}
            {counts && !shown.length && <li className="muted small">No customer tags match.</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
