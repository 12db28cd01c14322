import fs from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  EmailDetailsList,
  EmailMessageParams,
  EmailOriginal,
  IdParams,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
  FileBytes,
} from '@switchboard/protocol';
import { requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { AppError } from '../../errors.ts';
import { visibleConversation } from '../../actions/context.ts';
import { newTextOf } from '../../channels/email/text.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];
const tags = ['email'];
/** An image the HTML would fetch from another server (our own cid: copies are relative URLs). */
const REMOTE_IMAGE = /<img\b[^>]*\ssrc="(?:https?:)?\/\//i;

const noEmail = () => new AppError('not_found', 'This message is not an email, or its original is no longer kept.', 404);

/**
 * The email side of a conversation's messages (issue 12 items 3 and 5): CC shown, the original
 * (whole text, sanitized HTML, raw message) one click away. Only for those who may see the
 * conversation, like its messages.
 */
export function emailRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preHandler', requireAuth);

    app.get(
      '/conversations/:id/emails',
      { schema: { tags, operationId: 'listConversationEmails', summary: 'The emails of a conversation: copied addresses and whether an original can be shown', params: IdParams, response: { 200: EmailDetailsList, ...errorResponses(common) } } },
      async (req) => {
        const c = await visibleConversation(s.actions, viewerOf(req), req.params.id);
        const rows = await s.store.db
          .selectFrom('email_messages')
          .select(['message_id', 'direction', 'subject', 'from_address', 'cc', 'html', 'text'])
          .where('conversation_id', '=', c.id)
          .where('message_id', 'is not', null)
          .orderBy('id')
          .execute();
        return {
          items: rows.map((r) => ({
            messageId: r.message_id!,
            direction: r.direction,
            subject: r.subject,
            from: r.from_address,
            cc: r.cc ? (JSON.parse(r.cc) as string[]) : [],
            hasHtml: r.html != null,
            hasOriginal: r.html != null || (r.text != null && newTextOf(r.text) !== r.text.trim()),
            remoteImages: r.html != null && REMOTE_IMAGE.test(r.html),
          })),
        };
      },
    );

    const find = async (viewerId: Parameters<typeof visibleConversation>[1], id: number, messageIdParam: string) => {
      const c = await visibleConversation(s.actions, viewerId, id);
      const messageId = /^\d{1,15}$/.test(messageIdParam) ? Number(messageIdParam) : 0;
      const row = await s.store.db.selectFrom('email_messages').select(['html', 'text', 'raw_path']).where('conversation_id', '=', c.id).where('message_id', '=', messageId).executeTakeFirst();
      if (!row) throw noEmail();
      return row;
    };

    app.get(
      '/conversations/:id/emails/:messageId',
      { schema: { tags, operationId: 'getEmailOriginal', summary: 'The original of an email: its whole text and its sanitized HTML', params: EmailMessageParams, response: { 200: EmailOriginal, ...errorResponses(common) } } },
      async (req) => {
        const row = await find(viewerOf(req), req.params.id, req.params.messageId);
        return { text: row.text ?? '', html: row.html };
      },
    );

    app.get(
      '/conversations/:id/emails/:messageId/raw',
      { schema: { tags, operationId: 'downloadRawEmail', summary: 'The email exactly as it arrived (message/rfc822, a download)', params: EmailMessageParams, response: { 200: FileBytes, ...errorResponses(common) } } },
      async (req, reply) => {
        const row = await find(viewerOf(req), req.params.id, req.params.messageId);
        if (!row.raw_path || !fs.existsSync(row.raw_path)) throw noEmail();
        return reply
          .header('content-type', 'message/rfc822')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header('content-disposition', `attachment; filename="email-${req.params.messageId}.eml"`)
          // A stream is sent as is (Fastify skips serialization); the schema lists only the error bodies.
          .send(fs.createReadStream(row.raw_path) as never);
      },
    );
  };
}
