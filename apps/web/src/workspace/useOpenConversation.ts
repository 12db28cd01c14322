import { useEffect, useRef } from 'react';
import { ApiError } from '@switchboard/client';
import { api } from '../api.ts';
import { conversations, refreshSummary, useOpenId, workspace } from '../stores/conversations.ts';
import { messages } from '../stores/messages.ts';
import { toast } from '../stores/notifications.ts';
import { openConversationAt, type WorkRoute } from '../router/workRoute.ts';

/**
 * The address says which conversation is open: opening one marks it read and loads it and its newest
 * messages; one that is not ours (404/403) closes with a word. When the store drops the open one (its
 * access was revoked, it was deleted) the address follows.
 */
export function useOpenConversation(route: WorkRoute): void {
  const { isWork, openId: routeId } = route;
  useEffect(() => {
    if (!isWork) return;
    conversations.setOpen(routeId);
    if (routeId === null) return;
    const id = routeId;
    api.markRead(id).then(() => refreshSummary(), () => {});
    api.conversation(id).then(
      (c) => conversations.upsert([{ ...c, unreadCount: 0, markedUnread: false }]),
      (e) => {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
          toast('That conversation is not available to you.');
          if (workspace.get().openId === id) conversations.setOpen(null);
          openConversationAt(null, { replace: true });
        }
      },
    );
    messages.fetchLatest(id);
  }, [isWork, routeId]);

  const openId = useOpenId();
  const wasOpen = useRef<number | null>(null);
  const routeRef = useRef(route);
  routeRef.current = route;
  useEffect(() => {
    if (openId === null && wasOpen.current !== null && routeRef.current.openId === wasOpen.current) openConversationAt(null, { replace: true });
    wasOpen.current = openId;
  }, [openId]);
}
