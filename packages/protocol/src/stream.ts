import { z } from 'zod';

/** Client → server frames on /api/v1/stream. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lastSeq: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('ping') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const EVENT_TYPES = [
  'conversation.created',
  'conversation.updated',
  'conversation.revoked',
  'conversation.deleted',
  'message.created',
  'message.updated',
  'unread.updated',
  'draft.updated',
  'contact.updated',
  'membership.changed',
  // Administration: a tag, label or user changed; workspace-wide.
  'directory.changed',
  // Routing: offers are private to the offered agent; presence and counts are for everyone who may see them.
  'offer.created',
  'offer.withdrawn',
  'presence.updated',
  'queue.counts',
  'reply_time.breached',
  // Seed 000: assign and discuss requests and their discussions; only for the initiator, the
  // recipient and the queue's managers, never for a customer.
  'request.created',
  'request.answered',
  'request.withdrawn',
  'request.timed_out',
  'request.cancelled',
  'discussion.ended',
  'discussion.message',
  // A session or token ended (sign-out, revocation, password change): gateways close its sockets.
  // Never sent to clients; the closed socket gets an `unauthorized` error frame instead.
  'credential.ended',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Ephemeral signals: live only, never stored, so they carry no `seq`, are never replayed and do not
 * move the resume point. Typing indicators, both ways (never for internal notes), and in a discussion.
 */
export const SIGNAL_TYPES = ['typing.updated', 'discussion.typing'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** Server → client frames. `seq` is the user's resume point: send it back in `hello`. */
export type ServerFrame =
  | { type: 'ready'; seq: number }
  | { type: 'resync'; seq: number }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string }
  | { type: EventType; seq: number; data: unknown; at: number }
  | { type: SignalType; data: unknown; at: number };
