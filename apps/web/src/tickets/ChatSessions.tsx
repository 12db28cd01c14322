import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ChatSession, SessionNote } from '@switchboard/protocol';
import { ticketsApi, type SessionStatus } from './api.ts';
import { fullTime } from '../ui.tsx';
import { followInApp } from '../history/go.ts';

const STATUSES: Array<[SessionStatus, string]> = [
  ['completed', 'Completed'],
  ['abandoned', 'Abandoned'],
  ['callback', 'Callback'],
  ['any', 'Any'],
];

/** Seed 003: "Completed chat sessions can be searched … to add or edit notes." */
export function ChatSessions({ fail, toast }: { fail: (e: unknown) => void; toast: (text: string, kind?: 'error' | 'info') => void }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<SessionStatus>('completed');
  const [asked, setAsked] = useState<{ q: string; status: SessionStatus }>({ q: '', status: 'completed' });
  const [items, setItems] = useState<ChatSession[] | null>(null);
  const load = useCallback(() => {
    setItems(null);
    ticketsApi.sessions(asked).then((r) => setItems(r.items), fail);
  }, [asked, fail]);
  useEffect(load, [load]);

  function search(e: FormEvent) {
    e.preventDefault();
    setAsked({ q: q.trim(), status });
  }
  const noteChanged = (n: SessionNote) =>
    setItems((all) => all?.map((s) => (s.conversationId !== n.conversationId ? s : { ...s, notes: s.notes.some((x) => x.id === n.id) ? s.notes.map((x) => (x.id === n.id ? n : x)) : [...s.notes, n] })) ?? all);

  return (
    <div className="sessions">
      <h1 className="screen-title">Chat sessions</h1>
      <form className="inline-form" role="search" aria-label="Search chat sessions" onSubmit={search}>
        <input type="search" aria-label="Search chat sessions" placeholder="Customer, email, message or note" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} />
        <select aria-label="Session status" value={status} onChange={(e) => setStatus(e.target.value as SessionStatus)}>
          {STATUSES.map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <button className="btn primary" type="submit">
          Search
        </button>
      </form>
      {!items && (
        <p className="muted" role="status">
          <span className="spinner" aria-hidden="true" /> Searching…
        </p>
      )}
      {items && !items.length && <p className="muted">No chat sessions match.</p>}
      <ul className="session-list" aria-label="Chat sessions found">
        {items?.map((s) => <SessionItem key={s.conversationId} session={s} onNote={noteChanged} fail={fail} toast={toast} />)}
      </ul>
    </div>
  );
}

function SessionItem({ session: s, onNote, fail, toast }: { session: ChatSession; onNote: (n: SessionNote) => void; fail: (e: unknown) => void; toast: (text: string, kind?: 'error' | 'info') => void }) {
  const [draft, setDraft] = useState('');
  const who = s.customer?.name ?? 'Unknown customer';
  async function add(e: FormEvent) {
    e.preventDefault();
    if (!draft.trim()) return;
    try {
      onNote(await ticketsApi.addSessionNote(s.conversationId, draft.trim()));
      setDraft('');
      toast('Note added.', 'info');
    } catch (err) {
      fail(err);
    }
  }
  return (
    <li className="session" aria-label={`Chat with ${who}`}>
      <div className="session-head">
        <strong>{who}</strong>
        <span className={`status-pill status-${s.status}`}>{s.status.replace('_', ' ')}</span>
        <span className="muted small">
          {s.agent ? `with ${s.agent.name} · ` : ''}
          {fullTime(s.startedAt)}
          {s.endedAt ? ` – ${fullTime(s.endedAt)}` : ''}
        </span>
        <a href={`/conversations/${s.conversationId}`} onClick={followInApp}>
          Open chat #{s.conversationId}
        </a>
        {s.ticketId !== null && (
          <a href={`/tickets/${s.ticketId}`} onClick={followInApp}>
            Ticket #{s.ticketId}
          </a>
        )}
      </div>
      <ol className="ticket-notes" aria-label={`Notes on the chat with ${who}`}>
        {s.notes.map((n) => (
          <EditableNote key={n.id} note={n} onSaved={onNote} fail={fail} />
        ))}
      </ol>
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <input aria-label={`New note on the chat with ${who}`} placeholder="Add a note: what was done for the customer" value={draft} maxLength={5000} onChange={(e) => setDraft(e.target.value)} />
        <button className="btn" type="submit" disabled={!draft.trim()}>
          Add note
        </button>
      </form>
    </li>
  );
}

function EditableNote({ note, onSaved, fail }: { note: SessionNote; onSaved: (n: SessionNote) => void; fail: (e: unknown) => void }) {
  const [edit, setEdit] = useState<string | null>(null);
  if (edit !== null)
    return (
      <li>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!edit.trim()) return;
            ticketsApi.editSessionNote(note.id, edit.trim()).then((n) => {
              onSaved(n);
              setEdit(null);
            }, fail);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEdit(null);
          }}
        >
          <input aria-label="Edit the note" autoFocus value={edit} maxLength={5000} onChange={(e) => setEdit(e.target.value)} />
          <button className="btn small primary" type="submit">
            Save
          </button>
          <button className="btn small" type="button" onClick={() => setEdit(null)}>
            Cancel
          </button>
        </form>
      </li>
    );
  return (
    <li>
      <p>{note.body}</p>
      <span className="muted small">
        {note.author?.name ?? 'Agent'} · {fullTime(note.updatedAt)}
        {note.updatedAt !== note.createdAt && ' (edited)'}
      </span>{' '}
      <button className="btn small" aria-label={`Edit note: ${note.body.slice(0, 40)}`} onClick={() => setEdit(note.body)}>
        Edit
      </button>
    </li>
  );
}
