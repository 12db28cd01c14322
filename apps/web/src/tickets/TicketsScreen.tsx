import { useCallback, useEffect, useState } from 'react';
import type { Ticket } from '@switchboard/protocol';
import { TICKET_STATUS, ticketsApi, type TicketStatus } from './api.ts';
import { TicketDetail } from './TicketDetail.tsx';
import { ChatSessions } from './ChatSessions.tsx';
import { go } from '../history/go.ts';
import { useLocation } from '../router/router.ts';
import './tickets.css';

const day = (at: number) => new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });

/** `/tickets`, `/tickets/12`, `/tickets/sessions`: which part of the screen the address names. */
export function ticketsPlace(pathname: string): { tab: 'tickets' | 'sessions'; ticketId: number | null } {
  if (pathname.startsWith('/tickets/sessions')) return { tab: 'sessions', ticketId: null };
  const m = /^\/tickets\/(\d+)/.exec(pathname);
  return { tab: 'tickets', ticketId: m ? Number(m[1]) : null };
}

/**
 * Tickets and chat sessions (seed 003): tickets with their chat log files and notes; completed chat
 * sessions searchable, their notes added and edited here. Each part has its address.
 */
export default function TicketsScreen({ fail, toast }: { fail: (e: unknown) => void; toast: (text: string, kind?: 'error' | 'info') => void }) {
  const place = ticketsPlace(useLocation().pathname);
  const [status, setStatus] = useState<TicketStatus | ''>('');
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const load = useCallback(() => {
    ticketsApi.list(status || undefined).then((r) => setTickets(r.items), fail);
  }, [status, fail]);
  useEffect(load, [load]);

  const changed = (t: Ticket) => setTickets((all) => all?.map((x) => (x.id === t.id ? t : x)) ?? all);
  return (
    <section className="tickets-screen" aria-label="Tickets">
      <nav className="tickets-tabs" role="tablist" aria-label="Tickets and chat sessions">
        <button role="tab" aria-selected={place.tab === 'tickets'} className={place.tab === 'tickets' ? 'tab active' : 'tab'} onClick={() => go('/tickets')}>
          Tickets
        </button>
        <button role="tab" aria-selected={place.tab === 'sessions'} className={place.tab === 'sessions' ? 'tab active' : 'tab'} onClick={() => go('/tickets/sessions')}>
          Chat sessions
        </button>
      </nav>
      {place.tab === 'sessions' ? (
        <ChatSessions fail={fail} toast={toast} />
      ) : (
        <div className="tickets-body">
          <div className="tickets-list">
            <h1 className="screen-title">Tickets</h1>
            <label className="field">
              <span>Status</span>
              <select aria-label="Ticket status filter" value={status} onChange={(e) => setStatus(e.target.value as TicketStatus | '')}>
                <option value="">All</option>
                {Object.entries(TICKET_STATUS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            {!tickets && <p className="muted">Loading…</p>}
            {tickets && !tickets.length && <p className="muted">No tickets.</p>}
            <ul aria-label="Ticket list">
              {tickets?.map((t) => (
                <li key={t.id}>
                  <button className={`ticket-row${place.ticketId === t.id ? ' active' : ''}`} aria-current={place.ticketId === t.id} onClick={() => go(`/tickets/${t.id}`)}>
                    <span className="ticket-subject">
                      #{t.id} {t.subject}
                    </span>
                    <span className={`status-pill status-ticket-${t.status}`}>{TICKET_STATUS[t.status]}</span>
                    <span className="muted small">
                      {t.contact?.name ?? 'No customer'} · {day(t.updatedAt)}
                      {t.attachments.length > 0 && ` · 📎 ${t.attachments.length}`}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          {place.ticketId !== null ? <TicketDetail key={place.ticketId} id={place.ticketId} onChanged={changed} fail={fail} toast={toast} /> : <p className="muted tickets-empty">Choose a ticket.</p>}
        </div>
      )}
    </section>
  );
}
