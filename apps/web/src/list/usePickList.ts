import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Conversation } from '../types.ts';
import { api } from '../api.ts';
import { conversations, useConversations } from '../stores/conversations.ts';
import { fail } from '../stores/notifications.ts';
import { onConversationFrames } from '../workspace/streamRouter.ts';

/** The pick list tab (seed 001): waiting conversations of my queues, from /routing/pick-list. */
export function usePickList(shown: boolean) {
  const [ids, setIds] = useState<number[]>([]);
  const [loading, setLoading] = useState(false);
  const held = useConversations();
  const load = useCallback(() => {
    setLoading(true);
    api
      .pickList()
      .then((page) => {
        conversations.upsert(page.items);
        setIds(page.items.map((c) => c.id));
      }, fail)
      .finally(() => setLoading(false));
  }, []);
  useEffect(() => {
    if (shown) load();
  }, [shown, load]);
  // Conversation and offer frames change what waits: refetch a moment after the last one, while shown.
  useEffect(() => {
    if (!shown) return;
    let t: ReturnType<typeof setTimeout> | null = null;
    const off = onConversationFrames(() => {
      if (t) clearTimeout(t);
      t = setTimeout(load, 300);
    });
    return () => {
      off();
      if (t) clearTimeout(t);
    };
  }, [shown, load]);
  // Picked by someone else (or by me) leaves the list at once; new arrivals come with the refetch.
  const items = useMemo(
    () => ids.map((id) => held[id]).filter((c): c is Conversation => Boolean(c) && c!.status === 'queued' && c!.assigneeId === null),
    [ids, held],
  );
  return { items, loading, reload: load };
}
