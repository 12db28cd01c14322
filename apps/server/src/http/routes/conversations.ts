import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Conversation,
  ConversationList,
  ConversationListQuery,
  CreateConversationRequest,
  DeleteConversationsRequest,
  DraftRequest,
  IdParams,
  Message,
  MessagesQuery,
  Ok,
  PostMessageRequest,
  ReassignRequest,
  ResolveRequest,
  UnreadSummary,
  UpdateConversationRequest,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { conversationRow, encodeCursor, listConversations, processingKey } from '../../store/conversations.ts';
import { unreadSummary } from '../../store/unread.ts';
import { notFound } from '../../errors.ts';
import { presentConversations } from '../../presenters/conversations.ts';
import { loadSenderNames, presentMessage } from '../../presenters/messages.ts';
import { requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { visibleConversation } from '../../actions/context.ts';
import { postAgentMessage } from '../../actions/messages.ts';
import { startConversation } from '../../actions/intake.ts';
import { changeConversationStatus, reassignConversation } from '../../actions/lifecycle.ts';
import { deleteConversations, markConversationRead, markConversationUnread, saveDraft, updateConversation } from '../../actions/inbox.ts';
import { unpinCustomer } from '../../actions/contacts.ts';
import { metrics } from '../../metrics.ts';

const tags = ['conversations'];
const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];

export function conversationRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);

    const one = async (viewerId: number, id: number) => {
      const row = await conversationRow(s.store.db, id);
      if (!row) throw notFound();
      return (await presentConversations(s.store.db, viewerId, [row]))[0]!;
    };

    app.get(
      '/conversations',
      {
        schema: {
          tags,
          operationId: 'listConversations',
          summary: 'List the conversations you may see',
          description: 'Filters combine with AND; tag filters need every tag. Cursor pagination, newest activity first.',
          querystring: ConversationListQuery,
          response: { 200: ConversationList, ...errorResponses(common) },
        },
      },
      async (req) => {
        const viewer = viewerOf(req);
        const rows = await listConversations(s.store.db, viewer, req.query);
        const more = rows.length > req.query.limit;
        const pageRows = more ? rows.slice(0, req.query.limit) : rows;
        const last = pageRows[pageRows.length - 1];
        const at = last ? (req.query.sort === 'created' ? last.created_at : req.query.sort === 'processing_order' ? processingKey(last) : last.last_activity_at) : 0;
        return {
          items: await presentConversations(s.store.db, viewer.id, pageRows),
          nextCursor: more && last ? encodeCursor({ at, id: last.id }) : null,
        };
      },
    );

    app.post(
      '/conversations',
      { schema: { tags, operationId: 'createConversation', summary: 'Open a conversation for a contact', body: CreateConversationRequest, response: { 201: Conversation, ...errorResponses(common, 'contact_not_found', 'queue_not_found', 'assignee_not_found', 'customer_blocked') } } },
      async (req, reply) => {
        const viewer = viewerOf(req);
        const id = await startConversation(s.actions, viewer, req.body);
        reply.code(201);
        return one(viewer.id, id);
      },
    );

    app.get(
      '/conversations/unread',
      { schema: { tags, operationId: 'getUnreadSummary', summary: 'Your unread totals (header badge): every unresolved conversation you can see', response: { 200: UnreadSummary, ...errorResponses(common) } } },
      async (req) => unreadSummary(s.store.db, viewerOf(req)),
    );

    app.get(
      '/conversations/:id',
      { schema: { tags, operationId: 'getConversation', summary: 'One conversation', params: IdParams, response: { 200: Conversation, ...errorResponses(common) } } },
      async (req) => {
        const viewer = viewerOf(req);
        await visibleConversation(s.actions, viewer, req.params.id);
        return one(viewer.id, req.params.id);
      },
    );

    app.patch(
      '/conversations/:id',
      { schema: { tags, operationId: 'updateConversation', summary: 'Change priority, subject, labels or tags', params: IdParams, body: UpdateConversationRequest, response: { 200: Conversation, ...errorResponses(common, 'label_not_found', 'tag_not_found') } } },
      async (req) => {
        const viewer = viewerOf(req);
        await updateConversation(s.actions, viewer, req.params.id, req.body);
        return one(viewer.id, req.params.id);
      },
    );

    app.get(
      '/conversations/:id/messages',
      {
        schema: {
          tags,
          operationId: 'listMessages',
          summary: 'The history, newest last; page backwards with `before`',
          params: IdParams,
          querystring: MessagesQuery,
          response: { 200: z.object({ items: z.array(Message), hasMore: z.boolean() }), ...errorResponses(common) },
        },
      },
      async (req) => {
        const viewer = viewerOf(req);
        const c = await visibleConversation(s.actions, viewer, req.params.id);
        let q = s.store.db.selectFrom('messages').selectAll().where('conversation_id', '=', c.id);
        if (req.query.before) q = q.where('id', '<', req.query.before);
        const rows = await q.orderBy('id', 'desc').limit(req.query.limit + 1).execute();
        const hasMore = rows.length > req.query.limit;
        const pageRows = (hasMore ? rows.slice(0, req.query.limit) : rows).reverse();
        const names = await loadSenderNames(s.store.db, pageRows);
        return { items: pageRows.map((r) => presentMessage(r, names)), hasMore };
      },
    );

    app.post(
      '/conversations/:id/messages',
      {
        schema: {
          tags,
          operationId: 'postMessage',
          summary: 'Reply to the customer, or add an internal note',
          description: 'Text of 1–2000 characters (`message_too_long` otherwise). A retry with the same clientId returns the stored message.',
          params: IdParams,
          body: PostMessageRequest,
          response: { 201: Message, 200: Message, ...errorResponses(common, 'not_assignee', 'customer_blocked', 'consultant_cannot_message_customer', 'message_empty', 'message_too_long', 'outside_messaging_window', 'conversation_not_open', 'attachment_not_in_conversation', 'attachment_not_stored', 'attachment_too_large', 'attachment_type_not_allowed', 'reply_to_not_found', 'template_not_found', 'template_not_shared', 'template_with_attachments') },
        },
      },
      async (req, reply) => {
        const posted = await postAgentMessage(s.actions, viewerOf(req), req.params.id, req.body);
        if (posted.created) metrics.messagesCreated.inc({ sender: 'agent' });
        reply.code(posted.created ? 201 : 200);
        return posted.message;
      },
    );

    const statusRoute = (path: string, operationId: string, summary: string, kind: 'close' | 'reopen' | 'endChat' | 'closeWrapUp') =>
      app.post(
        `/conversations/:id/${path}`,
        { schema: { tags, operationId, summary, params: IdParams, response: { 200: Conversation, ...errorResponses(common, 'not_assignee', 'consultant_cannot_message_customer', 'already_closed', 'already_resolved', 'conversation_open', 'conversation_in_wrap_up', 'conversation_not_open', 'not_in_wrap_up') } } },
        async (req) => {
          const viewer = viewerOf(req);
          await changeConversationStatus(s.actions, viewer, req.params.id, { kind });
          return one(viewer.id, req.params.id);
        },
      );
    statusRoute('close', 'closeConversation', 'Close the conversation (a new message reopens it)', 'close');
    statusRoute('reopen', 'reopenConversation', 'Reopen a closed or resolved conversation', 'reopen');
    statusRoute('end-chat', 'endChat', 'End the chat: it goes to wrap-up', 'endChat');
    statusRoute('close-wrap-up', 'closeWrapUp', 'Close the wrap-up: the conversation is handled', 'closeWrapUp');

    app.post(
      '/conversations/:id/resolve',
      { schema: { tags, operationId: 'resolveConversation', summary: 'Resolve, with an optional resolution note', params: IdParams, body: ResolveRequest, response: { 200: Conversation, ...errorResponses(common, 'not_assignee', 'consultant_cannot_message_customer', 'already_resolved', 'conversation_in_wrap_up', 'conversation_not_open') } } },
      async (req) => {
        const viewer = viewerOf(req);
        await changeConversationStatus(s.actions, viewer, req.params.id, { kind: 'resolve' }, req.body.note);
        return one(viewer.id, req.params.id);
      },
    );

    app.post(
      '/conversations/:id/reassign',
      {
        schema: {
          tags,
          operationId: 'reassignConversation',
          summary: 'Reassign to another user (admin or the agent in charge)',
          params: IdParams,
          body: ReassignRequest,
          response: { 200: z.object({ ok: z.literal(true), assigneeId: z.number() }), ...errorResponses(common, 'assignee_not_found', 'already_assigned', 'not_assignee', 'at_capacity') },
        },
      },
      async (req) => {
        await reassignConversation(s.actions, viewerOf(req), req.params.id, req.body.assigneeId, req.body.note);
        // The caller may no longer see it (seed 002), so answer without the conversation.
        return { ok: true as const, assigneeId: req.body.assigneeId };
      },
    );

    app.post(
      '/conversations/:id/read',
      { schema: { tags, operationId: 'markConversationRead', summary: 'Mark as read', params: IdParams, response: { 200: Ok, ...errorResponses(common) } } },
      async (req) => {
        await markConversationRead(s.actions, viewerOf(req), req.params.id);
        return { ok: true as const };
      },
    );

    app.post(
      '/conversations/:id/unread',
      { schema: { tags, operationId: 'markConversationUnread', summary: 'Mark as unread, for you only', params: IdParams, response: { 200: Ok, ...errorResponses(common) } } },
      async (req) => {
        await markConversationUnread(s.actions, viewerOf(req), req.params.id);
        return { ok: true as const };
      },
    );

    app.put(
      '/conversations/:id/draft',
      { schema: { tags, operationId: 'saveDraft', summary: 'Save your draft reply (empty body deletes it)', params: IdParams, body: DraftRequest, response: { 200: Ok, ...errorResponses(common) } } },
      async (req) => {
        await saveDraft(s.actions, viewerOf(req), req.params.id, req.body.body);
        return { ok: true as const };
      },
    );

    app.post(
      '/conversations/:id/unpin-customer',
      { schema: { tags, operationId: 'unpinCustomer', summary: 'Unpin the customer: remove the link, keep the customer', params: IdParams, response: { 200: Conversation, ...errorResponses(common, 'already_unpinned') } } },
      async (req) => {
        const viewer = viewerOf(req);
        await unpinCustomer(s.actions, viewer, req.params.id);
        return one(viewer.id, req.params.id);
      },
    );

    app.post(
      '/conversations/delete',
      {
        schema: {
          tags,
          operationId: 'deleteConversations',
          summary: 'Delete several conversations (needs the delete right)',
          body: DeleteConversationsRequest,
          response: { 200: z.object({ deleted: z.number() }), ...errorResponses(common) },
        },
      },
      async (req) => ({ deleted: await deleteConversations(s.actions, viewerOf(req), req.body.ids) }),
    );
  };
}
