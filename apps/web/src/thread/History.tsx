import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { loadMessages, type ThreadState } from '@switchboard/client';
import type { Conversation, Message } from '../types.ts';
import type { Directory } from '../stores/directory.ts';
import type { Update } from '../stores/conversations.ts';
import { api } from '../api.ts';
import { DeliveryIcon, fullTime } from '../ui.tsx';
import { EmailExtras, useEmails } from './EmailView.tsx';
import { authorOf, excerptOf } from './authors.ts';

function systemText(m: Message, dir: Directory): string {
  if (m.body) return m.body;
  const e = m.systemEvent;
  if (!e) return '';
  const who = (id: number | null | undefined) => (id ? (dir.users.find((u) => u.id === id)?.name ?? `User #${id}`) : null);
  const by = who(e.byUserId);
  return `${e.kind[0]!.toUpperCase()}${e.kind.slice(1)}${e.toUserId ? ` to ${who(e.toUserId)}` : ''}${by ? ` by ${by}` : ''}`;
}

/**
 * A handover or resolution with a note is what the next agent must read first: a note card, not
 * a grey line (issue 14, seen 5).
 */
function noteCard(m: Message): { kind: 'transfer' | 'resolution'; title: string; note: string } | null {
  const e = m.systemEvent;
  const note = e?.note?.trim();
  if (!e || !note) return null;
  if (e.kind === 'transferred' || e.kind === 'assigned' || e.kind === 'reassigned') return { kind: 'transfer', title: 'Transfer note', note };
  if (e.kind === 'resolved') return { kind: 'resolution', title: 'Resolution note', note };
  return null;
}

interface HistoryProps {
  c: Conversation;
  thread: ThreadState | undefined;
  update: Update;
  dir: Directory;
  onQuote: (m: Message) => void;
  onQuickReply?: (m: Message) => void;
}

/** One empty list, so a thread not loaded yet does not re-run the effects below on every render. */
const NO_ITEMS: Message[] = [];

export function History({ c, thread, update, dir, onQuote, onQuickReply }: HistoryProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const keep = useRef<{ height: number; top: number } | null>(null);
  const stick = useRef(true);
  const items = thread?.items ?? NO_ITEMS;
  const lastId = items.length ? items[items.length - 1]!.id : 0;
  const byId = useMemo(() => new Map(items.map((m) => [m.id, m])), [items]);
  const emails = useEmails(c, lastId);
  // Quoted messages older than the loaded page: fetched one by one (the page ending at that id), once.
  const [quoted, setQuoted] = useState<Record<number, Message | null>>({});
  const asked = useRef(new Set<number>());
  useEffect(() => {
    for (const m of items) {
      const id = m.replyToId;
      if (id == null || byId.has(id) || asked.current.has(id)) continue;
      asked.current.add(id);
      api.messages(c.id, { before: id + 1, limit: 1 }).then(
        (page) => setQuoted((q) => ({ ...q, [id]: page.items[0]?.id === id ? page.items[0]! : null })),
        () => asked.current.delete(id),
      );
    }
  }, [items, byId, c.id]);
  const [flash, setFlash] = useState<number | null>(null);
  const jumpTo = (id: number) => {
    const el = ref.current?.querySelector<HTMLElement>(`[data-message-id="${id}"]`);
    if (!el) return;
    stick.current = false;
    el.scrollIntoView({ block: 'center' });
    el.focus({ preventScroll: true });
    setFlash(id);
    setTimeout(() => setFlash((f) => (f === id ? null : f)), 1600);
  };

  // Stay at the bottom when new messages arrive (unless reading older ones); keep the view when older ones load.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (keep.current) {
      el.scrollTop = el.scrollHeight - keep.current.height + keep.current.top;
      keep.current = null;
    } else if (stick.current) el.scrollTop = el.scrollHeight;
  }, [items.length, lastId]);

  // Whatever grows after the first scroll (an image decoding, an email frame) keeps a reader who was
  // at the bottom there: the scroll ran before images had their height (issue 14, seen 5). Load
  // events do not bubble, so this listens in the capture phase.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const pin = () => {
      if (stick.current && !keep.current) el.scrollTop = el.scrollHeight;
    };
    el.addEventListener('load', pin, true);
    return () => el.removeEventListener('load', pin, true);
  }, []);

  const loadOlder = useCallback(async () => {
    const el = ref.current;
    if (!thread?.hasMore || loadingOlder || !items.length || !el) return;
    setLoadingOlder(true);
    try {
      const page = await api.messages(c.id, { before: items[0]!.id, limit: 50 });
      keep.current = { height: el.scrollHeight, top: el.scrollTop };
      update((s) => loadMessages(s, c.id, page, true));
    } catch {
      // Try again on the next scroll.
    } finally {
      setLoadingOlder(false);
    }
  }, [c.id, items, loadingOlder, thread?.hasMore, update]);

  useEffect(() => {
    // A short first page that does not fill the panel cannot be scrolled: fetch on.
    const el = ref.current;
    if (el && thread?.hasMore && el.scrollHeight <= el.clientHeight + 10) void loadOlder();
  }, [thread?.hasMore, loadOlder]);

  return (
    <div
      className="history"
      ref={ref}
      role="log"
      aria-live="polite"
      aria-label="Messages"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
        if (el.scrollTop < 80) void loadOlder();
      }}
    >
      {thread?.hasMore && (
        <div className="history-more">
          <button className="btn ghost small" onClick={() => void loadOlder()} disabled={loadingOlder}>
            {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
          </button>
        </div>
      )}
      {!thread && <p className="muted center">Loading messages…</p>}
      {thread && !items.length && <p className="muted center">No messages yet.</p>}
      {items.map((m) => {
        if (m.senderKind === 'system') {
          const card = noteCard(m);
          if (card) {
            const line = systemText(m, dir);
            const suffix = `: ${card.note}`;
            return (
              <aside key={m.id} className={`msg-system note-card note-${card.kind}`} data-message-id={m.id} role="note" aria-label={card.title}>
                <header className="note-card-head">
                  <strong>{card.title}</strong>
                  <time dateTime={new Date(m.createdAt).toISOString()}>{fullTime(m.createdAt)}</time>
                </header>
                <p className="note-card-text">{card.note}</p>
                <span className="note-card-line">{line.endsWith(suffix) ? line.slice(0, -suffix.length) : line}</span>
              </aside>
            );
          }
          return (
            <div key={m.id} className="msg-system" data-message-id={m.id}>
              <span>{systemText(m, dir)}</span>
              {m.systemEvent?.note && !m.body.includes(m.systemEvent.note) && <span className="system-note">“{m.systemEvent.note}”</span>}
              <time dateTime={new Date(m.createdAt).toISOString()}>{fullTime(m.createdAt)}</time>
            </div>
          );
        }
        const mine = m.senderKind !== 'customer';
        const who = authorOf(m, c);
        const original = m.replyToId != null ? (byId.get(m.replyToId) ?? quoted[m.replyToId]) : undefined;
        return (
          <article
            key={m.id}
            className={`msg ${mine ? 'out' : 'in'}${m.internal ? ' internal' : ''}${flash === m.id ? ' flash' : ''}`}
            data-message-id={m.id}
            tabIndex={-1}
            aria-label={m.internal ? `Internal note from ${who}` : `Message from ${who}`}
          >
            <div className="msg-actions" role="group" aria-label={`Actions for the message from ${who}`}>
              <button type="button" className="msg-action" aria-label="Reply with quote" title="Reply quoting this message" onClick={() => onQuote(m)}>
                <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" aria-hidden="true">
                  <path d="M9 14 4 9l5-5" />
                  <path d="M4 9h10a6 6 0 0 1 6 6v4" />
                </svg>
              </button>
              {onQuickReply && (
                <button type="button" className="msg-action" aria-label="Make a quick reply" title="Make a quick reply from this message" onClick={() => onQuickReply(m)}>
                  <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" aria-hidden="true">
                    <path d="M13 2 4 14h7l-1 8 9-12h-7z" strokeLinejoin="round" />
                  </svg>
                </button>
              )}
            </div>
            {m.replyToId != null &&
              (original ? (
                byId.has(original.id) ? (
                  <button type="button" className="msg-quote" onClick={() => jumpTo(original.id)} title="Show the quoted message">
                    <span className="sr-only">Quoting </span>
                    <span className="msg-quote-who">{authorOf(original, c)}</span>
                    <span className="msg-quote-text">{excerptOf(original)}</span>
                  </button>
                ) : (
                  <div className="msg-quote">
                    <span className="sr-only">Quoting </span>
                    <span className="msg-quote-who">{authorOf(original, c)}</span>
                    <span className="msg-quote-text">{excerptOf(original)}</span>
                  </div>
                )
              ) : (
                <div className="msg-quote muted">{original === null ? 'Quoted message is no longer available' : 'Quoted message…'}</div>
              ))}
            {m.internal && (
              <span className="internal-label">
                <svg width="12" height="12" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.4" aria-hidden="true">
                  <rect x="5" y="11" width="14" height="10" rx="2" />
                  <path d="M8 11V8a4 4 0 0 1 8 0v3" />
                </svg>
                Internal note
              </span>
            )}
            <div className="msg-body">{m.body}</div>
            {emails.has(m.id) && <EmailExtras c={c} m={m} info={emails.get(m.id)!} />}
            {m.attachments.length > 0 && (
              <ul className="attachments">
                {m.attachments.map((a, i) => {
                  const href = /^https?:\/\//i.test(a.url) || a.url.startsWith('/') ? a.url : undefined;
                  // Only our own stored images show inline (served with nosniff and a sandbox CSP).
                  const inline = href?.startsWith('/api/v1/') && /^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(a.contentType);
                  return (
                    <li key={i}>
                      {inline ? (
                        <a href={href} target="_blank" rel="noreferrer noopener" className="inline-image">
                          <img src={href} alt={a.name} loading="lazy" />
                        </a>
                      ) : (
                        <a href={href} target="_blank" rel="noreferrer noopener">
                          📎 {a.name}
                        </a>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
            <footer className="msg-meta">
              <span>{who}</span>
              <time dateTime={new Date(m.createdAt).toISOString()} title={fullTime(m.createdAt)}>
                {new Date(m.createdAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
              </time>
              {mine && !m.internal && <DeliveryIcon message={m} />}
            </footer>
          </article>
        );
      })}
    </div>
  );
}
