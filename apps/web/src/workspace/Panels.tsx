import { useEffect, useMemo } from 'react';
import { byActivity, byProcessingOrder, matchesFilters, setContact } from '@switchboard/client';
import type { Conversation, ConversationFilters } from '../types.ts';
import { api } from '../api.ts';
import { conversations, loadList, useConversations, useContact, useList, useOpenId, useUnread, update } from '../stores/conversations.ts';
import { useThread } from '../stores/messages.ts';
import { useDirectory } from '../stores/directory.ts';
import { fail, toast } from '../stores/notifications.ts';
import { useAbilities } from '../stores/settings.ts';
import { openConversationAt, setListFilters, type WorkRoute } from '../router/workRoute.ts';
import { ConversationList } from '../list/ConversationList.tsx';
import { usePickList } from '../list/usePickList.ts';
import { Thread } from '../thread/Thread.tsx';
import { Details } from '../details/Details.tsx';
import { useOpenConversation } from './useOpenConversation.ts';
import { DetailsDrawer } from './DetailsDrawer.tsx';
import { useDetailsShown, useLayoutSize } from './layout.ts';

/** Filters the server answers (search, customer tags, bots); the rest filter what is held, live. */
const serverSide = (f: ConversationFilters) => Boolean(f.q || f.customerTagId?.length || f.noCustomerTags || f.pinnedCustomerTags || f.bot !== undefined);

/** The conversations screen: the list, the open thread and its details panel. */
export function Panels({ route, hidden }: { route: WorkRoute; hidden: boolean }) {
  const { filters } = route;
  const dir = useDirectory();
  const abilities = useAbilities();
  const held = useConversations();
  const unread = useUnread();
  const list = useList();
  const openId = useOpenId();
  const layout = useLayoutSize();
  useOpenConversation(route);

  useEffect(() => {
    void loadList(filters);
  }, [filters]);

  const items = useMemo(() => {
    if (serverSide(filters)) return list.ids.map((id) => held[id]).filter((c): c is Conversation => Boolean(c));
    return Object.values(held)
      .filter((c) => matchesFilters(c, filters, dir.me.id))
      .sort(filters.sort === 'processing_order' ? byProcessingOrder : byActivity);
  }, [filters, list.ids, held, dir.me.id]);

  const canPick = dir.queues.some((q) => q.routingMode === 'pick_list' && q.memberIds.includes(dir.me.id));
  const pick = usePickList(route.picking && canPick);
  const openConv = openId !== null ? held[openId] : undefined;
  const contact = useContact(openConv?.contact?.id ?? null);
  const contactId = openConv?.contact?.id ?? null;
  const openThread = useThread(openId ?? 0);
  const detailsShown = useDetailsShown(openConv ? openConv.id : null);
  // Contact of the open conversation, for the right panel.
  useEffect(() => {
    if (contactId === null) return;
    api.contact(contactId).then((c) => update((s) => setContact(s, c)), () => {});
  }, [contactId]);

  const mine = (id: number) => openConversationAt(id, { filters: { ...filters, view: 'mine' } });

  return (
    // Below 1024 px the stylesheet shows the list or, with a conversation in the address, the thread.
    <main hidden={hidden} className={`panels${detailsShown && layout === 'wide' ? ' with-details' : ''}${openId !== null ? ' has-open' : ''}`}>
      <ConversationList
        items={items}
        unread={unread}
        filters={filters}
        setFilters={(f) => setListFilters(f, { picking: false })}
        openId={openId}
        onOpen={(id) => openConversationAt(id)}
        loading={list.loading}
        error={list.error}
        hasMore={Boolean(list.nextCursor)}
        onMore={() => list.nextCursor && void loadList(filters, list.nextCursor)}
        dir={dir}
        pick={{
          available: canPick,
          open: route.picking,
          setOpen: (open) => setListFilters(filters, { picking: open }),
          items: pick.items,
          loading: pick.loading,
          onPick: async (id) => {
            try {
              await api.pick(id);
              conversations.upsert([await api.conversation(id)]);
              mine(id);
              toast('The conversation is yours.', 'info');
            } catch (e) {
              fail(e);
              pick.reload();
            }
          },
        }}
        onAddLabel={async (c, labelId) => {
          try {
            const current = conversations.held(c.id) ?? c;
            const updated = await api.updateConversation(c.id, { labelIds: [...current.labels.map((l) => l.id), labelId] });
            conversations.upsert([updated]);
            toast(`Label “${updated.labels.find((l) => l.id === labelId)?.name ?? 'label'}” added.`, 'info');
          } catch (e) {
            fail(e);
          }
        }}
        onDelete={
          abilities.includes('deleteConversations')
            ? async (ids) => {
                try {
                  const r = await api.deleteConversations(ids);
                  conversations.remove(ids);
                  if (openId !== null && ids.includes(openId)) openConversationAt(null);
                  toast(`${r.deleted} deleted.`, 'info');
                } catch (e) {
                  fail(e);
                }
              }
            : undefined
        }
      />
      {openConv ? (
        <Thread key={openConv.id} conversation={openConv} />
      ) : (
        <section className="thread empty" aria-label="Conversation">
          <div className="empty-state">
            <svg width="56" height="56" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.4" aria-hidden="true">
              <path d="M4 5h16v11H8l-4 4z" strokeLinejoin="round" />
            </svg>
            <p>{openId !== null ? 'Loading conversation…' : 'Pick a conversation from the list.'}</p>
          </div>
        </section>
      )}
      {openConv && detailsShown && (layout === 'wide' ? (
        <Details conversation={openConv} contact={contact} update={update} dir={dir} fail={fail} messages={openThread?.items} />
      ) : (
        <DetailsDrawer>
          <Details conversation={openConv} contact={contact} update={update} dir={dir} fail={fail} messages={openThread?.items} />
        </DetailsDrawer>
      ))}
    </main>
  );
}
