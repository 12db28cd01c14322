import { useCallback, useEffect, useState } from 'react';
import { api } from '../api.ts';

/**
 * Seed 004's WhatsApp 24-hour window, as the server sees it: asked when the conversation opens and
 * whenever the customer writes, then followed on the server's clock (the browser's may differ), so
 * the composer notices the moment it closes. `closed` is false until the server has answered.
 */
export function useMessagingWindow(id: number, lastCustomerMessageAt: number | null) {
  const [w, setW] = useState<{ closesAt: number | null; offset: number } | null>(null);
  const [, tick] = useState(0);
  const refresh = useCallback(() => {
    api.messagingWindow(id).then((r) => setW({ closesAt: r.closesAt, offset: r.now - Date.now() }), () => {});
  }, [id]);
  useEffect(() => {
    setW(null);
    refresh();
  }, [refresh, lastCustomerMessageAt]);
  useEffect(() => {
    const ms = w && w.closesAt !== null ? w.closesAt - (Date.now() + w.offset) : 0;
    if (ms <= 0) return;
    const t = setTimeout(() => tick((n) => n + 1), Math.min(ms + 50, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [w]);
  return { closed: w !== null && w.closesAt !== null && w.closesAt <= Date.now() + w.offset, refresh };
}
