import { useEffect, useState, type FormEvent } from 'react';
import type { CustomerHistory as History } from '@switchboard/protocol';
import { api } from '../api.ts';
import { CHANNELS, fullTime } from '../ui.tsx';
import { followInApp } from './go.ts';
import './history.css';

const STATUS: Record<string, string> = {
  queued: 'Queued',
  active: 'Active',
  pending: 'Pending',
  wrap_up: 'Wrap-up',
  resolved: 'Resolved',
  closed: 'Closed',
  abandoned: 'Abandoned',
  callback: 'Callback',
  open: 'Open',
};
const day = (at: number) => new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/**
 * The customer's history in the details panel (issue 14): their other conversations and their
 * tickets, with status and date, each one click away. Only what the agent may open is listed
 * (the server decides). Refetched when the open conversation changes or its status does.
 */
export function CustomerHistory({ contactId, conversationId, status }: { contactId: number; conversationId: number; status: string }) {
  const [history, setHistory] = useState<History | null>(null);
  const [failed, setFailed] = useState(false);
  const [reload, setReload] = useState(0);
  const [subject, setSubject] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setFailed(false);
    api.request<History>('GET', `/contacts/${contactId}/history`).then(
      (h) => live && setHistory(h),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [contactId, conversationId, status, reload]);

  async function openTicket(e: FormEvent) {
    e.preventDefault();
    if (!subject?.trim()) return;
    setError('');
    try {
      await api.request('POST', '/tickets', { contactId, subject: subject.trim() });
      setSubject(null);
      setReload((n) => n + 1);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The ticket was not opened.');
    }
  }

  const others = history?.conversations.filter((c) => c.id !== conversationId) ?? [];
  const follows = history?.conversations.find((x) => x.id === conversationId)?.previousConversationId ?? null;
  return (
    <section className="card customer-history" aria-label="Customer history">
      <h3>Customer history</h3>
      {failed && <p className="muted">The history could not be loaded.</p>}
      {!history && !failed && <p className="muted">Loading…</p>}
      {history && !others.length && !history.tickets.length && <p className="muted">No earlier conversations or tickets.</p>}
      {others.length > 0 && (
        <ul className="history-list" aria-label="Earlier and linked conversations">
          {others.map((c) => (
            <li key={c.id}>
              <a href={`/conversations/${c.id}`} onClick={followInApp} aria-label={`Conversation #${c.id}, ${STATUS[c.status] ?? c.status}, ${day(c.createdAt)}`}>
                <span className="history-title">
                  #{c.id} {c.subject ?? CHANNELS[c.channel]?.name ?? c.channel}
                </span>
                <span className={`status-pill status-${c.status}`}>{STATUS[c.status] ?? c.status}</span>
                <time className="muted small" dateTime={new Date(c.createdAt).toISOString()} title={fullTime(c.createdAt)}>
                  {day(c.createdAt)}
                </time>
                {c.id === follows && <span className="muted small">this conversation follows it</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
      {history && history.tickets.length > 0 && (
        <ul className="history-list" aria-label="Tickets">
          {history.tickets.map((t) => (
            <li key={t.id}>
              <a href={`/tickets/${t.id}`} onClick={followInApp} aria-label={`Ticket #${t.id} ${t.subject}, ${STATUS[t.status] ?? t.status}, ${day(t.createdAt)}`}>
                <span className="history-title">
                  🎫 #{t.id} {t.subject}
                </span>
                <span className={`status-pill status-ticket-${t.status}`}>{STATUS[t.status] ?? t.status}</span>
                <time className="muted small" dateTime={new Date(t.updatedAt).toISOString()} title={fullTime(t.updatedAt)}>
                  {day(t.createdAt)}
                </time>
              </a>
            </li>
          ))}
        </ul>
      )}
      {subject === null ? (
        <button className="btn small" onClick={() => setSubject('')}>
          + New ticket
        </button>
      ) : (
        <form className="inline-form tight" aria-label="New ticket" onSubmit={(e) => void openTicket(e)} onKeyDown={(e) => e.key === 'Escape' && setSubject(null)}>
          <input aria-label="Ticket subject" placeholder="Subject" autoFocus required maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
          <button className="btn small primary" type="submit" disabled={!subject.trim()}>
            Open ticket
          </button>
          <button className="btn small" type="button" onClick={() => setSubject(null)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p className="form-errors" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
