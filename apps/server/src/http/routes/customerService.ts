import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AddNoteRequest,
  ChatRequestInfo,
  ChatSession,
  ChatSessionQuery,
  CompleteChatRequest,
  CreateTicketRequest,
  EndSessionRequest,
  IdParams,
  NoteBody,
  Ok,
  SessionNote,
  Ticket,
  TicketStatus,
  UpdateTicketRequest,
  UpdateWidgetSettingsRequest,
  WidgetSettingsView,
  type WidgetSettings,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { addSessionNote, agentTyping, chatRequestInfo, completeChatRequest, editSessionNote, endChatSession, searchChatSessions } from '../../actions/chatRequests.ts';
import { addTicketNote, createTicket, listTickets, presentTickets, updateTicket, visibleTicket } from '../../actions/tickets.ts';
import { loadWidgetSettings, saveWidgetSettings } from '../../actions/visitors.ts';
import { fileUrl } from '../../attachments/owned.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];
const chat = ['chat requests'];
const tickets = ['tickets'];

const view = (w: WidgetSettings) => {
  const { identitySecret, ...rest } = w;
  return { ...rest, identitySecretSet: !!identitySecret };
};

/**
 * The agents' half of issue 3: completing abandoned and callback requests, ending a chat with or
 * without a ticket, session notes and search, tickets, typing, and the widget's settings.
 */
export function customerServiceRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);

    app.post(
      '/conversations/:id/complete',
      {
        schema: {
          tags: chat,
          operationId: 'completeChatRequest',
          summary: 'Complete an abandoned or callback request with a note (seed 003)',
          description: 'Completing without a note is allowed but not recommended: the answer then carries `warning: "completed_without_note"`.',
          params: IdParams,
          body: CompleteChatRequest,
          response: { 200: z.object({ ok: z.literal(true), warning: z.string().nullable() }), ...errorResponses(common, 'not_a_chat_request') },
        },
      },
      async (req) => ({ ok: true as const, ...(await completeChatRequest(s.actions, viewerOf(req), req.params.id, req.body.note)) }),
    );

    app.post(
      '/conversations/:id/end-session',
      {
        schema: {
          tags: chat,
          operationId: 'endChatSession',
          summary: 'End a chat with a new ticket (the log attached as a file) or plainly; a chat from a ticket gets its log attached to it',
          params: IdParams,
          body: EndSessionRequest,
          response: { 200: z.object({ ok: z.literal(true), ticketId: z.number().nullable() }), ...errorResponses(common, 'conversation_not_open') },
        },
      },
      async (req) => ({ ok: true as const, ...(await endChatSession(s.actions, viewerOf(req), req.params.id, req.body)) }),
    );

    app.get(
      '/conversations/:id/chat-request',
      { schema: { tags: chat, operationId: 'getChatRequest', summary: 'Where a chat came from, the callback asked for, how it was completed, and its notes', params: IdParams, response: { 200: ChatRequestInfo, ...errorResponses(common) } } },
      async (req) => chatRequestInfo(s.actions, viewerOf(req), req.params.id),
    );

    app.post(
      '/conversations/:id/notes',
      { schema: { tags: chat, operationId: 'addSessionNote', summary: 'Add a note to a chat session', params: IdParams, body: NoteBody, response: { 201: SessionNote, ...errorResponses(common) } } },
      async (req, reply) => {
        reply.code(201);
        return addSessionNote(s.actions, viewerOf(req), req.params.id, req.body.body);
      },
    );

    app.patch(
      '/session-notes/:id',
      { schema: { tags: chat, operationId: 'updateSessionNote', summary: 'Edit a session note', params: IdParams, body: NoteBody, response: { 200: SessionNote, ...errorResponses(common) } } },
      async (req) => editSessionNote(s.actions, viewerOf(req), req.params.id, req.body.body),
    );

    app.post(
      '/conversations/:id/typing',
      { config: { rateLimit: { max: 120, timeWindow: 60_000 } }, schema: { tags: chat, operationId: 'setTyping', summary: 'Typing indicator for the customer', params: IdParams, body: z.object({ typing: z.boolean() }), response: { 200: Ok, ...errorResponses(common, 'rate_limited') } } },
      async (req) => {
        await agentTyping(s.actions, viewerOf(req), req.params.id, req.body.typing);
        return { ok: true as const };
      },
    );

    app.get(
      '/chat-sessions',
      { schema: { tags: chat, operationId: 'searchChatSessions', summary: 'Search chat sessions by customer, agent, date and content (completed ones by default)', querystring: ChatSessionQuery, response: { 200: z.object({ items: z.array(ChatSession) }), ...errorResponses(common) } } },
      async (req) => ({ items: await searchChatSessions(s.actions, viewerOf(req), req.query) }),
    );

    // ------------------------------------------------------------ tickets

    const one = async (id: number) => {
      const row = await s.store.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return (await presentTickets(s.store.db, [row], { forCustomer: false, fileUrl }))[0]!;
    };

    app.get(
      '/tickets',
      {
        schema: {
          tags: tickets,
          operationId: 'listTickets',
          summary: 'Tickets you may see (assigned to you, or in your queues)',
          querystring: z.object({ contactId: z.coerce.number().int().positive().optional(), assigneeId: z.coerce.number().int().positive().optional(), status: TicketStatus.optional() }),
          response: { 200: z.object({ items: z.array(Ticket) }), ...errorResponses(common) },
        },
      },
      async (req) => ({ items: await presentTickets(s.store.db, await listTickets(s.store.db, viewerOf(req), req.query), { forCustomer: false, fileUrl }) }),
    );
    app.post('/tickets', { schema: { tags: tickets, operationId: 'createTicket', summary: 'Open a ticket for a contact', body: CreateTicketRequest, response: { 201: Ticket, ...errorResponses(common, 'contact_not_found', 'queue_not_found', 'assignee_not_found') } } }, async (req, reply) => {
      const id = await createTicket(s.actions, viewerOf(req), req.body);
      reply.code(201);
      return one(id);
    });
    app.get('/tickets/:id', { schema: { tags: tickets, operationId: 'getTicket', summary: 'One ticket with its notes and attachments', params: IdParams, response: { 200: Ticket, ...errorResponses(common) } } }, async (req) => {
      await visibleTicket(s.store.db, viewerOf(req), req.params.id);
      return one(req.params.id);
    });
    app.patch('/tickets/:id', { schema: { tags: tickets, operationId: 'updateTicket', summary: 'Change subject, assignee or status', params: IdParams, body: UpdateTicketRequest, response: { 200: Ticket, ...errorResponses(common, 'assignee_not_found') } } }, async (req) => {
      await updateTicket(s.actions, viewerOf(req), req.params.id, req.body);
      return one(req.params.id);
    });
    app.post('/tickets/:id/notes', { schema: { tags: tickets, operationId: 'addTicketNote', summary: 'Add a note (internal by default: the customer does not see it)', params: IdParams, body: AddNoteRequest, response: { 200: Ticket, ...errorResponses(common) } } }, async (req) => {
      const viewer = viewerOf(req);
      await visibleTicket(s.store.db, viewer, req.params.id);
      await addTicketNote(s.actions, { userId: viewer.id }, req.params.id, req.body.body, req.body.internal);
      return one(req.params.id);
    });

    // ------------------------------------------------------------ widget settings (admins)

    app.get('/settings/widget', { schema: { tags: ['widget'], operationId: 'getWidgetSettings', summary: 'Widget settings: office hours, identity verification, attachments', response: { 200: WidgetSettingsView, ...errorResponses(common) } } }, async (req) => {
      requireAdmin(req);
      return view(await loadWidgetSettings(s.store.db));
    });
    app.put('/settings/widget', { schema: { tags: ['widget'], operationId: 'updateWidgetSettings', summary: 'Change widget settings', body: UpdateWidgetSettingsRequest, response: { 200: WidgetSettingsView, ...errorResponses(common, 'identity_secret_missing', 'queue_not_found') } } }, async (req) => {
      requireAdmin(req);
      return view(await saveWidgetSettings(s.actions, req.body as Partial<WidgetSettings>));
    });
  };
}
