import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Attachment,
  CallbackRequest,
  CreateVisitorSessionRequest,
  CustomerMessageRequest,
  IdParams,
  StartChatRequest,
  StreamTicket,
  Ticket,
  VisitorAttributesRequest,
  VisitorConversation,
  VisitorMe,
  VisitorMessage,
  VisitorReadRequest,
  VisitorSession,
  WidgetConfig,
  errorResponses,
  FileBytes,
  errorResponse,
  type ErrorCode,
} from '@switchboard/protocol';
import { AppError, notFound } from '../../errors.ts';
import type { Services } from '../services.ts';
import {
  createVisitorSession,
  latestConversation,
  ownConversation,
  presentVisitorConversation,
  presentVisitorMessages,
  startChat,
  updateVisitorContact,
  visitorFromToken,
  visitorKeepsWaiting,
  visitorLeaves,
  visitorMessages,
  visitorPostMessage,
  visitorRead,
  visitorRequestsCallback,
  widgetConfig,
  type Visitor,
} from '../../actions/visitors.ts';
import { presentTickets, visitorTickets, addTicketNote } from '../../actions/tickets.ts';
import { storeVisitorUpload } from '../../actions/uploads.ts';
import { issueStreamTicket } from '../../actions/credentials.ts';
import { hashToken } from '../../auth/secrets.ts';
import { metrics } from '../../metrics.ts';
import { fileUrl } from '../../attachments/owned.ts';
import { mayReadFile, readStoredFile, sendStoredFile, type FileReader } from '../../attachments/files.ts';

export const VISITOR_HEADER = 'x-visitor-token';
const tags = ['widget'];
const common: readonly ErrorCode[] = ['unauthorized', 'rate_limited', 'not_found'];

declare module 'fastify' {
  interface FastifyRequest {
    visitor?: Visitor | null;
  }
}

/** Per-IP limits on the public routes, per-token limits on a visitor's own calls. */
export const WIDGET_LIMITS = { badTokensPerMinute: 20, sessionsPerMinute: 10, publicPerMinute: 120, visitorPerMinute: 120, messagesPerMinute: 30 };
const byToken = (req: FastifyRequest) => {
  const t = req.headers[VISITOR_HEADER];
  return typeof t === 'string' && t ? `v:${crypto.createHash('sha256').update(t).digest('hex').slice(0, 32)}` : `ip:${req.ip}`;
};
const limit = (max: number, keyGenerator?: (req: FastifyRequest) => string) => ({ rateLimit: { max, timeWindow: 60_000, ...(keyGenerator ? { keyGenerator } : {}) } });

/**
 * The customer's API (issue 3): the widget and the client portal call these with the visitor token
 * in `X-Visitor-Token`. A visitor reaches only their own contact's conversations and tickets;
 * everything else answers 404. Internal notes and agents' notes never leave through here.
 */
export function widgetRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    // Wrong tokens are counted per address: guessing is slowed to a few tries a minute (per node).
    const failures = new Map<string, { n: number; until: number }>();
    const needVisitor = async (req: FastifyRequest, _reply: FastifyReply) => {
      const now = Date.now();
      const f = failures.get(req.ip);
      if (f && f.until > now && f.n >= WIDGET_LIMITS.badTokensPerMinute) throw new AppError('rate_limited', 'Too many attempts; wait a minute and try again.', 429);
      const raw = req.headers[VISITOR_HEADER];
      const v = await visitorFromToken(s.actions, typeof raw === 'string' ? raw : undefined);
      if (!v) {
        if (!f || f.until <= now) {
          if (failures.size > 10_000) failures.clear();
          failures.set(req.ip, { n: 1, until: now + 60_000 });
        } else f.n++;
        throw new AppError('unauthorized', 'Start a chat session first (missing or expired visitor token).', 401);
      }
      req.visitor = v;
    };
    const visitor = (req: FastifyRequest) => req.visitor!;
    const visitorOnly = { onRequest: needVisitor, config: limit(WIDGET_LIMITS.visitorPerMinute, byToken) };

    app.get(
      '/widget/config',
      { config: limit(WIDGET_LIMITS.publicPerMinute), schema: { tags, operationId: 'getWidgetConfig', summary: 'What the widget shows before a chat: office hours and whether anyone is there', security: [], response: { 200: WidgetConfig, ...errorResponses('rate_limited') } } },
      async () => widgetConfig(s.store.db, s.clock.now()),
    );

    app.post(
      '/widget/sessions',
      {
        config: limit(WIDGET_LIMITS.sessionsPerMinute),
        schema: { tags, operationId: 'startVisitorSession', summary: 'Start a visitor session: an unguessable token scoped to this visitor (identity verified when the site turns it on)', security: [], body: CreateVisitorSessionRequest, response: { 201: VisitorSession, ...errorResponses('rate_limited', 'identity_invalid') } },
      },
      async (req, reply) => {
        const { token, visitor: v } = await createVisitorSession(s.actions, req.body);
        reply.code(201);
        return { token, ...(await me(v)) };
      },
    );

    const me = async (v: Visitor) => {
      const [contact, latest] = await Promise.all([
        s.store.db.selectFrom('contacts').select(['name', 'email']).where('id', '=', v.contactId).executeTakeFirstOrThrow(),
        latestConversation(s.store.db, v),
      ]);
      return { contact, verified: v.verified, conversation: latest ? await presentVisitorConversation(s.store.db, latest) : null };
    };

    app.post(
      '/widget/stream-ticket',
      { ...visitorOnly, schema: { tags, operationId: 'createVisitorStreamTicket', summary: 'A one-time ticket for the customer stream (`/api/v1/widget/stream?ticket=…`), good for 30 seconds', security: [], response: { 201: StreamTicket, ...errorResponses(common) } } },
      async (req, reply) => {
        reply.code(201);
        return issueStreamTicket(s.actions, `visitor:${hashToken(String(req.headers[VISITOR_HEADER]))}`);
      },
    );

    app.get('/widget/me', { ...visitorOnly, schema: { tags, operationId: 'getVisitor', summary: 'The visitor and their latest chat (restores the widget after a reload)', security: [], response: { 200: VisitorMe, ...errorResponses(common) } } }, async (req) => me(visitor(req)));

    app.patch(
      '/widget/me',
      { ...visitorOnly, schema: { tags, operationId: 'updateVisitor', summary: 'Name, email (pre-chat form) and custom attributes', security: [], body: z.object({ name: z.string().trim().min(1).max(200).optional(), email: z.email().max(320).optional() }).merge(VisitorAttributesRequest.partial()), response: { 200: VisitorMe, ...errorResponses(common, 'too_many_attributes') } } },
      async (req) => {
        await updateVisitorContact(s.actions, visitor(req), req.body);
        return me(visitor(req));
      },
    );

    app.post(
      '/widget/conversations',
      { ...visitorOnly, schema: { tags, operationId: 'requestChat', summary: 'Ask for a chat (from the widget, the portal, or one of your tickets)', security: [], body: StartChatRequest, response: { 201: VisitorConversation, ...errorResponses(common, 'customer_blocked', 'message_empty', 'message_too_long') } } },
      async (req, reply) => {
        const id = await startChat(s.actions, visitor(req), req.body);
        reply.code(201);
        return presentVisitorConversation(s.store.db, await ownConversation(s.store.db, visitor(req), id));
      },
    );

    app.get(
      '/widget/conversations/:id',
      { ...visitorOnly, schema: { tags, operationId: 'getVisitorConversation', summary: 'One of your chats', security: [], params: IdParams, response: { 200: VisitorConversation, ...errorResponses(common) } } },
      async (req) => presentVisitorConversation(s.store.db, await ownConversation(s.store.db, visitor(req), req.params.id)),
    );

    app.get(
      '/widget/conversations/:id/messages',
      {
        ...visitorOnly,
        schema: {
          tags,
          operationId: 'listVisitorMessages',
          summary: 'The chat history (no internal notes), newest last; `after` fetches what a reconnect missed',
          security: [],
          params: IdParams,
          querystring: z.object({ before: z.coerce.number().int().positive().optional(), after: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(200).default(100) }),
          response: { 200: z.object({ items: z.array(VisitorMessage), hasMore: z.boolean() }), ...errorResponses(common) },
        },
      },
      async (req) => visitorMessages(s.store.db, visitor(req), req.params.id, req.query),
    );

    app.post(
      '/widget/conversations/:id/messages',
      {
        onRequest: needVisitor,
        config: limit(WIDGET_LIMITS.messagesPerMinute, byToken),
        schema: { tags, operationId: 'postVisitorMessage', summary: 'Write in your chat (idempotent by clientId)', security: [], params: IdParams, body: CustomerMessageRequest, response: { 201: VisitorMessage, 200: VisitorMessage, ...errorResponses(common, 'customer_blocked', 'message_empty', 'message_too_long', 'attachment_not_in_conversation', 'attachment_not_stored', 'attachment_too_large', 'attachment_type_not_allowed', 'conversation_not_open') } },
      },
      async (req, reply) => {
        const posted = await visitorPostMessage(s.actions, visitor(req), req.params.id, req.body);
        if (posted.created) metrics.messagesCreated.inc({ sender: 'customer' });
        const row = await s.store.db.selectFrom('messages').selectAll().where('id', '=', posted.message.id).executeTakeFirstOrThrow();
        reply.code(posted.created ? 201 : 200);
        return (await presentVisitorMessages(s.store.db, [row]))[0]!;
      },
    );

    const action = (path: string, operationId: string, summary: string, fn: (v: Visitor, id: number, body: any) => Promise<unknown>, body: z.ZodTypeAny = z.object({}).optional()) =>
      app.post(
        `/widget/conversations/:id/${path}`,
        { ...visitorOnly, schema: { tags, operationId, summary, security: [], params: IdParams, body, response: { 200: VisitorConversation, ...errorResponses(common, 'conversation_not_waiting', 'callback_not_possible') } } },
        async (req) => {
          await fn(visitor(req), req.params.id, req.body);
          return presentVisitorConversation(s.store.db, await ownConversation(s.store.db, visitor(req), req.params.id));
        },
      );
    action('leave', 'visitorLeave', 'Stop waiting: the chat request is abandoned (seed 003)', (v, id) => visitorLeaves(s.actions, v, id));
    action('keep-waiting', 'visitorKeepWaiting', 'Keep waiting for an agent (seed 003)', (v, id) => visitorKeepsWaiting(s.actions, v, id));
    action('callback', 'visitorRequestCallback', 'Ask to be called back instead of waiting (seed 003)', (v, id, b) => visitorRequestsCallback(s.actions, v, id, b), CallbackRequest);
    action('read', 'visitorMarkRead', 'Read receipt: you have seen the agents’ messages up to this one', (v, id, b) => visitorRead(s.actions, v, id, b.upToMessageId), VisitorReadRequest);

    app.post(
      '/widget/uploads',
      {
        onRequest: needVisitor,
        bodyLimit: 15 * 1024 * 1024,
        config: limit(20, byToken),
        schema: {
          tags,
          operationId: 'visitorUpload',
          summary: 'Upload an attachment (base64) within the channel limits; send the returned attachment with a message',
          security: [],
          body: z.object({ name: z.string().trim().min(1).max(255), contentType: z.string().min(1).max(127), data: z.base64() }),
          response: { 201: Attachment, ...errorResponses(common, 'attachment_type_not_allowed'), 413: errorResponse(413, ['attachment_too_large']) },
        },
      },
      async (req, reply) => {
        const f = await storeVisitorUpload(s.actions, visitor(req).contactId, req.body.name, Buffer.from(req.body.data, 'base64'));
        reply.code(201);
        return { name: f.name, contentType: f.contentType, size: f.size, url: fileUrl(f.key) };
      },
    );

    // ------------------------------------------------------------ the client portal's tickets

    app.get(
      '/widget/tickets',
      { ...visitorOnly, schema: { tags, operationId: 'listVisitorTickets', summary: 'Your tickets (client portal)', security: [], response: { 200: z.object({ items: z.array(Ticket) }), ...errorResponses(common) } } },
      async (req) => ({ items: await presentTickets(s.store.db, await visitorTickets(s.store.db, visitor(req).contactId), { forCustomer: true, fileUrl }) }),
    );
    app.get(
      '/widget/tickets/:id',
      { ...visitorOnly, schema: { tags, operationId: 'getVisitorTicket', summary: 'One of your tickets, with its public notes and attachments', security: [], params: IdParams, response: { 200: Ticket, ...errorResponses(common) } } },
      async (req) => (await presentTickets(s.store.db, await visitorTickets(s.store.db, visitor(req).contactId, req.params.id), { forCustomer: true, fileUrl }))[0]!,
    );
    app.post(
      '/widget/tickets/:id/notes',
      { ...visitorOnly, schema: { tags, operationId: 'addVisitorTicketNote', summary: 'Add a note to one of your tickets', security: [], params: IdParams, body: z.object({ body: z.string().trim().min(1).max(5000) }), response: { 200: Ticket, ...errorResponses(common) } } },
      async (req) => {
        const v = visitor(req);
        await visitorTickets(s.store.db, v.contactId, req.params.id);
        await addTicketNote(s.actions, { contactId: v.contactId }, req.params.id, req.body.body, false);
        return (await presentTickets(s.store.db, await visitorTickets(s.store.db, v.contactId, req.params.id), { forCustomer: true, fileUrl }))[0]!;
      },
    );

    // ------------------------------------------------------------ files (one address for both sides)

    app.get(
      '/files/:key',
      {
        config: limit(WIDGET_LIMITS.publicPerMinute * 2),
        schema: {
          tags: ['attachments'],
          operationId: 'downloadFile',
          summary: 'An attachment or a chat log, for an agent who may see its conversation or ticket, or for its own customer (X-Visitor-Token)',
          params: z.object({ key: z.string().min(20).max(64) }),
          response: { 200: FileBytes, ...errorResponses('unauthorized', 'rate_limited', 'not_found') },
        },
      },
      async (req, reply) => {
        const raw = req.headers[VISITOR_HEADER];
        let who: FileReader;
        if (typeof raw === 'string' && raw) {
          const v = await visitorFromToken(s.actions, raw);
          if (!v) throw new AppError('unauthorized', 'Start a chat session first (missing or expired visitor token).', 401);
          who = { contactId: v.contactId };
        } else if (req.auth) who = { viewer: req.auth.viewer };
        else throw new AppError('unauthorized', 'Sign in, or send the visitor token, to read a file.', 401);
        const f = await readStoredFile(s.store.db, s.config.dataDir, req.params.key);
        if (!f || !(await mayReadFile(s.store.db, who, f))) throw notFound('file');
        return sendStoredFile(reply, f);
      },
    );
  };
}
