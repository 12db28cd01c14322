import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Attachment, Channel, CreateContactRequest, Message, errorResponses, SIGNED_IN, type ErrorCode } from '@switchboard/protocol';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { Services } from '../services.ts';
import { receiveInboundMessage } from '../../actions/intake.ts';
import { updateDeliveryStatus } from '../../actions/messages.ts';
import { IdParams, UpdateDeliveryRequest } from '@switchboard/protocol';
import { metrics } from '../../metrics.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];

const InboundRequest = z.object({
  channel: Channel.default('api'),
  externalId: z.string().min(1).max(200).describe("The customer's id on that channel"),
  contact: CreateContactRequest,
  body: z.string().max(20_000).default(''),
  attachments: z.array(Attachment).max(10).default([]),
  messageId: z.string().min(1).max(200).optional().describe("The provider's message id: a redelivery is recognised and not stored twice"),
  queueId: z.number().int().positive().optional(),
  subject: z.string().max(300).optional(),
});

/**
 * The API channel: an integration (admin token) hands us a customer's message. Channel adapters for
 * WhatsApp, email and the rest call the same action.
 */
export function inboundRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    app.post(
      '/inbound/messages',
      {
        schema: {
          tags: ['channels'],
          operationId: 'deliverInboundMessage',
          summary: 'Deliver a customer message from an integration (idempotent by messageId)',
          body: InboundRequest,
          response: { 201: z.object({ conversationId: z.number(), message: Message }), 200: z.object({ conversationId: z.number(), message: Message }), ...errorResponses(common, 'customer_blocked', 'message_empty', 'message_too_long', 'queue_not_found', 'identity_taken', 'attachment_too_large', 'attachment_type_not_allowed') },
        },
      },
      async (req, reply) => {
        requireAdmin(req);
        const b = req.body;
        const posted = await receiveInboundMessage(s.actions, {
          channel: b.channel,
          externalId: b.externalId,
          contact: b.contact,
          body: b.body,
          attachments: b.attachments,
          clientId: b.messageId,
          queueId: b.queueId,
          subject: b.subject,
        });
        if (posted.created) metrics.messagesCreated.inc({ sender: 'customer' });
        reply.code(posted.created ? 201 : 200);
        return { conversationId: posted.message.conversationId, message: posted.message };
      },
    );

    app.post(
      '/messages/:id/delivery',
      {
        schema: {
          tags: ['channels'],
          operationId: 'reportMessageDelivery',
          summary: 'Report the delivery status of a message we sent (queued → sent → delivered → read, or failed with a reason)',
          params: IdParams,
          body: UpdateDeliveryRequest,
          response: { 200: Message, ...errorResponses(common, 'not_found', 'already_delivered', 'message_failed') },
        },
      },
      async (req) => {
        requireAdmin(req);
        return updateDeliveryStatus(s.actions, req.params.id, req.body.status, req.body.failureReason);
      },
    );
  };
}
