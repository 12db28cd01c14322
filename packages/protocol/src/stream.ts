import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { Contact } from './contacts.ts';
import { Conversation, ConversationCore } from './conversations.ts';
import { Message } from './messages.ts';
import { AgentPresence, OfferCreated, OfferWithdrawn, QueueCounts, ReplyTimeBreached } from './routing.ts';
import { DiscussionMessageFrame, RequestFrame } from './discuss.ts';
import { DirectoryChanged } from './directory.ts';
import { WebhookDisabledFrame } from './webhooks.ts';

/**
 * The agents' stream, /api/v1/stream (docs/streams.md). Every frame the server sends has a schema
 * here; the server's tests parse each frame they receive with `ServerFrame` and fail on any that does
 * not match exactly (test/harness.ts), so these types are what clients may rely on.
 */

/** Client → server frames on /api/v1/stream. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lastSeq: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---------------------------------------------------------------- event data

/** What `message.created` carries about its conversation: the fields a new message changes. */
export const ConversationPatch = ConversationCore.pick({
  id: true,
  status: true,
  assigneeId: true,
  queueId: true,
  lastActivityAt: true,
  lastCustomerMessageAt: true,
  lastAgentMessageAt: true,
  firstResponseAt: true,
  updatedAt: true,
});
export type ConversationPatch = z.infer<typeof ConversationPatch>;

/** The data of each durable event, by type. The store keeps it as JSON in `events.data`. */
export const EVENT_DATA = {
  'conversation.created': ConversationCore,
  'conversation.updated': ConversationCore,
  'conversation.revoked': z.object({ id: Id }),
  'conversation.deleted': z.object({ id: Id }),
  'message.created': z.object({ message: Message, conversation: ConversationPatch }),
  'message.updated': z.object({ message: Message }),
  'unread.updated': z.object({ conversationId: Id, unreadCount: z.number().int().min(0), markedUnread: z.boolean() }),
  'draft.updated': z.object({ conversationId: Id, draft: Conversation.shape.draft }),
  'contact.updated': Contact,
  'membership.changed': z.object({ queueId: Id, memberIds: z.array(Id) }),
  'directory.changed': DirectoryChanged,
  'offer.created': OfferCreated,
  'offer.withdrawn': OfferWithdrawn,
  'presence.updated': AgentPresence,
  'queue.counts': QueueCounts,
  'reply_time.breached': ReplyTimeBreached,
  'request.created': RequestFrame,
  'request.answered': RequestFrame,
  'request.withdrawn': RequestFrame,
  'request.timed_out': RequestFrame,
  'request.cancelled': RequestFrame,
  'discussion.ended': RequestFrame,
  'discussion.message': DiscussionMessageFrame,
  // A session or token ended (sign-out, revocation, password change): gateways close its sockets.
  // Never sent to clients; the closed socket gets an `unauthorized` error frame instead.
  'credential.ended': z.object({ credentials: z.array(z.string()) }),
  // Outgoing webhooks: each administrator hears that one was turned off after failing for a day.
  'webhook.disabled': WebhookDisabledFrame,
  // For the webhook workers, never sent to clients: a webhook was added, changed or removed; redeliver one delivery.
  'webhook.changed': z.object({ id: Id, deleted: z.boolean() }),
  'webhook.redeliver': z.object({ webhookId: Id, deliveryId: Id, conversationId: Id.nullable() }),
} as const;

export const EVENT_TYPES = Object.keys(EVENT_DATA) as Array<keyof typeof EVENT_DATA>;
export type EventType = keyof typeof EVENT_DATA;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA)[T]>;

/**
 * Ephemeral signals: live only, never stored, so they carry no `seq`, are never replayed and do not
 * move the resume point. Typing indicators, both ways (never for internal notes), and in a discussion.
 */
export const SIGNAL_DATA = {
  'typing.updated': z.discriminatedUnion('who', [
    z.object({ conversationId: Id, who: z.literal('agent'), userId: Id, name: z.string().describe('The agent’s first name'), typing: z.boolean() }),
    z.object({ conversationId: Id, who: z.literal('customer'), typing: z.boolean() }),
  ]),
  'discussion.typing': z.object({ requestId: Id, conversationId: Id, userId: Id, name: z.string(), typing: z.boolean() }),
} as const;
export const SIGNAL_TYPES = Object.keys(SIGNAL_DATA) as Array<keyof typeof SIGNAL_DATA>;
export type SignalType = keyof typeof SIGNAL_DATA;
export type SignalData<T extends SignalType> = z.infer<(typeof SIGNAL_DATA)[T]>;

/** What each event and signal frame means, for the reference (the OpenAPI document and docs/streams.md). */
export const FRAME_ABOUT: Record<EventType | SignalType, string> = {
  'conversation.created': 'The new conversation, as everyone who may see it sees it',
  'conversation.updated': 'The conversation as it is now (status, assignee, labels, tags, …)',
  'conversation.revoked': 'Only for you: you may no longer see this conversation (reassigned, a discussion ended): drop it',
  'conversation.deleted': 'Deleted for everyone who saw it: drop it',
  'message.created': 'A message or a history line; `conversation` is the part of the conversation it changed',
  'message.updated': 'A message changed (its delivery status moved on)',
  'unread.updated': 'Only for you: your unread count or "mark as unread" flag of a conversation',
  'draft.updated': 'Only for you: your draft of a conversation (null: cleared)',
  'contact.updated': 'A customer changed (name, tags, blocked, …)',
  'membership.changed': 'A queue’s members changed: refetch lists',
  'directory.changed': 'A tag, label, user or inbox was changed or deleted: refetch what shows it',
  'offer.created': 'Only for the offered agent: a conversation is offered to you',
  'offer.withdrawn': 'Only for the offered agent: the offer is no longer open',
  'presence.updated': 'An agent’s status, load or served queues changed',
  'queue.counts': 'A queue’s live counts',
  'reply_time.breached': 'A reply deadline passed (seed 002 time limits)',
  'request.created': 'An assign or discuss request was sent (initiator, recipient, the queue’s managers)',
  'request.answered': 'A request was accepted or rejected',
  'request.withdrawn': 'The initiator withdrew a request',
  'request.timed_out': 'A request was not answered in time',
  'request.cancelled': 'A request was cancelled (the conversation moved on)',
  'discussion.ended': 'A discussion ended or the consultant left',
  'discussion.message': 'A message in a discussion between agents (never for the customer)',
  'credential.ended': 'Internal: never sent to clients',
  'webhook.disabled': 'Only for each administrator: an outgoing webhook failed for a day and was turned off',
  'webhook.changed': 'Internal: never sent to clients',
  'webhook.redeliver': 'Internal: never sent to clients',
  'typing.updated': 'Someone is typing (or stopped) in a conversation; lapse it after a few seconds without news',
  'discussion.typing': 'An agent is typing in a discussion',
};

// ---------------------------------------------------------------- frames

/** Codes of `error` frames (both streams); each is in the error catalogue (errors.ts). */
export const StreamErrorCode = z
  .enum(['unauthorized', 'token_expired', 'insufficient_scope', 'bad_frame', 'not_found'])
  .describe('unauthorized: not signed in or the sign-in ended (the socket then closes with 4401); token_expired: the API token is past its expiry (4401); insufficient_scope: the API token lacks conversations:read (4403); bad_frame: an unknown or malformed client frame; not_found: (widget) typing in a conversation that is not yours');

export const ReadyFrame = z.object({ type: z.literal('ready'), seq: z.number().int().min(0).describe('Your resume point: send it back in `hello`') })
  .describe('After `hello`: the replay is done, live frames follow');
export const ResyncFrame = z.object({ type: z.literal('resync'), seq: z.number().int().min(0) })
  .describe('After `hello`: what you missed is older than the server keeps; refetch, then continue from `seq`');
export const PongFrame = z.object({ type: z.literal('pong') }).describe('The answer to `ping`');
export const ErrorFrame = z.object({ type: z.literal('error'), code: StreamErrorCode, message: z.string() }).describe('A refused frame or sign-in');

/** `{seq, type, at, data}`: `seq` orders events and is the resume point. */
function eventFrame<T extends EventType>(type: T) {
  return z.object({ type: z.literal(type), seq: z.number().int().positive(), at: Timestamp, data: EVENT_DATA[type] }).describe(FRAME_ABOUT[type]);
}
/** `{type, at, data}`: no `seq`, never replayed. */
function signalFrame<T extends SignalType>(type: T) {
  return z.object({ type: z.literal(type), at: Timestamp, data: SIGNAL_DATA[type] }).describe(FRAME_ABOUT[type]);
}

/** Server → client frames on /api/v1/stream. `credential.ended`, `webhook.changed` and `webhook.redeliver` never reach a client. */
export const ServerFrame = z
  .discriminatedUnion('type', [
    ReadyFrame,
    ResyncFrame,
    PongFrame,
    ErrorFrame,
    eventFrame('conversation.created'),
    eventFrame('conversation.updated'),
    eventFrame('conversation.revoked'),
    eventFrame('conversation.deleted'),
    eventFrame('message.created'),
    eventFrame('message.updated'),
    eventFrame('unread.updated'),
    eventFrame('draft.updated'),
    eventFrame('contact.updated'),
    eventFrame('membership.changed'),
    eventFrame('directory.changed'),
    eventFrame('webhook.disabled'),
    eventFrame('offer.created'),
    eventFrame('offer.withdrawn'),
    eventFrame('presence.updated'),
    eventFrame('queue.counts'),
    eventFrame('reply_time.breached'),
    eventFrame('request.created'),
    eventFrame('request.answered'),
    eventFrame('request.withdrawn'),
    eventFrame('request.timed_out'),
    eventFrame('request.cancelled'),
    eventFrame('discussion.ended'),
    eventFrame('discussion.message'),
    signalFrame('typing.updated'),
    signalFrame('discussion.typing'),
  ])
  .meta({ id: 'StreamFrame', description: 'A frame the agents’ stream (/api/v1/stream) sends; the document’s description says how the stream works' });
export type ServerFrame = z.infer<typeof ServerFrame>;
/** A durable event frame (it has a `seq` and `data`), narrowed by `type`. */
export type EventFrame = Extract<ServerFrame, { seq: number; data: unknown }>;
/** An ephemeral signal frame (`data`, no `seq`), narrowed by `type`. */
export type SignalFrame = Exclude<Extract<ServerFrame, { data: unknown }>, { seq: number }>;
/** A frame that carries `data` (an event or a signal), narrowed by `type`. */
export type DataFrame = EventFrame | SignalFrame;
