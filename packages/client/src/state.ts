import type { EventFrame, ServerFrame } from '@switchboard/protocol';
import type { Contact, Conversation, ConversationCore, ConversationFilters, Message, UnreadSummary } from './api.ts';

/** The per-conversation history the client holds: oldest first, one entry per message id. */
export interface ThreadState {
  items: Message[];
  /** Older messages exist on the server (load them with `before`). */
  hasMore: boolean;
}

/** What message.created carries about its conversation: the fields the message changed. */
export type { ConversationPatch } from '@switchboard/protocol';

export interface WorkspaceState {
  conversations: Record<number, Conversation>;
  messages: Record<number, ThreadState>;
  /** Unread customer messages per conversation, for the signed-in user. */
  unread: Record<number, number>;
  /** The header total (GET /conversations/unread), kept current between refetches. */
  summary: UnreadSummary | null;
  /** The conversation on screen: its new customer messages are read, not counted. */
  openId: number | null;
  contacts: Record<number, Contact>;
  /** Highest stream seq applied. */
  seq: number;
  /** Conversations a frame mentioned that the client does not hold: fetch them, then `upsertConversations`. */
  missing: number[];
}

export type { EventFrame };

export function emptyState(): WorkspaceState {
  return { conversations: {}, messages: {}, unread: {}, summary: null, openId: null, contacts: {}, seq: 0, missing: [] };
}

function isUnread(state: WorkspaceState, id: number): boolean {
  return (state.unread[id] ?? 0) > 0 || Boolean(state.conversations[id]?.markedUnread);
}

/** Moves the header total by what changed for one conversation. */
function adjustSummary(summary: UnreadSummary | null, before: { n: number; flagged: boolean }, after: { n: number; flagged: boolean }): UnreadSummary | null {
  if (!summary) return summary;
  const messages = Math.max(0, summary.messages + after.n - before.n);
  const conversations = Math.max(0, summary.conversations + (after.flagged ? 1 : 0) - (before.flagged ? 1 : 0));
  return { messages, conversations };
}

function withUnread(state: WorkspaceState, id: number, count: number, markedUnread?: boolean): WorkspaceState {
  const before = { n: state.unread[id] ?? 0, flagged: isUnread(state, id) };
  const conv = state.conversations[id];
  const conversations =
    conv && (conv.unreadCount !== count || (markedUnread !== undefined && conv.markedUnread !== markedUnread))
      ? { ...state.conversations, [id]: { ...conv, unreadCount: count, ...(markedUnread !== undefined ? { markedUnread } : {}) } }
      : state.conversations;
  const next = { ...state, conversations, unread: { ...state.unread, [id]: count } };
  const flagged = count > 0 || Boolean(markedUnread ?? conv?.markedUnread);
  return { ...next, summary: adjustSummary(state.summary, before, { n: count, flagged }) };
}

function insertMessage(items: Message[], m: Message): Message[] {
  const at = items.findIndex((x) => x.id >= m.id);
  if (at === -1) return [...items, m];
  if (items[at]!.id === m.id) return items.map((x, i) => (i === at ? m : x));
  return [...items.slice(0, at), m, ...items.slice(at)];
}

function removeConversation(state: WorkspaceState, id: number): WorkspaceState {
  if (!state.conversations[id] && !(id in state.unread) && !state.messages[id]) return state;
  const before = { n: state.unread[id] ?? 0, flagged: isUnread(state, id) };
  const { [id]: _c, ...conversations } = state.conversations;
  const { [id]: _m, ...messages } = state.messages;
  const { [id]: _u, ...unread } = state.unread;
  return {
    ...state,
    conversations,
    messages,
    unread,
    openId: state.openId === id ? null : state.openId,
    missing: state.missing.filter((x) => x !== id),
    summary: adjustSummary(state.summary, before, { n: 0, flagged: false }),
  };
}

function mergeCore(state: WorkspaceState, core: ConversationCore): WorkspaceState {
  const prev = state.conversations[core.id];
  const conv: Conversation = prev
    ? { ...prev, ...core }
    : { ...core, unreadCount: state.unread[core.id] ?? 0, markedUnread: false, draft: null };
  return {
    ...state,
    conversations: { ...state.conversations, [core.id]: conv },
    missing: state.missing.filter((x) => x !== core.id),
  };
}

function contactSummaryOf(c: Contact): Conversation['contact'] {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, blocked: c.blocked, pinnedTags: c.tags.filter((t) => t.pinned) };
}

/**
 * The one reducer of stream frames. Pure: returns a new state (or the same one when nothing changed).
 * Frames at or below the applied seq are ignored, so a replay after reconnecting is harmless.
 */
export function applyEvent(state: WorkspaceState, frame: ServerFrame): WorkspaceState {
  if (frame.type === 'ready' || frame.type === 'resync') return frame.seq > state.seq ? { ...state, seq: frame.seq } : state;
  if (frame.type === 'pong' || frame.type === 'error') return state;
  // Ephemeral signals (typing) change nothing held here; the app shows them for a moment.
  if (frame.type === 'typing.updated' || frame.type === 'discussion.typing') return state;
  if (frame.seq <= state.seq) return state;
  const s = applyData(state, frame);
  return { ...s, seq: frame.seq };
}

function applyData(state: WorkspaceState, frame: EventFrame): WorkspaceState {
  switch (frame.type) {
    case 'conversation.created':
    case 'conversation.updated':
      return mergeCore(state, frame.data);

    case 'conversation.revoked':
    case 'conversation.deleted':
      return removeConversation(state, frame.data.id);

    case 'message.created': {
      const { message, conversation: patch } = frame.data;
      const id = message.conversationId;
      let s = state;
      const prev = s.conversations[id];
      if (prev) {
        const newer = !prev.lastMessage || prev.lastMessage.id <= message.id;
        s = { ...s, conversations: { ...s.conversations, [id]: { ...prev, ...patch, ...(newer ? { lastMessage: message } : {}) } } };
      } else if (!s.missing.includes(id)) {
        s = { ...s, missing: [...s.missing, id] };
      }
      const thread = s.messages[id];
      if (thread) s = { ...s, messages: { ...s.messages, [id]: { ...thread, items: insertMessage(thread.items, message) } } };
      if (message.senderKind === 'customer' && s.openId !== id) s = withUnread(s, id, (s.unread[id] ?? 0) + 1);
      return s;
    }

    case 'message.updated': {
      // A delivery status moved on.
      const { message } = frame.data;
      const id = message.conversationId;
      let s = state;
      const thread = s.messages[id];
      if (thread && thread.items.some((m) => m.id === message.id)) {
        s = { ...s, messages: { ...s.messages, [id]: { ...thread, items: insertMessage(thread.items, message) } } };
      }
      const conv = s.conversations[id];
      if (conv?.lastMessage?.id === message.id) s = { ...s, conversations: { ...s.conversations, [id]: { ...conv, lastMessage: message } } };
      return s;
    }

    case 'unread.updated': {
      const d = frame.data;
      return withUnread(state, d.conversationId, d.unreadCount, d.markedUnread);
    }

    case 'draft.updated': {
      const d = frame.data;
      const conv = state.conversations[d.conversationId];
      if (!conv) return state;
      return { ...state, conversations: { ...state.conversations, [d.conversationId]: { ...conv, draft: d.draft } } };
    }

    case 'contact.updated': {
      const contact = frame.data;
      const summary = contactSummaryOf(contact);
      let changed = false;
      const conversations = { ...state.conversations };
      for (const c of Object.values(state.conversations)) {
        if (c.contact?.id === contact.id) {
          conversations[c.id] = { ...c, contact: summary };
          changed = true;
        }
      }
      return { ...state, conversations: changed ? conversations : state.conversations, contacts: { ...state.contacts, [contact.id]: contact } };
    }

    case 'membership.changed':
    case 'directory.changed':
      // The app refetches the directory and the lists that show names; nothing to patch here.
      return state;
  }
  return state;
}

// ---- pure helpers for what the app fetches over HTTP

/** Stores conversations from a list page or a single fetch; their unread counts come with them. */
export function upsertConversations(state: WorkspaceState, items: Conversation[]): WorkspaceState {
  if (!items.length) return state;
  const conversations = { ...state.conversations };
  const unread = { ...state.unread };
  for (const c of items) {
    conversations[c.id] = c;
    unread[c.id] = c.unreadCount;
  }
  const ids = new Set(items.map((c) => c.id));
  return { ...state, conversations, unread, missing: state.missing.filter((x) => !ids.has(x)) };
}

/** Stores a page of history: the latest page replaces, an older page (`before`) is prepended. */
export function loadMessages(state: WorkspaceState, conversationId: number, page: { items: Message[]; hasMore: boolean }, older = false): WorkspaceState {
  const prev = state.messages[conversationId];
  let items: Message[];
  if (older && prev) {
    items = prev.items;
    for (const m of page.items) items = insertMessage(items, m);
  } else {
    // Keep anything newer that arrived live while the page was loading.
    items = page.items;
    const newest = items.length ? items[items.length - 1]!.id : 0;
    for (const m of prev?.items ?? []) if (m.id > newest) items = insertMessage(items, m);
  }
  return { ...state, messages: { ...state.messages, [conversationId]: { items, hasMore: page.hasMore } } };
}

/** A message the user just posted (the stream brings it too; either order is fine). */
export function addMessage(state: WorkspaceState, message: Message): WorkspaceState {
  const id = message.conversationId;
  const thread = state.messages[id];
  const conv = state.conversations[id];
  let s = state;
  if (thread) s = { ...s, messages: { ...s.messages, [id]: { ...thread, items: insertMessage(thread.items, message) } } };
  if (conv && (!conv.lastMessage || conv.lastMessage.id <= message.id)) {
    s = { ...s, conversations: { ...s.conversations, [id]: { ...conv, lastMessage: message, lastActivityAt: Math.max(conv.lastActivityAt, message.createdAt) } } };
  }
  return s;
}

/** Opens a conversation: it is read from now on (the app also calls POST /read). */
export function openConversation(state: WorkspaceState, id: number | null): WorkspaceState {
  if (id === null) return { ...state, openId: null };
  const s = { ...state, openId: id };
  return withUnread(s, id, 0, false);
}

export function setSummary(state: WorkspaceState, summary: UnreadSummary): WorkspaceState {
  return { ...state, summary };
}

export function setContact(state: WorkspaceState, contact: Contact): WorkspaceState {
  return applyData({ ...state }, { type: 'contact.updated', seq: 0, at: 0, data: contact });
}

export function setDraft(state: WorkspaceState, conversationId: number, body: string, now: number): WorkspaceState {
  const conv = state.conversations[conversationId];
  if (!conv) return state;
  const draft = body.trim() ? { body, updatedAt: now } : null;
  return { ...state, conversations: { ...state.conversations, [conversationId]: { ...conv, draft } } };
}

/**
 * Whether a conversation the client holds belongs in a list with these filters, so live arrivals
 * show up without refetching. Text search (`q`) is the server's to judge: returns false then.
 */
export function matchesFilters(c: Conversation, f: ConversationFilters, meId: number): boolean {
  if (f.q) return false;
  const view = f.view ?? 'all';
  if (view === 'mine' && c.assigneeId !== meId) return false;
  if ((view === 'queued' || view === 'unassigned') && c.assigneeId !== null) return false;
  if (view === 'queued' && c.status !== 'queued') return false;
  if ((view === 'abandoned' || view === 'callback') && c.status !== view) return false;
  if (f.status?.length && !f.status.includes(c.status)) return false;
  if (f.channel?.length && !f.channel.includes(c.channel)) return false;
  if (f.queueId?.length && (c.queueId === null || !f.queueId.includes(c.queueId))) return false;
  if (f.assigneeId?.length && (c.assigneeId === null || !f.assigneeId.includes(c.assigneeId))) return false;
  if (f.tagId?.length && !f.tagId.every((t) => c.tags.some((x) => x.id === t))) return false;
  if (f.labelId?.length && !f.labelId.every((t) => c.labels.some((x) => x.id === t))) return false;
  if (f.since !== undefined && c.lastActivityAt < f.since) return false;
  if (f.until !== undefined && c.lastActivityAt > f.until) return false;
  if (f.inboxId?.length && (c.inbox == null || !f.inboxId.includes(c.inbox.id))) return false;
  if (f.createdSince !== undefined && c.createdAt < f.createdSince) return false;
  if (f.createdBefore !== undefined && c.createdAt >= f.createdBefore) return false;
  // Whether a bot took part is not in the conversation's shape: only the server answers it.
  if (f.bot !== undefined) return false;
  return true;
}

/** Seed 002 processing order, as the server sorts it: reply deadlines soonest first, then the rest newest activity first. */
export function byProcessingOrder(a: Conversation, b: Conversation): number {
  const key = (c: Conversation) => (c.replyDueAt != null ? c.replyDueAt : 8e15 - c.lastActivityAt);
  return key(a) - key(b) || a.id - b.id;
}

/** Newest activity first. */
export function byActivity(a: Conversation, b: Conversation): number {
  return b.lastActivityAt - a.lastActivityAt || b.id - a.id;
}
