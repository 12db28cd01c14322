import { z } from 'zod';
import { Id, QueryBoolean, Timestamp } from './common.ts';
import { Channel, ContactSummary, CreateContactRequest } from './contacts.ts';
import { Message } from './messages.ts';
import { InboxRef } from './inboxes.ts';

export const ConversationStatus = z.enum(['queued', 'active', 'pending', 'wrap_up', 'resolved', 'closed', 'abandoned', 'callback']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;
export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);

export const Label = z.object({ id: Id, name: z.string(), color: z.string() }).meta({ id: 'Label' });
export const Tag = z.object({ id: Id, name: z.string(), color: z.string() }).meta({ id: 'Tag' });

/** The shared part of a conversation: the same for everyone who may see it (and in stream frames). */
export const ConversationCore = z.object({
  id: Id,
  contact: ContactSummary.nullable(),
  channel: Channel,
  inbox: InboxRef.nullable().optional().describe('The inbox it came in by (its display name is shown beside the channel icon)'),
  subject: z.string().nullable(),
  queueId: Id.nullable(),
  assigneeId: Id.nullable(),
  status: ConversationStatus,
  priority: Priority,
  labels: z.array(Label),
  tags: z.array(Tag),
  previousConversationId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  firstResponseAt: Timestamp.nullable(),
  lastCustomerMessageAt: Timestamp.nullable(),
  lastAgentMessageAt: Timestamp.nullable(),
  resolvedAt: Timestamp.nullable(),
  resolutionNote: z.string().nullable(),
  lastActivityAt: Timestamp,
  replyDueAt: Timestamp.nullable().optional().describe('When the awaited reply is due under the queue’s time limits (null: none)'),
  lastMessage: Message.nullable(),
});
export type ConversationCore = z.infer<typeof ConversationCore>;

/** What one user sees of a conversation: the shared part plus their unread state and draft. */
export const Conversation = ConversationCore.extend({
  unreadCount: z.number().int(),
  markedUnread: z.boolean(),
  draft: z
    .object({ body: z.string(), updatedAt: Timestamp, sensitive: z.boolean().optional().describe('It holds sensitive data (a card number, a word to avoid…): lists show that it exists, never its text') })
    .nullable(),
}).meta({ id: 'Conversation' });
export type Conversation = z.infer<typeof Conversation>;

function csv<T extends z.ZodTypeAny>(item: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(50));
}

export const ConversationListQuery = z.object({
  view: z
    .enum(['all', 'mine', 'queued', 'unassigned', 'abandoned', 'callback'])
    .default('all')
    .describe('abandoned / callback (seed 003): chat requests nobody joined, left by the customer or waiting for a callback'),
  status: csv(ConversationStatus).optional(),
  channel: csv(Channel).optional(),
  queueId: csv(Id).optional(),
  inboxId: csv(Id).optional().describe('The inboxes they came in by'),
  assigneeId: csv(Id).optional(),
  labelId: csv(Id).optional(),
  tagId: csv(Id).optional().describe('Conversation tags; every one must be present (AND)'),
  customerTagId: csv(Id).optional().describe('Customer tags; every one must be present (AND)'),
  noCustomerTags: QueryBoolean.optional().describe('Only conversations whose customer has no tags'),
  pinnedCustomerTags: QueryBoolean.optional().describe('Only count pinned customer tags'),
  since: z.coerce.number().int().optional().describe('Last activity at or after (epoch ms)'),
  until: z.coerce.number().int().optional(),
  createdSince: z.coerce.number().int().optional().describe('Arrived at or after (epoch ms): the conversations behind a report’s figure'),
  createdBefore: z.coerce.number().int().optional().describe('Arrived before (epoch ms)'),
  q: z.string().trim().min(1).max(200).optional().describe('Name, email, phone, message content or #id'),
  unread: QueryBoolean.optional(),
  bot: QueryBoolean.optional().describe('true: only conversations a bot holds or took part in (sent a message); false: only those without one'),
  sort: z
    .enum(['last_activity', 'created', 'processing_order'])
    .default('last_activity')
    .describe('processing_order (seed 002): least time left before a reply-time breach first, then the rest by last activity'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;

export const ConversationList = z.object({
  items: z.array(Conversation),
  nextCursor: z.string().nullable(),
});

export const CreateConversationRequest = z.object({
  contactId: Id.optional(),
  contact: CreateContactRequest.optional(),
  channel: Channel.default('api'),
  subject: z.string().trim().max(300).optional(),
  queueId: Id.optional(),
  priority: Priority.default('normal'),
  message: z.string().max(20_000).optional().describe("A first message, written by whoever opens the conversation (never stored as the customer's)"),
}).refine((v) => v.contactId !== undefined || v.contact !== undefined, { message: 'contactId or contact is required' });

export const UpdateConversationRequest = z.object({
  priority: Priority.optional(),
  subject: z.string().trim().max(300).nullable().optional(),
  labelIds: z.array(Id).max(50).optional(),
  tagIds: z.array(Id).max(50).optional(),
});

export const ResolveRequest = z.object({ note: z.string().trim().max(2000).optional() });
export const ReassignRequest = z.object({ assigneeId: Id, note: z.string().trim().max(2000).optional() });
export const DraftRequest = z.object({ body: z.string().max(20_000) });
export const DeleteConversationsRequest = z.object({ ids: z.array(Id).min(1).max(500) });
export const UnreadSummary = z.object({ conversations: z.number().int(), messages: z.number().int() }).meta({ id: 'UnreadSummary' });
