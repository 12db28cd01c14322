import type { DataFrame } from '@switchboard/protocol';
import { workspace } from '../stores/conversations.ts';
import { remember, toast } from '../stores/notifications.ts';
import { openConversationAt } from '../router/workRoute.ts';
import { chime, notify } from './notify.ts';

/** New offers and customer messages ring: a sound, a browser notification, a toast and a notice. */
export function alertFor(frame: DataFrame, meId: number): void {
  const held = workspace.get();
  if (frame.type === 'offer.created') {
    const d = frame.data;
    if (d.offer.userId !== meId) return;
    const who = d.conversation?.contact?.name ?? `Conversation #${d.offer.conversationId}`;
    chime();
    toast(`New offer: ${who}`, 'info');
    const text = d.conversation?.lastMessage?.body || held.conversations[d.offer.conversationId]?.lastMessage?.body || 'Accept or decline it in Switchboard.';
    notify(`New conversation offered: ${who}`, text, `offer-${d.offer.conversationId}`);
    remember({ kind: 'offer', title: `New offer: ${who}`, body: text, conversationId: d.offer.conversationId });
  } else if (frame.type === 'message.created') {
    const { message: m, conversation: patch } = frame.data;
    if (m.senderKind !== 'customer') return;
    const looking = m.conversationId === held.openId && document.visibilityState === 'visible';
    if (looking) return;
    const c = held.conversations[m.conversationId];
    // Only for this agent's own conversations; new ones arrive as offers (their own alert).
    // The frame says who is in charge, so this never waits on a fetch of the conversation.
    if ((patch?.assigneeId !== undefined ? patch.assigneeId : c?.assigneeId) !== meId) return;
    const who = c?.contact?.name ?? 'A customer';
    chime();
    toast(`${who}: ${m.body.slice(0, 80)}`, 'info');
    notify(who, m.body || 'Sent an attachment', `conversation-${m.conversationId}`, () => openConversationAt(m.conversationId));
    remember({ kind: 'message', title: who, body: m.body || 'Sent an attachment', conversationId: m.conversationId });
  }
}
