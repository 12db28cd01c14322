import { useEffect, useState, type FormEvent } from 'react';
import type { Ticket } from '@switchboard/protocol';
import { TICKET_STATUS, ticketsApi, type TicketStatus } from './api.ts';
import { fullTime } from '../ui.tsx';
import { followInApp } from '../history/go.ts';

/** Files are served by the API; anything else (a stray address) is not made a link. */
const safe = (url: string) => (url.startsWith('/api/') ? url : '#');

/** One ticket: its status, the customer, the chat log files attached from chats, and its notes. */
export function TicketDetail({ id, onChanged, fail, toast }: { id: number; onChanged: (t: Ticket) => void; fail: (e: unknown) => void; toast: (text: string, kind?: 'error' | 'info') => void }) {
  const [t, setT] = useState<Ticket | null>(null);
  const [note, setNote] = useState('');
  const [internal, setInternal] = useState(true);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ticketsApi.get(id).then(setT, fail);
  }, [id, fail]);
  if (!t) return <p className="muted tickets-empty">Loading ticket…</p>;

  const apply = (next: Ticket) => {
    setT(next);
    onChanged(next);
  };
  async function run(fn: () => Promise<Ticket>, done?: string) {
    setBusy(true);
    try {
      apply(await fn());
      if (done) toast(done, 'info');
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }
  function addNote(e: FormEvent) {
    e.preventDefault();
    if (!note.trim()) return;
    void run(() => ticketsApi.addNote(t!.id, note.trim(), internal), 'Note added.').then(() => setNote(''));
  }

  return (
    <article className="ticket-detail" aria-label={`Ticket #${t.id}`}>
      <header>
        <h2>
          #{t.id} {t.subject}
        </h2>
        <label className="field inline">
          <span>Status</span>
          <select aria-label="Ticket status" value={t.status} disabled={busy} onChange={(e) => void run(() => ticketsApi.update(t.id, { status: e.target.value as TicketStatus }), 'Status changed.')}>
            {Object.entries(TICKET_STATUS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
      </header>
      <dl className="props">
        <dt>Customer</dt>
        <dd>{t.contact ? `${t.contact.name}${t.contact.email ? ` (${t.contact.email})` : ''}` : '—'}</dd>
        <dt>Assignee</dt>
        <dd>{t.assignee?.name ?? 'Nobody'}</dd>
        <dt>Opened</dt>
        <dd>{fullTime(t.createdAt)}</dd>
        {t.sourceConversationId !== null && (
          <>
            <dt>From chat</dt>
            <dd>
              <a href={`/conversations/${t.sourceConversationId}`} onClick={followInApp}>
                Conversation #{t.sourceConversationId}
              </a>
            </dd>
          </>
        )}
      </dl>
      <h3>Chat logs and files</h3>
      {t.attachments.length ? (
        <ul className="ticket-files" aria-label="Chat logs and files">
          {t.attachments.map((f) => (
            <li key={f.id}>
              <a href={safe(f.url)} target="_blank" rel="noreferrer noopener" download={f.name}>
                📎 {f.name}
              </a>
              <span className="muted small">
                {' '}
                {Math.max(1, Math.round(f.size / 1024))} KB · {fullTime(f.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No files yet. Ending a chat with this ticket attaches its log here.</p>
      )}
      <h3>Notes</h3>
      <ol className="ticket-notes" aria-label="Ticket notes">
        {t.notes.map((n) => (
          <li key={n.id} className={n.internal ? 'internal' : ''}>
            <p>{n.body}</p>
            <span className="muted small">
              {n.author?.name ?? 'System'} · {fullTime(n.createdAt)}
              {n.internal ? ' · internal' : ' · the customer sees it'}
            </span>
          </li>
        ))}
        {!t.notes.length && <li className="muted">No notes yet.</li>}
      </ol>
      <form className="note-form" onSubmit={addNote} aria-label="Add a ticket note">
        <textarea aria-label="New ticket note" rows={3} value={note} maxLength={5000} onChange={(e) => setNote(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
          Internal (the customer does not see it)
        </label>
        <button className="btn primary" type="submit" disabled={busy || !note.trim()}>
          Add note
        </button>
      </form>
    </article>
  );
}
