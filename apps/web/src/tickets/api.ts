import type { ChatSession, SessionNote, Ticket } from '@switchboard/protocol';
import { api } from '../api.ts';

export type TicketStatus = Ticket['status'];
export const TICKET_STATUS: Record<TicketStatus, string> = { open: 'Open', pending: 'Pending', closed: 'Closed' };
export type SessionStatus = 'completed' | 'abandoned' | 'callback' | 'any';

/** The Tickets screen's calls (routes: http/routes/customerService.ts). */
export const ticketsApi = {
  list: (status?: TicketStatus) => api.request<{ items: Ticket[] }>('GET', '/tickets', undefined, { status }),
  get: (id: number) => api.request<Ticket>('GET', `/tickets/${id}`),
  update: (id: number, patch: { status?: TicketStatus; subject?: string }) => api.request<Ticket>('PATCH', `/tickets/${id}`, patch),
  addNote: (id: number, body: string, internal: boolean) => api.request<Ticket>('POST', `/tickets/${id}/notes`, { body, internal }),
  sessions: (q: { q?: string; status: SessionStatus }) => api.request<{ items: ChatSession[] }>('GET', '/chat-sessions', undefined, { q: q.q || undefined, status: q.status }),
  addSessionNote: (conversationId: number, body: string) => api.request<SessionNote>('POST', `/conversations/${conversationId}/notes`, { body }),
  editSessionNote: (id: number, body: string) => api.request<SessionNote>('PATCH', `/session-notes/${id}`, { body }),
};
