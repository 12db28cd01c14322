import { loadMessages } from '@switchboard/client';
import { api } from '../api.ts';
import { createStore, useStore } from './store.ts';
import { workspace } from './conversations.ts';

/** The threads live in the workspace value (one reducer moves conversation and message together). */
export const useThread = (id: number) => useStore(workspace, (s) => s.messages[id]);

export const messages = {
  /** The newest page of a thread (on open, and after a gap in the stream). */
  fetchLatest(id: number) {
    api.messages(id, { limit: 50 }).then((page) => workspace.set((s) => loadMessages(s, id, page)), () => {});
  },
};

/** How long "… is typing" shows without a fresh typing frame from the customer. */
export const TYPING_FOR_MS = 6000;

/** Customers typing right now: conversation id → until when (a lost "stopped" frame expires). */
export const typing = createStore<Record<number, number>>(() => ({}));
export const useTypingUntil = (id: number) => useStore(typing, (t) => t[id]);

export function setTyping(conversationId: number, on: boolean): void {
  typing.set((t) => {
    if (on) return { ...t, [conversationId]: Date.now() + TYPING_FOR_MS };
    if (!(conversationId in t)) return t;
    const out = { ...t };
    delete out[conversationId];
    return out;
  });
}
