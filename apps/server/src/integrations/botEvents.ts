import type { ConversationCore, ConversationPatch, Message } from '@switchboard/protocol';
import type { Plan, PlannedDelivery } from './webhookEvents.ts';

/**
 * What an agent bot is sent of a webhook plan: only what concerns the conversations it holds at the
 * time of the event (a conversation it was given, the messages written in it), never its own
 * messages, history lines or internal notes. Pure, like the plan itself.
 */
export function forBot(plan: Plan, botId: number): Plan {
  return { deliveries: plan.deliveries.filter((d) => heldBy(d, botId)), heard: null };
}

function heldBy(d: PlannedDelivery, botId: number): boolean {
  if (d.event === 'conversation_created') return (d.data as { conversation: ConversationCore }).conversation.assigneeId === botId;
  if (d.event === 'message_created') {
    const { message, conversation } = d.data as { message: Message; conversation: ConversationPatch };
    return conversation.assigneeId === botId && !message.internal && message.senderKind !== 'system' && !(message.senderKind === 'bot' && message.sender?.id === botId);
  }
  return false;
}
