import { describe, expect, it } from 'vitest';
import type { Conversation, Message } from './api.ts';
import { addMessage, applyEvent, byProcessingOrder, emptyState, loadMessages, matchesFilters, openConversation, setSummary, upsertConversations, type WorkspaceState } from './state.ts';

function conv(id: number, over: Partial<Conversation> = {}): Conversation {
  return {
    id,
    contact: { id: 100 + id, name: `Customer ${id}`, email: null, phone: null, blocked: false, pinnedTags: [] },
    channel: 'web',
    subject: null,
    queueId: 1,
    assigneeId: 7,
    status: 'active',
    priority: 'normal',
    labels: [],
    tags: [],
    previousConversationId: null,
    createdAt: 1,
    updatedAt: 1,
    firstResponseAt: null,
    lastCustomerMessageAt: null,
    lastAgentMessageAt: null,
    resolvedAt: null,
    resolutionNote: null,
    lastActivityAt: 1,
    lastMessage: null,
    unreadCount: 0,
    markedUnread: false,
    draft: null,
    ...over,
  };
}

function msg(id: number, conversationId: number, over: Partial<Message> = {}): Message {
  return {
    id,
    conversationId,
    senderKind: 'customer',
    sender: null,
    body: `message ${id}`,
    internal: false,
    replyToId: null,
    attachments: [],
    status: 'sent',
    failureReason: null,
    systemEvent: null,
    clientId: null,
    createdAt: id * 10,
    ...over,
  };
}

let seq = 0;
const frame = (type: string, data: unknown) => ({ type, seq: ++seq, at: 0, data }) as Parameters<typeof applyEvent>[1];
const created = (m: Message) => frame('message.created', { message: m, conversation: { id: m.conversationId, lastActivityAt: m.createdAt } });

function withTwo(): WorkspaceState {
  return setSummary(upsertConversations(emptyState(), [conv(1), conv(2, { unreadCount: 2 })]), { conversations: 1, messages: 2 });
}

describe('applyEvent', () => {
  it('counts a customer message as unread in a conversation that is not open', () => {
    const s = applyEvent(withTwo(), created(msg(10, 1)));
    expect(s.unread[1]).toBe(1);
    expect(s.conversations[1]!.unreadCount).toBe(1);
    expect(s.conversations[1]!.lastMessage?.id).toBe(10);
    expect(s.conversations[1]!.lastActivityAt).toBe(100);
    expect(s.summary).toEqual({ conversations: 2, messages: 3 });
  });

  it('does not count a customer message in the open conversation, and appends it to the loaded thread', () => {
    let s = openConversation(withTwo(), 1);
    s = loadMessages(s, 1, { items: [msg(3, 1)], hasMore: false });
    s = applyEvent(s, created(msg(11, 1)));
    expect(s.unread[1]).toBe(0);
    expect(s.messages[1]!.items.map((m) => m.id)).toEqual([3, 11]);
  });

  it('does not count agent replies, notes or system lines as unread', () => {
    let s = withTwo();
    s = applyEvent(s, created(msg(12, 1, { senderKind: 'agent' })));
    s = applyEvent(s, created(msg(13, 1, { senderKind: 'agent', internal: true })));
    s = applyEvent(s, created(msg(14, 1, { senderKind: 'system' })));
    expect(s.unread[1]).toBe(0);
    expect(s.conversations[1]!.lastMessage?.id).toBe(14);
  });

  it('sets the count from unread.updated and moves the header total', () => {
    let s = applyEvent(withTwo(), frame('unread.updated', { conversationId: 2, unreadCount: 0, markedUnread: false }));
    expect(s.unread[2]).toBe(0);
    expect(s.summary).toEqual({ conversations: 0, messages: 0 });
    s = applyEvent(s, frame('unread.updated', { conversationId: 1, unreadCount: 0, markedUnread: true }));
    expect(s.conversations[1]!.markedUnread).toBe(true);
    expect(s.summary).toEqual({ conversations: 1, messages: 0 });
  });

  it('removes a revoked or deleted conversation with its thread and unread count', () => {
    let s = loadMessages(withTwo(), 2, { items: [msg(1, 2)], hasMore: false });
    s = openConversation(s, 1);
    s = applyEvent(s, frame('conversation.revoked', { id: 2 }));
    expect(s.conversations[2]).toBeUndefined();
    expect(s.messages[2]).toBeUndefined();
    expect(s.unread[2]).toBeUndefined();
    expect(s.summary?.messages).toBe(0);
    s = applyEvent(s, frame('conversation.deleted', { id: 1 }));
    expect(s.conversations[1]).toBeUndefined();
    expect(s.openId).toBeNull();
  });

  it('merges conversation.updated and keeps the user’s own unread count and draft', () => {
    const s0 = upsertConversations(emptyState(), [conv(1, { unreadCount: 3, draft: { body: 'hi', updatedAt: 1 } })]);
    const { unreadCount: _u, markedUnread: _m, draft: _d, ...core } = conv(1, { status: 'resolved' });
    const s = applyEvent(s0, frame('conversation.updated', core));
    expect(s.conversations[1]!.status).toBe('resolved');
    expect(s.conversations[1]!.unreadCount).toBe(3);
    expect(s.conversations[1]!.draft?.body).toBe('hi');
  });

  it('adds a conversation from conversation.created', () => {
    const { unreadCount: _u, markedUnread: _m, draft: _d, ...core } = conv(5);
    const s = applyEvent(emptyState(), frame('conversation.created', core));
    expect(s.conversations[5]!.unreadCount).toBe(0);
    expect(s.conversations[5]!.draft).toBeNull();
  });

  it('asks for a conversation it does not hold when a message arrives for it', () => {
    const s = applyEvent(emptyState(), created(msg(20, 9)));
    expect(s.missing).toEqual([9]);
    expect(s.unread[9]).toBe(1);
    const s2 = upsertConversations(s, [conv(9, { unreadCount: 1 })]);
    expect(s2.missing).toEqual([]);
  });

  it('ignores a frame it already applied (replay after reconnect)', () => {
    const f = created(msg(30, 1));
    const s1 = applyEvent(withTwo(), f);
    const s2 = applyEvent(s1, f);
    expect(s2).toBe(s1);
    expect(s2.unread[1]).toBe(1);
  });

  it('keeps one copy of a message posted by the user and echoed by the stream', () => {
    let s = loadMessages(withTwo(), 1, { items: [], hasMore: false });
    const m = msg(40, 1, { senderKind: 'agent' });
    s = addMessage(s, m);
    s = applyEvent(s, created(m));
    expect(s.messages[1]!.items.map((x) => x.id)).toEqual([40]);
  });

  it('updates drafts, delivery status and contacts', () => {
    let s = loadMessages(withTwo(), 1, { items: [msg(50, 1, { senderKind: 'agent', status: 'queued' })], hasMore: false });
    s = applyEvent(s, frame('draft.updated', { conversationId: 1, draft: { body: 'later', updatedAt: 2 } }));
    expect(s.conversations[1]!.draft?.body).toBe('later');
    s = applyEvent(s, frame('message.updated', { message: msg(50, 1, { senderKind: 'agent', status: 'failed', failureReason: 'bounced' }) }));
    expect(s.messages[1]!.items[0]!.status).toBe('failed');
    s = applyEvent(s, frame('contact.updated', { id: 101, name: 'Renamed', email: null, phone: null, attributes: {}, source: {}, blocked: true, tags: [], identities: [], createdAt: 0 }));
    expect(s.conversations[1]!.contact?.name).toBe('Renamed');
    expect(s.conversations[1]!.contact?.blocked).toBe(true);
  });

  it('prepends older pages and keeps live messages when the latest page is reloaded', () => {
    let s = loadMessages(emptyState(), 1, { items: [msg(5, 1), msg(6, 1)], hasMore: true });
    s = loadMessages(s, 1, { items: [msg(3, 1), msg(4, 1)], hasMore: false }, true);
    expect(s.messages[1]!.items.map((m) => m.id)).toEqual([3, 4, 5, 6]);
    expect(s.messages[1]!.hasMore).toBe(false);
    s = applyEvent(s, created(msg(9, 1)));
    s = loadMessages(s, 1, { items: [msg(5, 1), msg(6, 1)], hasMore: true });
    expect(s.messages[1]!.items.map((m) => m.id)).toEqual([5, 6, 9]);
  });
});

describe('matchesFilters', () => {
  it('puts a live conversation in the tab and filters it belongs to', () => {
    const c = conv(1, { assigneeId: 7, status: 'active', channel: 'whatsapp', tags: [{ id: 3, name: 'Billing', color: '#000' }] });
    expect(matchesFilters(c, { view: 'mine' }, 7)).toBe(true);
    expect(matchesFilters(c, { view: 'mine' }, 8)).toBe(false);
    expect(matchesFilters(c, { view: 'queued' }, 7)).toBe(false);
    expect(matchesFilters(conv(2, { assigneeId: null, status: 'queued' }), { view: 'queued' }, 7)).toBe(true);
    expect(matchesFilters(c, { channel: ['whatsapp'], tagId: [3] }, 7)).toBe(true);
    expect(matchesFilters(c, { tagId: [3, 4] }, 7)).toBe(false);
    expect(matchesFilters(c, { status: ['resolved'] }, 7)).toBe(false);
    expect(matchesFilters(c, { q: 'anything' }, 7)).toBe(false);
  });

  it('keeps chat requests in their own tab, last activity within the date range, and leaves the bot filter to the server', () => {
    const left = conv(1, { assigneeId: null, status: 'abandoned', lastActivityAt: 1000 });
    const calling = conv(2, { assigneeId: null, status: 'callback', lastActivityAt: 5000 });
    expect(matchesFilters(left, { view: 'abandoned' }, 7)).toBe(true);
    expect(matchesFilters(calling, { view: 'abandoned' }, 7)).toBe(false);
    expect(matchesFilters(calling, { view: 'callback' }, 7)).toBe(true);
    expect(matchesFilters(left, { since: 2000 }, 7)).toBe(false);
    expect(matchesFilters(calling, { since: 2000, until: 6000 }, 7)).toBe(true);
    expect(matchesFilters(calling, { until: 4000 }, 7)).toBe(false);
    expect(matchesFilters(calling, { bot: true }, 7)).toBe(false);
  });

  it('narrows to an inbox and to an arrival range (a report cell drilled into)', () => {
    const mail = conv(1, { inbox: { id: 4, name: 'Support mail' }, createdAt: 1000 });
    const chat = conv(2, { inbox: null, createdAt: 3000 });
    expect(matchesFilters(mail, { inboxId: [4] }, 7)).toBe(true);
    expect(matchesFilters(mail, { inboxId: [5] }, 7)).toBe(false);
    expect(matchesFilters(chat, { inboxId: [4] }, 7)).toBe(false);
    expect(matchesFilters(mail, { createdSince: 1000, createdBefore: 3000 }, 7)).toBe(true);
    expect(matchesFilters(chat, { createdSince: 1000, createdBefore: 3000 }, 7)).toBe(false); // the end is excluded, as in reports
    expect(matchesFilters(mail, { createdSince: 1001 }, 7)).toBe(false);
  });

  it('sorts in processing order: the nearest reply deadline first, then the rest by newest activity', () => {
    const late = conv(1, { replyDueAt: 9000, lastActivityAt: 100 });
    const urgent = conv(2, { replyDueAt: 3000, lastActivityAt: 50 });
    const answeredNew = conv(3, { replyDueAt: null, lastActivityAt: 800 });
    const answeredOld = conv(4, { replyDueAt: null, lastActivityAt: 700 });
    expect([answeredOld, late, answeredNew, urgent].sort(byProcessingOrder).map((c) => c.id)).toEqual([2, 1, 3, 4]);
  });
});
