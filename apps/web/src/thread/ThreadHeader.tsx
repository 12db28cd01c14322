import { useMemo, useState } from 'react';
import { upsertConversations } from '@switchboard/client';
import type { Conversation } from '../types.ts';
import { CONVERSATION_ACTIONS, mayRequestDiscuss, type ConversationContext, type ConversationDialog } from '../actions/conversation.ts';
import { labelOf } from '../actions/types.ts';
import { useShortcuts } from '../actions/useShortcuts.ts';
import type { Directory } from '../stores/directory.ts';
import { conversations, update } from '../stores/conversations.ts';
import { fail, toast } from '../stores/notifications.ts';
import { useAbilities } from '../stores/settings.ts';
import { toggleDetailsFor, useDetailsShown, useLayoutSize } from '../workspace/layout.ts';
import { openConversationAt } from '../router/workRoute.ts';
import { api } from '../api.ts';
import { CHANNELS, ChannelIcon } from '../ui.tsx';
import { STATUS_NAMES } from '../list/statusNames.ts';
import { AssignDiscussButton, useConsulting } from '../discuss/index.ts';
import { ActionMenu } from './ActionMenu.tsx';
import { ConversationDialogs } from './ConversationDialogs.tsx';

/** The thread's title and its toolbar, drawn from the conversation actions (actions/conversation.ts). */
export function ThreadHeader({ c, name, dir }: { c: Conversation; name: string; dir: Directory }) {
  const [dialog, setDialog] = useState<ConversationDialog | null>(null);
  const [busy, setBusy] = useState(false);
  const consulting = useConsulting(c.id, c.assigneeId);
  const abilities = useAbilities();
  const detailsOpen = useDetailsShown(c.id);
  // Below 1024 px the thread fills the screen: Back returns to the list, its tab, filters and scroll kept.
  const narrow = useLayoutSize() === 'narrow';
  const back = () => {
    openConversationAt(null);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-conversation-id="${c.id}"]`)?.focus());
  };

  const run = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      const res = await fn();
      if (res && typeof res === 'object' && 'id' in res && 'status' in res) update((s) => upsertConversations(s, [res as Conversation]));
      if (done) toast(done, 'info');
      return true;
    } catch (e) {
      fail(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  // Actions that answer `{ok}` rather than the conversation: fetch it so the header follows at once.
  const refresh = () => api.conversation(c.id).then((fresh) => update((st) => upsertConversations(st, [fresh])), () => {});
  const endSession = (outcome: 'plain' | 'ticket', input: { subject?: string; note?: string } = {}) =>
    run(async () => {
      const r = await api.endSession(c.id, outcome === 'ticket' ? { outcome, ...input } : { outcome });
      toast(r.ticketId ? (outcome === 'ticket' ? `Chat ended. Ticket #${r.ticketId} created with the chat log.` : `Chat ended. Its log is attached to ticket #${r.ticketId}.`) : 'Chat ended.', 'info');
      await refresh();
    }).then((ok) => {
      if (ok) setDialog(null);
      return ok;
    });

  const ctx: ConversationContext = {
    c,
    me: dir.me,
    abilities,
    consulting: Boolean(consulting),
    run,
    openDialog: setDialog,
    endSession: (outcome) => void endSession(outcome),
    markUnread: () =>
      void run(() => api.markUnread(c.id)).then((ok) => {
        if (!ok) return;
        openConversationAt(null);
        conversations.setOpen(null);
      }),
  };
  useShortcuts(CONVERSATION_ACTIONS, ctx);
  const shown = useMemo(() => CONVERSATION_ACTIONS.filter((a) => a.placement.includes('header')), []);

  const s = c.status;
  const assigneeName = c.assigneeId ? (dir.users.find((u) => u.id === c.assigneeId)?.name ?? `User #${c.assigneeId}`) : null;
  return (
    <header className="thread-head">
      {narrow && (
        <button type="button" className="btn ghost icon thread-back" aria-label="Back to the list" title="Back to the list (Esc)" onClick={back}>
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <path d="M15 5l-7 7 7 7" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      )}
      <div className="thread-title">
        <h1>{name}</h1>
        <p className="muted thread-sub">
          <ChannelIcon channel={c.channel} /> {CHANNELS[c.channel]?.name ?? c.channel}
          <span aria-hidden="true"> · </span>
          <span className={`status-pill status-${s}`}>{STATUS_NAMES[s]}</span>
          <span aria-hidden="true"> · </span>
          {assigneeName ? `Assigned to ${assigneeName}` : 'Unassigned'}
          <span aria-hidden="true"> · </span>#{c.id}
          {c.subject && (
            <>
              <span aria-hidden="true"> · </span>
              {c.subject}
            </>
          )}
        </p>
      </div>
      <div className="actions" role="toolbar" aria-label="Conversation actions">
        {/* Seed 000: the consultant watches; every customer-facing control is absent for her. */}
        {consulting && <span className="status-pill">Consulting for {consulting.initiator.name}</span>}
        {shown.map((a) => {
          const discussSlot = a.name === 'transfer' && !consulting ? <AssignDiscussButton key="discuss" conversationId={c.id} mayRequest={mayRequestDiscuss(ctx)} live={dir.agents} /> : null;
          if (!a.allowed(ctx)) return discussSlot;
          const label = labelOf(a, ctx);
          const button = a.items ? (
            <ActionMenu key={a.name} label={label} disabled={busy} items={a.items.filter((i) => i.allowed(ctx)).map((i) => ({ name: i.name, label: labelOf(i, ctx), perform: () => i.perform(ctx) }))} />
          ) : (
            <button
              key={a.name}
              className={a.primary?.(ctx) ? 'btn primary' : 'btn'}
              disabled={busy}
              onClick={() => a.perform(ctx)}
              title={a.shortcut ? `${label} (${a.shortcut.label})` : undefined}
              aria-keyshortcuts={a.shortcut?.aria}
            >
              {label}
            </button>
          );
          return discussSlot ? [discussSlot, button] : button;
        })}
        <button className="btn ghost icon" aria-pressed={detailsOpen} aria-label={detailsOpen ? 'Hide contact details' : 'Show contact details'} title="Contact details" data-details-toggle onClick={() => toggleDetailsFor(c.id)}>
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
            <rect x="3" y="4" width="18" height="16" rx="2" />
            <path d="M15 4v16" />
          </svg>
        </button>
      </div>
      <ConversationDialogs key={dialog ?? 'none'} c={c} name={name} dir={dir} dialog={dialog} setDialog={setDialog} busy={busy} run={run} endSession={endSession} />
    </header>
  );
}
