import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { loadMessages, openConversation, upsertConversations, type ChatRequestInfo, type ThreadState } from '@switchboard/client';
import type { Contact, Conversation, Message } from './types.ts';
import type { Directory, Toast, Update } from './Workspace.tsx';
import { api } from './api.ts';
import { STATUS_NAMES } from './ConversationList.tsx';
import { CHANNELS, ChannelIcon, DeliveryIcon, Modal, fullTime } from './ui.tsx';
import { TransferDialog } from './Transfer.tsx';
import { AssignDiscussButton, ConsultantNotice, useConsulting } from './discuss/index.ts';
import { Composer } from './Composer.tsx';
import { EmailExtras, useEmails } from './EmailView.tsx';
import './thread.css';

export { MAX_LENGTH } from './Composer.tsx';

interface Props {
  conversation: Conversation;
  contact: Contact | undefined;
  thread: ThreadState | undefined;
  /** Until when the customer shows as typing (from the stream's typing.updated). */
  customerTypingUntil?: number;
  update: Update;
  dir: Directory;
  fail: (e: unknown) => void;
  toast: (text: string, kind?: Toast['kind']) => void;
  detailsOpen: boolean;
  toggleDetails: () => void;
  onClosed: () => void;
}

export function Thread({ conversation: c, contact, thread, customerTypingUntil, update, dir, fail, toast, detailsOpen, toggleDetails, onClosed }: Props) {
  const name = c.contact?.name ?? 'Unknown customer';
  const [quote, setQuote] = useState<Message | null>(null);
  const [quick, setQuick] = useState<Message | null>(null);
  const consulting = useConsulting(c.id, c.assigneeId);
  return (
    <section className="thread" aria-label={`Conversation with ${name}`}>
      <ThreadHeader c={c} name={name} update={update} dir={dir} fail={fail} toast={toast} detailsOpen={detailsOpen} toggleDetails={toggleDetails} onClosed={onClosed} />
      <ChatRequestBanner c={c} />
      <History c={c} thread={thread} update={update} dir={dir} onQuote={setQuote} onQuickReply={setQuick} />
      <TypingIndicator name={name} until={customerTypingUntil} />
      {consulting ? (
        <ConsultantNotice initiatorName={consulting.initiator.name} />
      ) : (
        <Composer c={c} contact={contact} agentName={dir.me.name} update={update} fail={fail} quote={quote ? { id: quote.id, who: authorOf(quote, c), excerpt: excerptOf(quote) } : null} clearQuote={() => setQuote(null)} />
      )}
      {quick && <QuickReplyDialog m={quick} admin={dir.me.role === 'admin'} onClose={() => setQuick(null)} fail={fail} toast={toast} />}
    </section>
  );
}

/** Who wrote a message, as the history names them. */
export function authorOf(m: Message, c: Conversation): string {
  return m.senderKind === 'customer' ? (c.contact?.name ?? 'Customer') : (m.sender?.name ?? (m.senderKind === 'bot' ? 'Bot' : m.senderKind === 'system' ? 'System' : 'Agent'));
}

/** The start of a message for a quote: one line, at most 140 characters. */
export function excerptOf(m: Message): string {
  const text = m.body.replace(/\s+/g, ' ').trim();
  if (!text) return m.attachments.length ? `📎 ${m.attachments.map((a) => a.name).join(', ')}` : '…';
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

// ---------------------------------------------------------------- typing and chat requests

function TypingIndicator({ name, until }: { name: string; until: number | undefined }) {
  const [, tick] = useState(0);
  const active = until !== undefined && until > Date.now();
  // Hide by itself when no fresh frame came (a lost "stopped typing").
  useEffect(() => {
    if (until === undefined) return;
    const ms = until - Date.now();
    if (ms <= 0) return;
    const t = setTimeout(() => tick((x) => x + 1), ms + 20);
    return () => clearTimeout(t);
  }, [until]);
  // The slot has no height: the line floats over the end of the history, so nothing jumps.
  return (
    <div className="typing-slot">
      <div className={`typing-indicator${active ? ' on' : ''}`} role="status" aria-live="polite">
        {active && (
          <>
            <span className="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {name} is typing…
          </>
        )}
      </div>
    </div>
  );
}

const isChatRequest = (c: Conversation) => c.channel === 'web' || c.channel === 'portal' || c.status === 'callback' || c.status === 'abandoned';

/** Seed 003: the callback's phone and preferred time, and where the chat came from. */
function ChatRequestBanner({ c }: { c: Conversation }) {
  const [info, setInfo] = useState<ChatRequestInfo | null>(null);
  const wanted = isChatRequest(c);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    api.chatRequest(c.id).then((r) => live && setInfo(r), () => {});
    return () => {
      live = false;
    };
  }, [c.id, c.status, wanted]);
  if (!wanted || !info || (!info.callback && !info.ticketId && !info.completedBy)) return null;
  return (
    <div className="chat-request" role="region" aria-label="Chat request">
      {info.callback && (
        <p>
          <strong>Callback requested</strong>
          <span aria-hidden="true"> · </span>
          Phone: <a href={`tel:${info.callback.phone.replace(/[^+\d]/g, '')}`}>{info.callback.phone}</a>
          {info.callback.preferredTime && (
            <>
              <span aria-hidden="true"> · </span>
              Preferred time: {info.callback.preferredTime}
            </>
          )}
          <span className="muted"> (asked {fullTime(info.callback.requestedAt)})</span>
        </p>
      )}
      {info.ticketId && <p>{info.origin === 'ticket' ? `Chat started from ticket #${info.ticketId}` : `Ticket #${info.ticketId}`}</p>}
      {info.completedBy && info.completedAt && (
        <p className="muted">
          {info.endedWith === 'completed' ? 'Completed' : info.endedWith === 'ticket' ? 'Ended with a new ticket' : 'Ended'} by {info.completedBy.name}, {fullTime(info.completedAt)}
        </p>
      )}
    </div>
  );
}

/**
 * Seed 002's lightning: keep this message as a quick reply (found with `/` or the ⚡ button). It is
 * the agent's own; administrators may share it with everyone instead.
 */
function QuickReplyDialog({ m, admin, onClose, fail, toast }: { m: Message; admin: boolean; onClose: () => void; fail: (e: unknown) => void; toast: Props['toast'] }) {
  const [title, setTitle] = useState(() => {
    const words = m.body.replace(/\s+/g, ' ').trim().split(' ').slice(0, 6).join(' ');
    return words.length > 60 ? words.slice(0, 60) : words;
  });
  const [body, setBody] = useState(m.body.slice(0, MAX_BODY));
  const [busy, setBusy] = useState(false);
  const [shared, setShared] = useState(false);
  const ok = title.trim() !== '' && body.trim() !== '';
  async function save() {
    if (!ok || busy) return;
    setBusy(true);
    try {
      await api.createCannedMessage({ title: title.trim(), body: body.trim(), personal: !shared });
      toast('Quick reply saved. Type / in an empty reply to use it.', 'info');
      onClose();
    } catch (e) {
      fail(e);
      setBusy(false);
    }
  }
  return (
    <Modal
      title="Make a quick reply"
      onClose={onClose}
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={!ok || busy} onClick={() => void save()}>
            Save quick reply
          </button>
        </>
      }
    >
      <label className="field">
        <span>Title</span>
        <input value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>Text</span>
        <textarea rows={5} maxLength={MAX_BODY} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {admin && (
        <label className="check">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
          <span>Share with all agents (a canned message)</span>
        </label>
      )}
      <p className="muted small">
        {shared ? 'Everyone finds it' : 'Only you find it'} under ⚡ Quick replies, or with / in an empty reply. {'{{first_name}}'} and {'{{agent_name}}'} are filled in when used.
      </p>
    </Modal>
  );
}

const MAX_BODY = 2000;

// ---------------------------------------------------------------- header and its actions

type Dialog = null | 'resolve' | 'reassign' | 'transfer' | 'complete' | 'end-ticket';

function ThreadHeader({ c, name, update, dir, fail, toast, detailsOpen, toggleDetails, onClosed }: Omit<Props, 'conversation' | 'thread' | 'contact'> & { c: Conversation; name: string }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState<number | ''>('');
  const assigneeLabel = useId();
  const [endMenu, setEndMenu] = useState(false);
  const [subject, setSubject] = useState('');
  const consulting = useConsulting(c.id, c.assigneeId);

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
  const chatRequest = isChatRequest(c);
  // Actions that answer `{ok}` rather than the conversation: fetch it so the header follows at once.
  const refresh = () => api.conversation(c.id).then((fresh) => update((st) => upsertConversations(st, [fresh])), () => {});
  const complete = () =>
    void run(async () => {
      const r = await api.completeChatRequest(c.id, note.trim() || undefined);
      toast(r.warning ? 'Chat request completed without a note.' : 'Chat request completed.', 'info');
      await refresh();
    }).then((ok) => {
      if (ok) {
        setDialog(null);
        setNote('');
      }
    });
  const endSession = (outcome: 'plain' | 'ticket') =>
    void run(async () => {
      const r = await api.endSession(c.id, outcome === 'ticket' ? { outcome, subject: subject.trim() || undefined, note: note.trim() || undefined } : { outcome });
      toast(r.ticketId ? (outcome === 'ticket' ? `Chat ended. Ticket #${r.ticketId} created with the chat log.` : `Chat ended. Its log is attached to ticket #${r.ticketId}.`) : 'Chat ended.', 'info');
      await refresh();
    }).then((ok) => {
      if (ok) {
        setDialog(null);
        setNote('');
      }
    });

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
      {consulting ? (
        // Seed 000: the consultant watches; every customer-facing control is absent for her.
        <div className="actions" role="toolbar" aria-label="Conversation actions">
          <span className="status-pill">Consulting for {consulting.initiator.name}</span>
          <button className="btn ghost icon" aria-pressed={detailsOpen} aria-label={detailsOpen ? 'Hide contact details' : 'Show contact details'} title="Contact details" onClick={toggleDetails}>
            <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
              <rect x="3" y="4" width="18" height="16" rx="2" />
              <path d="M15 4v16" />
            </svg>
          </button>
        </div>
      ) : (
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
        {(s === 'abandoned' || s === 'callback') && (
          <button
            className="btn primary"
            disabled={busy}
            onClick={() => {
              setNote('');
              setDialog('complete');
            }}
          >
            Complete
          </button>
        )}
        {(s === 'active' || s === 'pending') && !chatRequest && (
          <button className="btn" disabled={busy} onClick={() => void run(() => api.endChat(c.id), 'Chat ended: wrap-up started.')}>
            End chat
          </button>
        )}
        {(s === 'active' || s === 'pending') && chatRequest && (
          <EndChatMenu
            open={endMenu}
            setOpen={setEndMenu}
            disabled={busy}
            onEnd={() => endSession('plain')}
            onEndWithTicket={() => {
              setNote('');
              setSubject(c.subject ?? `Chat with ${name}`);
              setDialog('end-ticket');
            }}
          />
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
        <AssignDiscussButton conversationId={c.id} mayRequest={c.assigneeId === dir.me.id || dir.me.role === 'admin'} live={dir.agents} />
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
      )}
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
      {dialog === 'complete' && (
        <Modal
          title={s === 'callback' ? 'Complete callback request' : 'Complete abandoned chat request'}
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button className="btn primary" disabled={busy} onClick={complete}>
                {note.trim() ? 'Complete' : 'Complete without a note'}
              </button>
            </>
          }
        >
          <label className="field">
            <span>What did you do for the customer?</span>
            <textarea rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder={s === 'callback' ? 'e.g. Called back, order re-sent' : 'e.g. Replied by email with the tracking number'} />
          </label>
          {/* Always in the page, so it is read out when it changes and the dialog does not jump. */}
          <p className="complete-hint muted small" aria-live="polite">
            {note.trim() ? '\u00a0' : 'Completing without a note is allowed, but not recommended: a note tells the next person what was done.'}
          </p>
        </Modal>
      )}
      {dialog === 'end-ticket' && (
        <Modal
          title="End chat with a new ticket"
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button className="btn primary" disabled={busy || !subject.trim()} onClick={() => endSession('ticket')}>
                End and create ticket
              </button>
            </>
          }
        >
          <label className="field">
            <span>Ticket subject</span>
            <input value={subject} maxLength={300} onChange={(e) => setSubject(e.target.value)} />
          </label>
          <label className="field">
            <span>Note (optional)</span>
            <textarea rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Replacement part ordered" />
          </label>
          <p className="muted small">The chat log is attached to the ticket as a file.</p>
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

/** Seed 003: a joined chat ends "by creating a new ticket, or just ending the chat". */
function EndChatMenu({ open, setOpen, disabled, onEnd, onEndWithTicket }: { open: boolean; setOpen: (v: boolean) => void; disabled: boolean; onEnd: () => void; onEndWithTicket: () => void }) {
  const menuId = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, setOpen]);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div className="end-menu-wrap" ref={wrap}>
      <button ref={button} className="btn" disabled={disabled} aria-haspopup="menu" aria-expanded={open} aria-controls={open ? menuId : undefined} onClick={() => setOpen(!open)}>
        End chat <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          id={menuId}
          className="end-menu"
          role="menu"
          aria-label="End chat"
          onKeyDown={(e) => {
            const items = [...(wrap.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
            const at = items.indexOf(document.activeElement as HTMLElement);
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
            } else if (e.key === 'Escape' || e.key === 'Tab') {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
              }
              close();
            }
          }}
        >
          <button
            role="menuitem"
            className="end-menu-item"
            onClick={() => {
              setOpen(false);
              onEnd();
            }}
          >
            End
          </button>
          <button
            role="menuitem"
            className="end-menu-item"
            onClick={() => {
              setOpen(false);
              onEndWithTicket();
            }}
          >
            End with a new ticket
          </button>
        </div>
      )}
    </div>
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

function History({ c, thread, update, dir, onQuote, onQuickReply }: HistoryProps) {
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
