import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
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
}

export function ConversationList({ items, unread, filters, setFilters, openId, onOpen, loading, error, hasMore, onMore, dir, above }: Props) {
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
        <label className="search">
          <span className="sr-only">Search conversations</span>
          <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <circle cx="11" cy="11" r="7" />
            <path d="M20 20l-4-4" strokeLinecap="round" />
          </svg>
          <input type="search" placeholder="Search name, email, phone, text or #id" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
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
        </div>
      </div>
      {error && (
        <p className="list-error" role="alert">
          {error}
        </p>
      )}
      {above}
      <ul className="conv-list" onKeyDown={onListKey} aria-busy={loading}>
        {items.map((c) => {
          const n = unread[c.id] ?? c.unreadCount;
          const p = preview(c, dir.me.id);
          const name = c.contact?.name ?? 'Unknown customer';
          const label = c.labels[0];
          return (
            <li key={c.id}>
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
        {!items.length && !loading && <li className="list-empty">{filters.q ? 'Nothing matches your search.' : 'No conversations here.'}</li>}
        {loading && !items.length && <li className="list-empty">Loading…</li>}
      </ul>
      {hasMore && (
        <button className="btn ghost more" onClick={onMore} disabled={loading}>
          Load more
        </button>
      )}
    </nav>
  );
}
