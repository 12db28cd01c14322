import { emptyState, openConversation, setSummary, upsertConversations, type WorkspaceState } from '@switchboard/client';
import type { Conversation, ConversationFilters } from '../types.ts';
import { ApiError } from '@switchboard/client';
import { api, messageOf } from '../api.ts';
import { createStore, useStore } from './store.ts';

/**
 * Conversations, their threads, contacts and unread counts as the client's reducer keeps them
 * (`applyEvent` moves all of them from one frame, so they share one value; messages.ts reads the
 * threads from it). The stream router is the only writer of frames.
 */
export const workspace = createStore<WorkspaceState>(emptyState);

export type Update = (fn: (s: WorkspaceState) => WorkspaceState) => void;
/** The one way components change what is held (after an API call answered). */
export const update: Update = (fn) => workspace.set(fn);

export const conversations = {
  upsert(items: Conversation[]) {
    workspace.set((s) => upsertConversations(s, items));
  },
  remove(ids: number[]) {
    workspace.set((s) => ({ ...s, conversations: Object.fromEntries(Object.entries(s.conversations).filter(([k]) => !ids.includes(Number(k)))) }));
  },
  setOpen(id: number | null) {
    workspace.set((s) => (s.openId === id ? s : openConversation(s, id)));
  },
  openId: () => workspace.get().openId,
  held: (id: number) => workspace.get().conversations[id],
};

export const useConversations = () => useStore(workspace, (s) => s.conversations);
export const useConversation = (id: number | null) => useStore(workspace, (s) => (id === null ? undefined : s.conversations[id]));
export const useOpenId = () => useStore(workspace, (s) => s.openId);
export const useUnread = () => useStore(workspace, (s) => s.unread);
export const useSummary = () => useStore(workspace, (s) => s.summary);
export const useContact = (id: number | null) => useStore(workspace, (s) => (id === null ? undefined : s.contacts[id]));

// ---- the list: which held conversations the server answered for the current query (search, page)

export interface ListState {
  ids: number[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}
export const list = createStore<ListState>(() => ({ ids: [], nextCursor: null, loading: true, error: null }));
export const useList = () => useStore(list);

let listSeq = 0;
/** Loads the first page for `filters`, or the next one after `cursor`; a later call wins over an earlier one. */
export async function loadList(filters: ConversationFilters, cursor?: string): Promise<void> {
  const seq = ++listSeq;
  list.set((l) => ({ ...l, loading: true, error: null }));
  try {
    const page = await api.listConversations({ ...filters, limit: 200, ...(cursor ? { cursor } : {}) });
    if (seq !== listSeq) return;
    conversations.upsert(page.items);
    list.set((l) => ({ ids: cursor ? [...l.ids, ...page.items.map((c) => c.id)] : page.items.map((c) => c.id), nextCursor: page.nextCursor, loading: false, error: null }));
  } catch (e) {
    if (seq !== listSeq) return;
    list.set((l) => ({ ...l, loading: false, error: e instanceof ApiError && e.status === 401 ? null : messageOf(e) }));
  }
}

// ---- the header total

let summaryTimer: ReturnType<typeof setTimeout> | null = null;
/** Refetches the header's unread total a moment after the last change (many frames, one call). */
export function refreshSummary(delay = 400): void {
  if (summaryTimer) clearTimeout(summaryTimer);
  summaryTimer = setTimeout(() => {
    api.unreadSummary().then((summary) => workspace.set((s) => setSummary(s, summary)), () => {});
  }, delay);
}

// ---- conversations a frame mentioned but we do not hold: fetched once each

const fetching = new Set<number>();
export function fetchMissing(): void {
  for (const id of workspace.get().missing) {
    if (fetching.has(id)) continue;
    fetching.add(id);
    api
      .conversation(id)
      .then(
        (c) => conversations.upsert([c]),
        () => workspace.set((s) => ({ ...s, missing: s.missing.filter((x) => x !== id) })),
      )
      .finally(() => fetching.delete(id));
  }
}
