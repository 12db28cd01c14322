import type { ConversationCore, EngagementTrackingRecord, Message, WebhookEvent } from '@switchboard/protocol';
import type { OutboxEvent } from '../events/outbox/consumer.ts';

/** The committed event types webhooks are made from (the consumer's `types`). */
export const SOURCE_TYPES = [
  'conversation.created',
  'conversation.updated',
  'message.created',
  'message.updated',
  'contact.updated',
  'request.created',
  'request.answered',
  'request.withdrawn',
  'request.timed_out',
  'request.cancelled',
  'discussion.ended',
  'discussion.message',
  'webhook.redeliver',
] as const;

/** What a webhook last heard of a conversation (webhook_conversations). */
export interface HeardState {
  status: string;
  assigneeId: number | null;
}

export interface PlannedDelivery {
  event: WebhookEvent;
  /** When the event happened (the payload's timestamp: the same whenever it is planned). */
  at: number;
  conversationId: number | null;
  /** The `data` of the payload. */
  data: unknown;
}

export interface Plan {
  deliveries: PlannedDelivery[];
  /** The conversation's state to remember after this event, when it is a conversation event. */
  heard: { conversationId: number; state: HeardState } | null;
}

/** Facts the plan needs beyond the event, read by the caller. */
export interface PlanFacts {
  /** What the webhook last heard of the event's conversation. */
  heard: HeardState | null;
  /** conversation.created: its contact was created with it (a new customer). */
  contactIsNew: boolean;
  /** contact.updated: this event is the contact's announcement through its newest conversation (or it has none). */
  contactAnnouncedHere: boolean;
}

/** The conversation an event is about: the row's, else the request's or discussion message's. */
export function conversationOf(e: Pick<OutboxEvent, 'type' | 'conversationId' | 'data'>): number | null {
  if (e.conversationId != null) return e.conversationId;
  const d = e.data as { record?: { conversationId?: number }; message?: { conversationId?: number }; conversationId?: number } | null;
  return d?.record?.conversationId ?? d?.message?.conversationId ?? d?.conversationId ?? null;
}

/**
 * The webhook deliveries one committed event makes, in the order they are sent (Chatwoot's names):
 * `conversation.updated` is `conversation_updated`, preceded by `conversation_status_changed` and
 * `assignee_changed` when those changed since the webhook last heard of the conversation. Internal
 * notes and discussion messages only when the webhook asked for internal events. Pure: the caller
 * reads the facts and keeps the plan, so a retry sends what the first attempt planned.
 */
export function planDeliveries(e: OutboxEvent, wants: ReadonlySet<WebhookEvent>, includeInternal: boolean, facts: PlanFacts): Plan {
  const out: PlannedDelivery[] = [];
  const conversationId = conversationOf(e);
  const add = (event: WebhookEvent, data: unknown) => {
    if (wants.has(event)) out.push({ event, at: e.at, conversationId, data });
  };
  let heard: Plan['heard'] = null;
  switch (e.type) {
    case 'conversation.created': {
      const c = e.data as ConversationCore;
      if (facts.contactIsNew && c.contact) add('contact_created', { contact: c.contact });
      add('conversation_created', { conversation: c });
      heard = { conversationId: c.id, state: { status: c.status, assigneeId: c.assigneeId } };
      break;
    }
    case 'conversation.updated': {
      const c = e.data as ConversationCore;
      const before = facts.heard;
      const changed: string[] = [];
      if (before && before.status !== c.status) changed.push('status');
      if (before && before.assigneeId !== c.assigneeId) changed.push('assignee');
      if (changed.includes('status')) add('conversation_status_changed', { conversation: c, previousStatus: before!.status });
      if (changed.includes('assignee')) add('assignee_changed', { conversation: c, previousAssigneeId: before!.assigneeId });
      add('conversation_updated', { conversation: c, changedAttributes: changed });
      heard = { conversationId: c.id, state: { status: c.status, assigneeId: c.assigneeId } };
      break;
    }
    case 'message.created':
    case 'message.updated': {
      const m = (e.data as { message?: Message } | null)?.message;
      if (!m || (m.internal && !includeInternal)) break;
      add(e.type === 'message.created' ? 'message_created' : 'message_updated', e.data);
      break;
    }
    case 'contact.updated': {
      if (!facts.contactAnnouncedHere) break; // one delivery per change, not one per conversation
      const contact = e.data as { createdAt?: number };
      add(contact.createdAt === e.at ? 'contact_created' : 'contact_updated', { contact: e.data });
      break;
    }
    case 'request.created':
    case 'request.answered':
    case 'request.withdrawn':
    case 'request.timed_out':
    case 'request.cancelled':
    case 'discussion.ended': {
      const record = (e.data as { record: EngagementTrackingRecord }).record;
      const kind = record.type === 'assign' ? 'assign' : 'discuss';
      add(e.type === 'request.created' ? `${kind}_request_created` : `${kind}_request_updated`, { request: record });
      break;
    }
    case 'discussion.message':
      if (includeInternal) add('discussion_message_created', e.data);
      break;
  }
  return { deliveries: out, heard };
}

/** The body sent: Standard Webhooks' recommended shape, with Chatwoot's `event` beside `type`. */
export function payloadOf(d: PlannedDelivery): string {
  return JSON.stringify({ type: d.event, event: d.event, timestamp: new Date(d.at).toISOString(), data: d.data });
}
