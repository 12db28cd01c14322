import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, SIGNAL_TYPES, ServerFrame } from './stream.ts';
import { VisitorServerFrame } from './visitorStream.ts';

describe('the stream frame schemas', () => {
  it('give every event type a client may receive, and every signal, its frame', () => {
    const agent: string[] = ServerFrame.options.map((o) => o.shape.type.value);
    expect(agent).toEqual(expect.arrayContaining(['ready', 'resync', 'pong', 'error', ...SIGNAL_TYPES]));
    // Internal events: the gateways act on them and never forward them.
    const neverSent: string[] = ['credential.ended', 'webhook.changed', 'webhook.redeliver'];
    for (const t of EVENT_TYPES) expect(agent.includes(t), t).toBe(!neverSent.includes(t));
    expect(new Set(agent).size).toBe(agent.length);
  });

  it('refuse a frame whose data is not its type’s', () => {
    const frame = { type: 'unread.updated', seq: 4, at: 1, data: { conversationId: 7, unreadCount: 2, markedUnread: false } };
    expect(ServerFrame.parse(frame)).toEqual(frame);
    expect(ServerFrame.safeParse({ ...frame, data: { conversationId: 7 } }).success).toBe(false);
    expect(ServerFrame.safeParse({ ...frame, type: 'draft.updated' }).success).toBe(false);
    expect(ServerFrame.safeParse({ type: 'credential.ended', seq: 5, at: 1, data: { credentials: ['token:1'] } }).success).toBe(false);
    // A signal has no seq; the customer's stream has none of the agents' event types.
    expect(ServerFrame.safeParse({ type: 'typing.updated', at: 1, data: { conversationId: 7, who: 'customer', typing: true } }).success).toBe(true);
    expect(VisitorServerFrame.safeParse(frame).success).toBe(false);
  });
});
