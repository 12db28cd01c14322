import type { Signal } from '../../events/signals.ts';
import type { ChannelDeps } from '../deps.ts';
import { botOf, call } from './api.ts';

const EVERY_MS = 4_000; // Telegram shows "typing…" for about 5 seconds per call

/**
 * The agent is typing in a Telegram conversation: "typing…" in the customer's chat
 * (sendChatAction), at most every few seconds per conversation. Best effort: a failure is logged.
 */
export function telegramTyping(deps: ChannelDeps): (signal: Signal) => void {
  const last = new Map<number, number>();
  return (signal) => {
    const d = signal.data as { conversationId?: number; who?: string; typing?: boolean };
    if (signal.type !== 'typing.updated' || d.who !== 'agent' || !d.typing || typeof d.conversationId !== 'number') return;
    const now = Date.now();
    if ((last.get(d.conversationId) ?? 0) > now - EVERY_MS) return;
    last.set(d.conversationId, now);
    if (last.size > 10_000) last.clear();
    void (async () => {
      const db = deps.actions.store.db;
      const c = await db.selectFrom('conversations').select(['channel', 'inbox_id', 'contact_id']).where('id', '=', d.conversationId!).executeTakeFirst();
      if (!c || c.channel !== 'telegram' || c.inbox_id == null || c.contact_id == null) return;
      const inbox = await db.selectFrom('inboxes').selectAll().where('id', '=', c.inbox_id).executeTakeFirst();
      const who = await db.selectFrom('contact_identities').select('external_id').where('contact_id', '=', c.contact_id).where('channel', '=', 'telegram').executeTakeFirst();
      if (!inbox || !who) return;
      await call(botOf(inbox, deps.secrets.open(inbox.secrets), deps.stopping), 'sendChatAction', { chat_id: who.external_id, action: 'typing' });
    })().catch((err) => deps.log.debug({ err, conversationId: d.conversationId }, 'Telegram typing indicator not sent'));
  };
}
