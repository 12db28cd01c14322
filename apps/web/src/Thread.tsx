import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { loadMessages, openConversation, upsertConversations, type ThreadState } from '@switchboard/client';
import type { Contact, Conversation, Message } from './types.ts';
import type { Directory, Toast, Update } from './Workspace.tsx';
import { api } from './api.ts';
import { STATUS_NAMES } from './ConversationList.tsx';
import { CHANNELS, ChannelIcon, DeliveryIcon, Modal, fullTime } from './ui.tsx';
import { TransferDialog } from './Transfer.tsx';
import { Composer } from './Composer.tsx';

export { MAX_LENGTH } from './Composer.tsx';

interface Props {
  conversation: Conversation;
  contact: Contact | undefined;
  thread: ThreadState | undefined;
  update: Update;
  dir: Directory;
  fail: (e: unknown) => void;
  toast: (text: string, kind?: Toast['kind']) => void;
  detailsOpen: boolean;
  toggleDetails: () => void;
  onClosed: () => void;
}

export function Thread({ conversation: c, contact, thread, update, dir, fail, toast, detailsOpen, toggleDetails, onClosed }: Props) {
  const name = c.contact?.name ?? 'Unknown customer';
  return (
    <section className="thread" aria-label={`Conversation with ${name}`}>
      <ThreadHeader c={c} name={name} update={update} dir={dir} fail={fail} toast={toast} detailsOpen={detailsOpen} toggleDetails={toggleDetails} onClosed={onClosed} />
      <History c={c} thread={thread} update={update} dir={dir} />
      <Composer c={c} contact={contact} agentName={dir.me.name} update={update} fail={fail} />
    </section>
  );
}

// ---------------------------------------------------------------- header and its actions

type Dialog = null | 'resolve' | 'reassign' | 'transfer';

function ThreadHeader({ c, name, update, dir, fail, toast, detailsOpen, toggleDetails, onClosed }: Omit<Props, 'conversation' | 'thread' | 'contact'> & { c: Conversation; name: string }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState<number | ''>('');
  const assigneeLabel = useId();

  const run = async (fn: () => Promise<Conversation | unknown>, done?: string) => {
    setBusy(true);
    try {
      const res = await fn();
      if (res && typeof res === 'object' && 'id' in res && 'status' in res) update((s) => upsertConversations(s, [res as Conversation]));
      if (done) toast(done, 'info');
      return true;
    } catch (e) {
      fail(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  // Alt+T transfer, Alt+R resolve (seed 004's shortcuts; Alt because Ctrl+T/Ctrl+R belong to the browser).
  const finishedRef = useRef(false);
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || document.querySelector('[role="dialog"]')) return;
      const k = e.code === 'KeyT' ? 't' : e.code === 'KeyR' ? 'r' : null;
      if (!k) return;
      e.preventDefault();
      if (k === 't') setDialog('transfer');
      else if (!finishedRef.current) setDialog('resolve');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const s = c.status;
  const assigneeName = c.assigneeId ? (dir.users.find((u) => u.id === c.assigneeId)?.name ?? `User #${c.assigneeId}`) : null;
  const finished = s === 'resolved' || s === 'closed';
  finishedRef.current = finished;

  return (
    <header className="thread-head">
      <div className="thread-title">
        <h1>{name}</h1>
        <p className="muted thread-sub">
          <ChannelIcon channel={c.channel} /> {CHANNELS[c.channel]?.name ?? c.channel}
          <span aria-hidden="true"> · </span>
          <span className={`status-pill status-${s}`}>{STATUS_NAMES[s]}</span>
          <span aria-hidden="true"> · </span>
          {assigneeName ? `Assigned to ${assigneeName}` : 'Unassigned'}
          <span aria-hidden="true"> · </span>#{c.id}
          {c.subject && (
            <>
              <span aria-hidden="true"> · </span>
              {c.subject}
            </>
          )}
        </p>
      </div>
      <div className="actions" role="toolbar" aria-label="Conversation actions">
        {s === 'queued' && c.assigneeId === null && (
          <button
            className="btn primary"
            disabled={busy}
            onClick={() => void run(() => api.pick(c.id).then(() => api.conversation(c.id)), 'The conversation is yours.')}
          >
            Pick
          </button>
        )}
        {(s === 'active' || s === 'pending') && (
          <button className="btn" disabled={busy} onClick={() => void run(() => api.endChat(c.id), 'Chat ended: wrap-up started.')}>
            End chat
          </button>
        )}
        {s === 'wrap_up' && (
          <button className="btn" disabled={busy} onClick={() => void run(() => api.closeWrapUp(c.id), 'Wrap-up closed.')}>
            Close wrap-up
          </button>
        )}
        {!finished && (
          <button className={s === 'queued' ? 'btn' : 'btn primary'} disabled={busy} onClick={() => setDialog('resolve')}>
            Resolve
          </button>
        )}
        {!finished && (
          <button className="btn" disabled={busy} onClick={() => void run(() => api.close(c.id), 'Conversation closed.')}>
            Close
          </button>
        )}
        {(finished || s === 'abandoned') && (
          <button className="btn" disabled={busy} onClick={() => void run(() => api.reopen(c.id), 'Conversation reopened.')}>
            Reopen
          </button>
        )}
        <button className="btn" disabled={busy} onClick={() => setDialog('transfer')} title="Transfer (Alt+T)" aria-keyshortcuts="Alt+T">
          Transfer
        </button>
        <button className="btn" disabled={busy} onClick={() => setDialog('reassign')}>
          Reassign
        </button>
        <button
          className="btn"
          disabled={busy}
          onClick={() =>
            void run(() => api.markUnread(c.id)).then((ok) => {
              if (ok) {
                onClosed();
                update((st) => ({ ...openConversation(st, null) }));
              }
            })
          }
        >
          Mark unread
        </button>
        <button className="btn ghost icon" aria-pressed={detailsOpen} aria-label={detailsOpen ? 'Hide contact details' : 'Show contact details'} title="Contact details" onClick={toggleDetails}>
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <rect x="3" y="4" width="18" height="16" rx="2" />
            <path d="M15 4v16" />
          </svg>
        </button>
      </div>
      {dialog === 'resolve' && (
        <Modal
          title="Resolve conversation"
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button
                className="btn primary"
                disabled={busy}
                onClick={() =>
                  void run(() => api.resolve(c.id, note.trim() || undefined), 'Conversation resolved.').then((ok) => {
                    if (ok) {
                      setDialog(null);
                      setNote('');
                    }
                  })
                }
              >
                Resolve
              </button>
            </>
          }
        >
          <label className="field">
            <span>Resolution note (optional)</span>
            <textarea rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Refund processed" />
          </label>
        </Modal>
      )}
      {dialog === 'transfer' && (
        <TransferDialog
          c={c}
          dir={dir}
          fail={fail}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            toast(text, 'info');
            api.conversation(c.id).then((fresh) => update((st) => upsertConversations(st, [fresh])), () => {});
          }}
        />
      )}
      {dialog === 'reassign' && (
        <Modal
          title="Reassign conversation"
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button
                className="btn primary"
                disabled={busy || assignee === ''}
                onClick={() =>
                  void run(() => api.reassign(c.id, Number(assignee), note.trim() || undefined), 'Conversation reassigned.').then((ok) => {
                    if (ok) {
                      setDialog(null);
                      setNote('');
                      // The previous manager may lose sight of it (seed 002): refresh what we hold.
                      api.conversation(c.id).then((fresh) => update((st) => upsertConversations(st, [fresh])), () => {});
                    }
                  })
                }
              >
                Reassign
              </button>
            </>
          }
        >
          <label className="field">
            <span id={assigneeLabel}>New assignee</span>
            <select aria-labelledby={assigneeLabel} value={assignee} onChange={(e) => setAssignee(e.target.value ? Number(e.target.value) : '')}>
              <option value="">Choose a person…</option>
              {dir.users
                .filter((u) => u.active && u.id !== c.assigneeId)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} — {u.status.replace(/_/g, ' ')}
                    {u.capacity ? `, capacity ${u.capacity}` : ''}
                  </option>
                ))}
            </select>
          </label>
          <label className="field">
            <span>Note for the new assignee (optional)</span>
            <textarea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Customer needs Spanish support" />
          </label>
        </Modal>
      )}
    </header>
  );
}

// ---------------------------------------------------------------- history

function systemText(m: Message, dir: Directory): string {
  if (m.body) return m.body;
  const e = m.systemEvent;
  if (!e) return '';
  const who = (id: number | null | undefined) => (id ? (dir.users.find((u) => u.id === id)?.name ?? `User #${id}`) : null);
  const by = who(e.byUserId);
  return `${e.kind[0]!.toUpperCase()}${e.kind.slice(1)}${e.toUserId ? ` to ${who(e.toUserId)}` : ''}${by ? ` by ${by}` : ''}`;
}

function History({ c, thread, update, dir }: { c: Conversation; thread: ThreadState | undefined; update: Update; dir: Directory }) {
  const ref = useRef<HTMLDivElement>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const keep = useRef<{ height: number; top: number } | null>(null);
  const stick = useRef(true);
  const items = thread?.items ?? [];
  const lastId = items.length ? items[items.length - 1]!.id : 0;

  // Stay at the bottom when new messages arrive (unless reading older ones); keep the view when older ones load.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (keep.current) {
      el.scrollTop = el.scrollHeight - keep.current.height + keep.current.top;
      keep.current = null;
    } else if (stick.current) el.scrollTop = el.scrollHeight;
  }, [items.length, lastId]);

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
          return (
            <div key={m.id} className="msg-system" data-message-id={m.id}>
              <span>{systemText(m, dir)}</span>
              {m.systemEvent?.note && !m.body.includes(m.systemEvent.note) && <span className="system-note">“{m.systemEvent.note}”</span>}
              <time dateTime={new Date(m.createdAt).toISOString()}>{fullTime(m.createdAt)}</time>
            </div>
          );
        }
        const mine = m.senderKind !== 'customer';
        const who = m.senderKind === 'customer' ? (c.contact?.name ?? 'Customer') : (m.sender?.name ?? (m.senderKind === 'bot' ? 'Bot' : 'Agent'));
        return (
          <article key={m.id} className={`msg ${mine ? 'out' : 'in'}${m.internal ? ' internal' : ''}`} data-message-id={m.id} aria-label={m.internal ? `Internal note from ${who}` : `Message from ${who}`}>
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
