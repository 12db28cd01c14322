import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { api } from './api.ts';
import { Modal } from './ui.tsx';
import type { Channel, Conversation, ConversationFilters, ConversationStatus } from './types.ts';
import type { Directory } from './Workspace.tsx';
import { Avatar, Badge, CHANNELS, ChannelIcon, relativeTime, toggled } from './ui.tsx';

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
  // A draft's text shows once the server has found nothing sensitive in it (the list may be on a shared screen).
  if (c.draft?.body) return { prefix: 'Draft:', text: c.draft.sensitive === false ? c.draft.body : c.draft.sensitive ? 'contains sensitive data' : '…', kind: 'draft' };
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

export function ConversationList({ items: listed, unread, filters, setFilters, openId, onOpen, loading: listLoading, error, hasMore: listHasMore, onMore, dir, above, onDelete, pick, onAddLabel }: Props) {
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
      {above}
      {picking && <p className="pick-note muted">Waiting in your queues, longest first. Pick one to make it yours.</p>}
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
                    {/* Seed 002: the channel's name as configured for the integration (the inbox), else the channel's. */}
                    <span className="conv-inbox" title={CHANNELS[c.channel]?.name ?? c.channel}>{c.inbox?.name ?? CHANNELS[c.channel]?.name ?? c.channel}</span>
                    {c.channel === 'email' && c.subject && <span className="conv-subject" title={c.subject}>{c.subject}</span>}
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
                      const next = toggled(chosen, t.id, e.target.checked);
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

const DAY = 86_400_000;
const RANGES: Array<{ value: string; label: string; ms?: number }> = [
  { value: '', label: 'Any time' },
  { value: '24h', label: 'Last 24 hours', ms: DAY },
  { value: '7d', label: 'Last 7 days', ms: 7 * DAY },
  { value: '30d', label: 'Last 30 days', ms: 30 * DAY },
  { value: 'custom', label: 'Custom range' },
];

/** A local calendar day as epoch ms: its first millisecond, or its last with `end`. */
function dayToMs(day: string, end: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = new Date(`${day}T00:00:00`).getTime();
  return Number.isNaN(t) ? undefined : end ? t + DAY - 1 : t;
}

/**
 * Seed 002's "Filters and sorting" and seed 004's advanced filters in one small popover: sort, agent,
 * queue, workflow label, bots, and the date range of last activity. All combine with AND.
 */
function MoreFilters({ filters, setFilters, dir }: { filters: ConversationFilters; setFilters: (f: ConversationFilters) => void; dir: Directory }) {
  const [open, setOpen] = useState(false);
  const [range, setRange] = useState(filters.since !== undefined || filters.until !== undefined ? 'custom' : '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const wrap = useRef<HTMLDivElement>(null);
  const set = (patch: Partial<ConversationFilters>) => setFilters({ ...filters, ...patch });
  const n =
    (filters.assigneeId?.length ? 1 : 0) +
    (filters.queueId?.length ? 1 : 0) +
    (filters.labelId?.length ? 1 : 0) +
    (filters.bot !== undefined ? 1 : 0) +
    (filters.since !== undefined || filters.until !== undefined ? 1 : 0) +
    (filters.sort === 'processing_order' ? 1 : 0);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  function chooseRange(value: string) {
    setRange(value);
    const preset = RANGES.find((r) => r.value === value);
    if (value === 'custom') set({ since: dayToMs(from, false), until: dayToMs(to, true) });
    else set({ since: preset?.ms ? Date.now() - preset.ms : undefined, until: undefined });
  }
  const agents = dir.users.filter((u) => (u as { active?: boolean }).active !== false);

  return (
    <div
      className="menu-wrap"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !open) return;
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        wrap.current?.querySelector<HTMLElement>('.more-filters-btn')?.focus();
      }}
    >
      <button
        type="button"
        className={`btn small more-filters-btn${n ? ' primary' : ''}`}
        aria-expanded={open}
        aria-controls="more-filters"
        onClick={() => setOpen((v) => !v)}
      >
        Filters{n ? ` (${n})` : ''}
      </button>
      {open && (
        <div
          id="more-filters"
          className="more-filters"
          role="group"
          aria-label="Filters and sorting"
        >
          <div className="mf-row">
            <span aria-hidden="true">Sort by</span>
            <select aria-label="Sort by" value={filters.sort ?? 'last_activity'} onChange={(e) => set({ sort: e.target.value === 'processing_order' ? 'processing_order' : undefined })}>
              <option value="last_activity">Last activity</option>
              <option value="processing_order">Processing order</option>
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Agent</span>
            <select aria-label="Agent" value={filters.assigneeId?.[0] ?? ''} onChange={(e) => set({ assigneeId: e.target.value ? [Number(e.target.value)] : undefined })}>
              <option value="">Any agent</option>
              {agents.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Queue</span>
            <select aria-label="Queue" value={filters.queueId?.[0] ?? ''} onChange={(e) => set({ queueId: e.target.value ? [Number(e.target.value)] : undefined })}>
              <option value="">Any queue</option>
              {dir.queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Label</span>
            <select aria-label="Label" value={filters.labelId?.[0] ?? ''} onChange={(e) => set({ labelId: e.target.value ? [Number(e.target.value)] : undefined })}>
              <option value="">Any label</option>
              {dir.labels.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Bots</span>
            <select aria-label="Bots" value={filters.bot === undefined ? '' : String(filters.bot)} onChange={(e) => set({ bot: e.target.value === '' ? undefined : e.target.value === 'true' })}>
              <option value="">With or without a bot</option>
              <option value="true">A bot took part</option>
              <option value="false">No bot</option>
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Last activity</span>
            <select aria-label="Last activity" value={range} onChange={(e) => chooseRange(e.target.value)}>
              {RANGES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </div>
          {range === 'custom' && (
            <div className="date-range">
              <div className="mf-row">
                <span aria-hidden="true">From</span>
                <input
                  type="date"
                  aria-label="From"
                  value={from}
                  onChange={(e) => {
                    setFrom(e.target.value);
                    set({ since: dayToMs(e.target.value, false) });
                  }}
                />
              </div>
              <div className="mf-row">
                <span aria-hidden="true">To</span>
                <input
                  type="date"
                  aria-label="To"
                  value={to}
                  onChange={(e) => {
                    setTo(e.target.value);
                    set({ until: dayToMs(e.target.value, true) });
                  }}
                />
              </div>
            </div>
          )}
          <div className="more-filters-foot">
            <button
              type="button"
              className="btn ghost small"
              disabled={!n}
              onClick={() => {
                setRange('');
                setFrom('');
                setTo('');
                set({ sort: undefined, assigneeId: undefined, queueId: undefined, labelId: undefined, bot: undefined, since: undefined, until: undefined });
              }}
            >
              Clear
            </button>
            <button type="button" className="btn small" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

interface RowMenuAt {
  conversation: Conversation;
  x: number;
  y: number;
}

/** The row's context menu (seed 004: right-click a conversation → Add label → choose one). */
function RowMenu({ at, dir, onClose, onAddLabel }: { at: RowMenuAt; dir: Directory; onClose: (refocus: boolean) => void; onAddLabel: (c: Conversation, labelId: number) => Promise<void> }) {
  const ref = useRef<HTMLDivElement>(null);
  const [labelsOpen, setLabelsOpen] = useState(false);
  const [labels, setLabels] = useState<Array<{ id: number; name: string; color: string }> | null>(null);
  const [pos, setPos] = useState({ left: at.x, top: at.y });
  const c = at.conversation;
  const has = new Set(c.labels.map((l) => l.id));
  const shown = labels ?? dir.labels;

  // Keep the menu inside the window.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ left: Math.max(4, Math.min(at.x, window.innerWidth - r.width - 4)), top: Math.max(4, Math.min(at.y, window.innerHeight - r.height - 4)) });
  }, [at.x, at.y, labelsOpen, shown.length]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, [labelsOpen, labels]);

  useEffect(() => {
    const away = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose(false);
    };
    const gone = () => onClose(false);
    document.addEventListener('mousedown', away);
    window.addEventListener('resize', gone);
    return () => {
      document.removeEventListener('mousedown', away);
      window.removeEventListener('resize', gone);
    };
  }, [onClose]);

  function openLabels() {
    setLabelsOpen(true);
    api.labels().then((r) => setLabels(r.items), () => setLabels(dir.labels));
  }

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(labelsOpen ? '.row-submenu [role="menuitem"]' : '.row-menu-root > [role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1) + items.length) % items.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose(true);
    } else if (e.key === 'ArrowLeft' && labelsOpen) {
      e.preventDefault();
      setLabelsOpen(false);
    } else if (e.key === 'ArrowRight' && !labelsOpen) {
      e.preventDefault();
      openLabels();
    } else if (e.key === 'Tab') {
      onClose(false);
    }
  }

  const name = c.contact?.name ?? 'Unknown customer';
  return (
    <div ref={ref} className="row-menu" style={{ left: pos.left, top: pos.top }} onKeyDown={onKey} onContextMenu={(e) => e.preventDefault()}>
      <div role="menu" aria-label={`Actions for ${name}`} className="row-menu-root menu-panel">
        <button role="menuitem" aria-haspopup="menu" aria-expanded={labelsOpen} tabIndex={-1} onClick={() => (labelsOpen ? setLabelsOpen(false) : openLabels())}>
          Add label <span aria-hidden="true">›</span>
        </button>
      </div>
      {labelsOpen && (
        <div role="menu" aria-label="Labels" className="row-submenu menu-panel">
          {!shown.length && <p className="muted small">No labels yet. An administrator creates them.</p>}
          {shown.map((l) => {
            const on = has.has(l.id);
            return (
              <button
                key={l.id}
                role="menuitem"
                tabIndex={-1}
                aria-disabled={on}
                title={on ? 'Already on this conversation' : undefined}
                onClick={() => {
                  if (on) return;
                  onClose(true);
                  void onAddLabel(c, l.id);
                }}
              >
                <span className="chip-dot" style={{ background: l.color }} aria-hidden="true" />
                <span className="tag-name">{l.name}</span>
                {on && <span aria-hidden="true">✓</span>}
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}
