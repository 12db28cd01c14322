import { z } from 'zod';
import { Id, Timestamp } from './common.ts';
import { VisitorConversation, VisitorMessage } from './widget.ts';
import { ErrorFrame, PongFrame, ReadyFrame, ResyncFrame } from './stream.ts';

/**
 * The customer's stream, /api/v1/widget/stream (docs/streams.md): the same resume protocol as the
 * agents' stream, but only events about the customer's own conversations, rewritten into the
 * customer's shapes (no internal notes, no agent ids, agents by first name).
 */

/** Client → server frames on /api/v1/widget/stream. */
export const VisitorClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lastSeq: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('typing'), conversationId: Id, typing: z.boolean() }),
]);
export type VisitorClientFrame = z.infer<typeof VisitorClientFrame>;

/** What a message frame says about its conversation (`waiting`: no agent has joined yet). */
const VisitorConversationState = VisitorConversation.pick({ id: true, status: true, waiting: true });
const VisitorMessageData = z.object({ message: VisitorMessage, conversation: VisitorConversationState.optional().describe('With a new message: the conversation’s status after it') });
const VisitorConversationData = z.object({ conversation: VisitorConversation.pick({ id: true, status: true, waiting: true, agentName: true }) });

function visitorEvent<T extends string, D extends z.ZodType>(type: T, data: D, description: string) {
  return z.object({ type: z.literal(type), seq: z.number().int().positive(), at: Timestamp, data }).describe(description);
}

/** Server → client frames on /api/v1/widget/stream. */
export const VisitorServerFrame = z
  .discriminatedUnion('type', [
    ReadyFrame,
    ResyncFrame,
    PongFrame,
    ErrorFrame,
    visitorEvent('message.created', VisitorMessageData, 'A message in your conversation (yours, an agent’s, or a system line such as "Anna joined")'),
    visitorEvent('message.updated', VisitorMessageData, 'A message changed (delivery status)'),
    visitorEvent('conversation.created', VisitorConversationData, 'A conversation of yours was opened'),
    visitorEvent('conversation.updated', VisitorConversationData, 'Your conversation’s status or agent changed'),
    z
      .object({
        type: z.literal('typing.updated'),
        at: Timestamp,
        data: z.object({ conversationId: Id, who: z.literal('agent'), name: z.string().describe('The agent’s first name'), typing: z.boolean() }),
      })
      .describe('The agent is typing (or stopped); no seq, never replayed'),
  ])
  .meta({ id: 'VisitorStreamFrame', description: 'A frame the customer’s stream (/api/v1/widget/stream) sends' });
export type VisitorServerFrame = z.infer<typeof VisitorServerFrame>;
