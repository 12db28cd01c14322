import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

export const SenderKind = z.enum(['customer', 'agent', 'bot', 'system']);
export const DeliveryStatus = z.enum(['queued', 'sent', 'delivered', 'read', 'failed']);

export const Attachment = z
  .object({
    name: z.string().min(1).max(255),
    contentType: z.string().min(1).max(127),
    size: z.number().int().min(0),
    url: z.string().max(2000),
  })
  .meta({ id: 'Attachment' });

export const SystemEvent = z.object({
  kind: z.enum(['assigned', 'reassigned', 'unassigned', 'closed', 'reopened', 'resolved', 'status', 'unpinned', 'blocked', 'unblocked', 'transferred', 'request']).describe('request: a step of an assign or discuss request (internal)'),
  byUserId: z.number().nullable().optional(),
  toUserId: z.number().nullable().optional(),
  fromUserId: z.number().nullable().optional(),
  status: z.string().optional(),
  note: z.string().optional(),
  requestId: z.number().optional(),
  requestType: z.enum(['assign', 'discuss']).optional(),
});
export type SystemEvent = z.infer<typeof SystemEvent>;

export const Message = z
  .object({
    id: Id,
    conversationId: Id,
    senderKind: SenderKind,
    sender: z.object({ id: Id, name: z.string() }).nullable(),
    body: z.string(),
    internal: z.boolean().describe('Internal note: shown to agents with a label, never sent to the customer'),
    replyToId: Id.nullable(),
    attachments: z.array(Attachment),
    status: DeliveryStatus,
    failureReason: z.string().nullable(),
    systemEvent: SystemEvent.nullable(),
    clientId: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof Message>;

/**
 * The 2000-character limit is checked by the domain core (code `message_too_long`) so the error is
 * the same whichever door the message came in by; the schema only bounds the payload size.
 */
export const PostMessageRequest = z.object({
  body: z.string().max(20_000).default(''),
  internal: z.boolean().default(false),
  replyToId: Id.optional(),
  attachments: z.array(Attachment).max(10).default([]),
  clientId: z.string().min(1).max(64).optional().describe('Idempotency key: a retry returns the stored message'),
  templateId: Id.optional().describe(
    'Send this reply template: the server fills its variables for this conversation and sends that text (the body is ignored). The only way to write on WhatsApp outside the 24-hour window',
  ),
}).meta({ examples: [{ body: 'Thanks for waiting — the refund is on its way.', clientId: 'c9f1e2' }] });

export const CustomerMessageRequest = z.object({
  body: z.string().max(20_000).default(''),
  attachments: z.array(Attachment).max(10).default([]),
  clientId: z.string().min(1).max(64).optional(),
});

export const UpdateDeliveryRequest = z.object({
  status: DeliveryStatus,
  failureReason: z.string().max(500).optional(),
});

export const MessagesQuery = z.object({
  before: z.coerce.number().int().positive().optional().describe('Load messages older than this id'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
