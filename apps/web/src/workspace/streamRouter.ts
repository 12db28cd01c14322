import { StreamClient, applyEvent, streamUrl, type StreamStatus } from '@switchboard/client';
import type { DataFrame, ServerFrame } from '@switchboard/protocol';
import { api } from '../api.ts';
import { reportFrames } from '../reports/index.ts';
import { currentWorkFilters } from '../router/workRoute.ts';
import { fetchMissing, loadList, refreshSummary, workspace } from '../stores/conversations.ts';
import { messages, setTyping } from '../stores/messages.ts';
import { applyRoutingFrame, reloadRouting } from '../stores/offers.ts';
import { reloadDirectory } from '../stores/users.ts';
import { alertFor } from './alerts.ts';
import { createStore, useStore } from '../stores/store.ts';

/**
 * The one stream of the agent app: every frame of /api/v1/stream comes here and is handed to the
 * stores it concerns (conversations and messages through the client's reducer, offers and presence,
 * typing, the directory, reports, and features that listen, like discuss). Nothing else opens a socket.
 */

/** A feature listening to data frames; `live` is false for a replay after reconnecting. */
type Listener = (frame: DataFrame, live: boolean) => void;
const listeners = new Set<Listener>();
export function listenFrames(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Other refreshes a frame may call for (the pick list, while shown). */
const conversationChanged = new Set<() => void>();
export function onConversationFrames(l: () => void): () => void {
  conversationChanged.add(l);
  return () => conversationChanged.delete(l);
}

export const streamStatus = createStore<StreamStatus>(() => 'connecting');
export const useStreamStatus = () => useStore(streamStatus);

/** The list, the header total and the open thread again (after a gap the server could not replay). */
export function refetchAll(): void {
  void loadList(currentWorkFilters());
  refreshSummary(0);
  const id = workspace.get().openId;
  if (id !== null) messages.fetchLatest(id);
}

let markTimer: ReturnType<typeof setTimeout> | null = null;
function markReadSoon(id: number): void {
  if (markTimer) clearTimeout(markTimer);
  markTimer = setTimeout(() => {
    if (workspace.get().openId === id && document.visibilityState !== 'hidden') api.markRead(id).catch(() => {});
  }, 300);
}

export interface StreamDeps {
  meId: number;
  onUnauthorized: () => void;
}

/** Connects and routes frames until the returned stop is called. */
export function startStream({ meId, onUnauthorized }: StreamDeps): () => void {
  let connectedOnce = false;
  // Between a (re)connect and its 'ready', frames are replays of what was missed.
  let caughtUp = false;

  function route(frame: ServerFrame): void {
    workspace.set((s) => applyEvent(s, frame));
    if (workspace.get().missing.length) fetchMissing();
    if ('data' in frame) {
      applyRoutingFrame(frame, meId);
      for (const l of [...listeners]) l(frame, connectedOnce);
      reportFrames.dispatch(frame);
      // Only live frames ring, not a replay after reconnecting.
      if (connectedOnce) alertFor(frame, meId);
    }
    if (frame.type === 'ready' || frame.type === 'resync') caughtUp = true;
    if (frame.type === 'ready') {
      // Reconnected after a gap the server could replay: nothing to refetch.
      connectedOnce = true;
      return;
    }
    if (frame.type === 'resync' || frame.type === 'pong' || frame.type === 'error') return;
    if (frame.type === 'membership.changed') refetchAll();
    if (frame.type === 'directory.changed') {
      // A tag, label or user was changed by an administrator: names in lists and pickers follow.
      reloadDirectory();
      refetchAll();
      if (frame.data.kind === 'user') reloadRouting();
    }
    if (frame.type === 'typing.updated') {
      const d = frame.data;
      // A frame replayed after a reconnect (before 'ready') says nothing about now.
      if (d.who === 'customer' && caughtUp) setTyping(d.conversationId, d.typing);
    }
    if (frame.type === 'message.created') {
      const m = frame.data.message;
      if (m.senderKind === 'customer' && m.conversationId === workspace.get().openId) markReadSoon(m.conversationId);
      if (m.senderKind === 'customer') setTyping(m.conversationId, false);
    }
    if (frame.type === 'message.created' || frame.type === 'unread.updated' || frame.type.startsWith('conversation.')) refreshSummary();
    if (frame.type.startsWith('conversation.') || frame.type.startsWith('offer.')) for (const l of [...conversationChanged]) l();
  }

  const stream = new StreamClient({
    url: streamUrl(window.location),
    onFrame: route,
    onResync: () => {
      reloadRouting();
      if (connectedOnce) refetchAll();
    },
    onStatus: (st) => {
      if (st !== 'live') caughtUp = false;
      streamStatus.set(st);
      if (st === 'unauthorized') onUnauthorized();
    },
  });
  stream.start();
  return () => stream.stop();
}
