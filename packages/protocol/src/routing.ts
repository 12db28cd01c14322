import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { AgentStatus } from './users.ts';
import { ConversationCore } from './conversations.ts';

const ms = (d: number, what: string) => z.number().int().min(0).max(30 * 24 * 3600_000).default(d).describe(`${what} (ms)`);
const optionalMs = (d: number | null, what: string) => z.number().int().min(1).max(30 * 24 * 3600_000).nullable().default(d).describe(`${what} (ms, null: off)`);

/**
 * A queue's routing settings, stored as `queues.settings` JSON. Every field has a default, so `{}`
 * is valid; the routing mode itself is `queues.routing_mode`.
 */
export const QueueSettings = z
  .object({
    strategy: z.enum(['round_robin', 'least_busy']).default('round_robin').describe('Who gets the next offer in auto-assign queues'),
    capacity: z.number().int().min(1).max(100).default(5).describe('Max concurrent active conversations for agents without their own capacity'),
    offerTimeoutMs: ms(30_000, 'An unanswered offer passes to the next agent after'),
    wrapUp: z.enum(['automatic', 'manual']).default('automatic').describe('Automatic wrap-up closes by itself after wrapUpMs; manual waits for Close'),
    wrapUpMs: ms(60_000, 'Automatic wrap-up time'),
    inactivityResolveMs: optionalMs(24 * 3600_000, 'Resolve after customer inactivity'),
    abandonAfterMs: optionalMs(null, 'A chat request nobody joins becomes abandoned after'),
    resolveKeywords: z.array(z.string().trim().min(1).max(40)).max(20).default([]).describe('Customer messages like "thanks" resolve the conversation'),
    firstReplyMs: optionalMs(null, 'First reply within'),
    nextReplyMs: optionalMs(null, 'Next reply within'),
  })
  .meta({ id: 'QueueSettings' });
export type QueueSettings = z.infer<typeof QueueSettings>;

export const RoutingMode = z.enum(['auto_assign', 'auto_answer', 'pick_list']);

export const QueueRouting = z
  .object({ queueId: Id, name: z.string(), routingMode: RoutingMode, settings: QueueSettings })
  .meta({ id: 'QueueRouting' });
export const UpdateQueueRoutingRequest = z.object({ routingMode: RoutingMode.optional(), settings: QueueSettings.partial().optional() });

/** An agent as supervisors and the transfer picker see them: status and load against capacity. */
export const AgentPresence = z
  .object({
    userId: Id,
    name: z.string(),
    role: z.enum(['admin', 'supervisor', 'agent']),
    status: AgentStatus,
    capacity: z.number().int().nullable().describe('Own capacity; null: the queue default applies'),
    load: z.number().int().describe('Active and pending conversations'),
    openOffers: z.number().int(),
    inWrapUp: z.number().int().describe('Conversations in wrap-up'),
    queueIds: z.array(Id).describe('Queues the agent is a member of'),
    servingQueueIds: z.array(Id).describe('Queues the agent chose to serve now'),
  })
  .meta({ id: 'AgentPresence' });
export type AgentPresence = z.infer<typeof AgentPresence>;

export const OfferStatus = z.enum(['offered', 'accepted', 'declined', 'expired', 'withdrawn']);
export const Offer = z
  .object({ id: Id, conversationId: Id, userId: Id, status: OfferStatus, createdAt: Timestamp, expiresAt: Timestamp })
  .meta({ id: 'Offer' });
export type Offer = z.infer<typeof Offer>;

/** `offer.created` frame data: only the offered agent receives it. */
export const OfferCreated = z.object({ offer: Offer, conversation: ConversationCore });
/** `offer.withdrawn` frame data: the offer is no longer open. */
export const OfferWithdrawn = z.object({
  offerId: Id,
  conversationId: Id,
  reason: z.enum(['accepted', 'declined', 'expired', 'taken', 'agent_unavailable', 'conversation_closed']),
});

export const QueueCounts = z
  .object({
    queueId: Id,
    waiting: z.number().int().describe('Queued, nobody assigned (counted up to 1000: 1000 means 1000 or more)'),
    offered: z.number().int().describe('Waiting with an open offer'),
    inProgress: z.number().int().describe('Active or pending with an agent'),
    wrapUp: z.number().int(),
    agentsAvailable: z.number().int().describe('Available agents serving the queue'),
  })
  .meta({ id: 'QueueCounts' });
export type QueueCounts = z.infer<typeof QueueCounts>;

export const MyRouting = z
  .object({ presence: AgentPresence, offers: z.array(Offer) })
  .meta({ id: 'MyRouting' });

export const SetPresenceRequest = z.object({ status: AgentStatus });
export const ChooseQueuesRequest = z.object({ queueIds: z.array(Id).max(200) });
export const TransferToAgentRequest = z.object({ userId: Id, note: z.string().trim().max(2000).optional() });
export const TransferToQueueRequest = z.object({ queueId: Id, note: z.string().trim().max(2000).optional() });

/** `reply_time.breached` frame data (seed 002 time limits): a reply deadline passed. */
export const ReplyTimeBreached = z.object({ conversationId: Id, queueId: Id.nullable(), assigneeId: Id.nullable(), dueAt: Timestamp });
