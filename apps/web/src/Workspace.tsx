import { Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ApiError,
  StreamClient,
  applyEvent,
  byActivity,
  byProcessingOrder,
  emptyState,
  loadMessages,
  matchesFilters,
  openConversation,
  setContact,
  setSummary,
  streamUrl,
  upsertConversations,
  type StreamStatus,
  type WorkspaceState,
} from '@switchboard/client';
import type { DataFrame, ServerFrame } from '@switchboard/protocol';
import type { ConversationFilters, LabelDefinition, TagWithKind, User } from './types.ts';
import type { AgentPresence, Queue } from '@switchboard/client';
import { api, messageOf } from './api.ts';
import { ConversationList } from './ConversationList.tsx';
import { Thread } from './Thread.tsx';
import { Details } from './Details.tsx';
import { Badge, Modal } from './ui.tsx';
import { Admin } from './Admin.tsx';
import { Reports, reportFrames } from './reports/index.ts';
import { askPermission, chime, notify, permission, watchPermission, type Permission } from './notify.ts';
import { DiscussContext, DiscussDock, useDiscussRoot } from './discuss/index.ts';
import { NotificationCentre, type Notice } from './Notifications.tsx';
import { OfferCards, QueueChooser, StatusSwitch, useRouting } from './Routing.tsx';

export type Update = (fn: (s: WorkspaceState) => WorkspaceState) => void;

export interface Directory {
  me: User;
  users: User[];
  labels: LabelDefinition[];
  conversationTags: TagWithKind[];
  customerTags: TagWithKind[];
  queues: Queue[];
  /** Everyone's live status and load (presence.updated). */
  agents: Record<number, AgentPresence>;
}

export interface Toast {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

const SHORTCUTS: Array<[string, string]> = [
  ['Enter / Ctrl+Enter', 'Send the reply'],
  ['Shift+Enter', 'New line'],
  ['Ctrl+/ / /', 'Canned messages (/ in an empty reply)'],
  ['Alt+T', 'Transfer the conversation'],
  ['Alt+R', 'Resolve the conversation'],
  ['Alt+N', 'Write an internal note'],
  ['Esc', 'Close the conversation detail'],
  ['↑ / ↓', 'Move through the conversation list'],
  ['Shift+F10', 'Menu of the focused conversation (add a label)'],
  ['?', 'This cheat sheet'],
];

/** How long "… is typing" shows without a fresh typing frame from the customer. */
const TYPING_FOR_MS = 6000;

function withoutKey<T>(o: Record<number, T>, key: number): Record<number, T> {
  if (!(key in o)) return o;
  const out = { ...o };
  delete out[key];
  return out;
}

function idFromPath(): number | null {
  const m = /^\/conversations\/(\d+)/.exec(window.location.pathname);
  return m ? Number(m[1]) : null;
}

export function Workspace({ me, onSignedOut, startOfDay = false }: { me: User; onSignedOut: (notice?: string) => void; startOfDay?: boolean }) {
  const [state, setState] = useState<WorkspaceState>(emptyState);
  const update: Update = useCallback((fn) => setState(fn), []);
  const [filters, setFilters] = useState<ConversationFilters>({ view: 'all' });
  const [searchIds, setSearchIds] = useState<number[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [listLoading, setListLoading] = useState(true);
  const [listError, setListError] = useState<string | null>(null);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [dir, setDir] = useState<Directory>({ me, users: [], labels: [], conversationTags: [], customerTags: [], queues: [], agents: {} });
  const routing = useRouting(me.id);
  const routingRef = useRef(routing);
  routingRef.current = routing;
  const [choosing, setChoosing] = useState<'start' | 'later' | null>(startOfDay ? 'start' : null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [detailsOpen, setDetailsOpen] = useState(true);
  // Customers typing right now: conversation id → until when (a lost "stopped" frame expires).
  const [typing, setTyping] = useState<Record<number, number>>({});
  const openRef = useRef<number | null>(null);
  openRef.current = state.openId;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  const toast = useCallback((text: string, kind: Toast['kind'] = 'error') => {
    const id = Math.random();
    setToasts((t) => [...t.slice(-2), { id, text, kind }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 5000);
  }, []);

  const fail = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError && e.status === 401) return;
      toast(messageOf(e));
    },
    [toast],
  );

  useEffect(() => {
    // Any 401 means the session is over.
    api.onUnauthorized = () => onSignedOut('Your session ended. Please sign in again.');
  }, [onSignedOut]);

  // ---- the list
  const loadList = useCallback(
    async (f: ConversationFilters, cursor?: string) => {
      setListLoading(true);
      setListError(null);
      try {
        const page = await api.listConversations({ ...f, limit: 200, ...(cursor ? { cursor } : {}) });
        setState((s) => upsertConversations(s, page.items));
        setSearchIds((ids) => (cursor ? [...ids, ...page.items.map((c) => c.id)] : page.items.map((c) => c.id)));
        setNextCursor(page.nextCursor);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) setListError(messageOf(e));
      } finally {
        setListLoading(false);
      }
    },
    [],
  );

  useEffect(() => {
    void loadList(filters);
  }, [filters, loadList]);

  const refreshSummary = useMemo(() => {
    let t: ReturnType<typeof setTimeout> | null = null;
    return (delay = 400) => {
      if (t) clearTimeout(t);
      t = setTimeout(() => {
        api.unreadSummary().then((s) => setState((st) => setSummary(st, s)), () => {});
      }, delay);
    };
  }, []);

  // ---- directory: people, labels, tags
  const loadDirectory = useCallback(() => {
    void Promise.all([api.users(), api.labels(), api.tags(), api.queues()]).then(
      ([users, labels, tags, queues]) =>
        setDir((d) => ({
          ...d,
          users: users.items,
          queues: queues.items,
          labels: labels.items,
          conversationTags: tags.items.filter((t) => t.kind === 'conversation'),
          customerTags: tags.items.filter((t) => t.kind === 'customer'),
        })),
      () => {},
    );
  }, []);
  useEffect(() => {
    refreshSummary(0);
    loadDirectory();
  }, [refreshSummary, loadDirectory]);
  const [page, setPage] = useState<'work' | 'admin' | 'reports'>(() =>
    me.role === 'agent' ? 'work' : window.location.pathname === '/admin' ? 'admin' : window.location.pathname === '/reports' ? 'reports' : 'work',
  );
  const showPage = (p: 'work' | 'admin' | 'reports') => {
    setPage(p);
    const path = p === 'admin' ? '/admin' : p === 'reports' ? '/reports' : state.openId !== null ? `/conversations/${state.openId}` : '/';
    if (window.location.pathname !== path) window.history.pushState({}, '', path);
  };

  // ---- opening a conversation
  const markReadSoon = useMemo(() => {
    let t: ReturnType<typeof setTimeout> | null = null;
    return (id: number) => {
      if (t) clearTimeout(t);
      t = setTimeout(() => {
        if (openRef.current === id && document.visibilityState !== 'hidden') api.markRead(id).catch(() => {});
      }, 300);
    };
  }, []);

  const open = useCallback(
    (id: number | null, push = true) => {
      setState((s) => openConversation(s, id));
      if (push) {
        const path = id === null ? '/' : `/conversations/${id}`;
        if (window.location.pathname !== path) window.history.pushState({}, '', path);
      }
      if (id === null) return;
      api.markRead(id).then(() => refreshSummary(), () => {});
      api.conversation(id).then(
        (c) => setState((s) => upsertConversations(s, [{ ...c, unreadCount: 0, markedUnread: false }])),
        (e) => {
          if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
            toast('That conversation is not available to you.');
            setState((s) => (s.openId === id ? openConversation(s, null) : s));
            if (window.location.pathname !== '/') window.history.replaceState({}, '', '/');
          }
        },
      );
      api.messages(id, { limit: 50 }).then((page) => setState((s) => loadMessages(s, id, page)), () => {});
    },
    [refreshSummary, toast],
  );

  useEffect(() => {
    const initial = idFromPath();
    if (initial !== null) open(initial, false);
    const onPop = () => open(idFromPath(), false);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [open]);

  // The open conversation was taken away (revoked or deleted): leave its address too.
  const wasOpen = useRef<number | null>(null);
  useEffect(() => {
    if (state.openId === null && wasOpen.current !== null && idFromPath() === wasOpen.current) window.history.replaceState({}, '', '/');
    wasOpen.current = state.openId;
  }, [state.openId]);

  // Contact of the open conversation, for the right panel.
  const openConv = state.openId !== null ? state.conversations[state.openId] : undefined;
  const contactId = openConv?.contact?.id ?? null;
  useEffect(() => {
    if (contactId === null) return;
    api.contact(contactId).then((c) => setState((s) => setContact(s, c)), () => {});
  }, [contactId]);

  // ---- notifications: new offers and customer messages (sound, browser notification, toast)
  const [notifyPermission, setNotifyPermission] = useState<Permission>(permission);
  useEffect(() => watchPermission(setNotifyPermission), []);
  const stateRef = useRef(state);
  stateRef.current = state;
  const openRefFn = useRef<(id: number) => void>(() => {});
  // The header's notification centre keeps this session's alerts (newest first, at most 50).
  const [notices, setNotices] = useState<Notice[]>([]);
  const [seenNotice, setSeenNotice] = useState(0);
  const noticeSeq = useRef(0);
  const remember = useCallback((n: Omit<Notice, 'id' | 'at'>) => {
    const id = ++noticeSeq.current;
    setNotices((all) => [{ ...n, id, at: Date.now() }, ...all].slice(0, 50));
  }, []);
  const markNoticesSeen = useCallback(() => setSeenNotice(noticeSeq.current), []);
  const alertFor = useCallback(
    (frame: DataFrame) => {
      if (frame.type === 'offer.created') {
        const d = frame.data;
        if (d.offer.userId !== me.id) return;
        const who = d.conversation?.contact?.name ?? `Conversation #${d.offer.conversationId}`;
        chime();
        toast(`New offer: ${who}`, 'info');
        const text = d.conversation?.lastMessage?.body || stateRef.current.conversations[d.offer.conversationId]?.lastMessage?.body || 'Accept or decline it in Switchboard.';
        notify(`New conversation offered: ${who}`, text, `offer-${d.offer.conversationId}`);
        remember({ kind: 'offer', title: `New offer: ${who}`, body: text, conversationId: d.offer.conversationId });
      } else if (frame.type === 'message.created') {
        const { message: m, conversation: patch } = frame.data;
        if (m.senderKind !== 'customer') return;
        const looking = m.conversationId === openRef.current && document.visibilityState === 'visible';
        if (looking) return;
        const c = stateRef.current.conversations[m.conversationId];
        // Only for this agent's own conversations; new ones arrive as offers (their own alert).
        // The frame says who is in charge, so this never waits on a fetch of the conversation.
        if ((patch?.assigneeId !== undefined ? patch.assigneeId : c?.assigneeId) !== me.id) return;
        const who = c?.contact?.name ?? 'A customer';
        chime();
        toast(`${who}: ${m.body.slice(0, 80)}`, 'info');
        notify(who, m.body || 'Sent an attachment', `conversation-${m.conversationId}`, () => openRefFn.current(m.conversationId));
        remember({ kind: 'message', title: who, body: m.body || 'Sent an attachment', conversationId: m.conversationId });
      }
    },
    [me.id, toast, remember],
  );
  const alertRef = useRef(alertFor);
  alertRef.current = alertFor;
  openRefFn.current = (id) => open(id);
  // Seed 000: assign and discuss requests live in their own feature folder (discuss/).
  const discussDeps = useMemo(() => ({ me, toast, fail, remember, openConversation: (id: number) => openRefFn.current(id) }), [me, toast, fail, remember]);
  const discuss = useDiscussRoot(discussDeps);
  const discussRef = useRef(discuss);
  discussRef.current = discuss;

  // ---- the stream
  const refetchAll = useCallback(() => {
    void loadList(filtersRef.current);
    refreshSummary(0);
    const id = openRef.current;
    if (id !== null) api.messages(id, { limit: 50 }).then((page) => setState((s) => loadMessages(s, id, page)), () => {});
  }, [loadList, refreshSummary]);

  useEffect(() => {
    let connectedOnce = false;
    // Between a (re)connect and its 'ready', frames are replays of what was missed.
    let caughtUp = false;
    const stream = new StreamClient({
      url: streamUrl(window.location),
      onFrame: (frame: ServerFrame) => {
        setState((s) => applyEvent(s, frame));
        if ('data' in frame) {
          routingRef.current.onFrame(frame);
          discussRef.current.onFrame(frame, connectedOnce);
          reportFrames.dispatch(frame);
          // Only live frames ring, not a replay after reconnecting.
          if (connectedOnce) alertRef.current(frame);
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
          loadDirectory();
          refetchAll();
          if (frame.data.kind === 'user') routingRef.current.reload();
        }
        if (frame.type === 'typing.updated') {
          const d = frame.data;
          // A frame replayed after a reconnect (before 'ready') says nothing about now.
          if (d.who === 'customer' && caughtUp) {
            setTyping((t) => (d.typing ? { ...t, [d.conversationId]: Date.now() + TYPING_FOR_MS } : withoutKey(t, d.conversationId)));
          }
        }
        if (frame.type === 'message.created') {
          const m = frame.data.message;
          if (m.senderKind === 'customer' && m.conversationId === openRef.current) markReadSoon(m.conversationId);
          if (m.senderKind === 'customer') setTyping((t) => withoutKey(t, m.conversationId));
        }
        if (frame.type === 'message.created' || frame.type === 'unread.updated' || frame.type.startsWith('conversation.')) refreshSummary();
        if (frame.type.startsWith('conversation.') || frame.type.startsWith('offer.')) pickRefresh.current();
      },
      onResync: () => {
        routingRef.current.reload();
        if (connectedOnce) refetchAll();
      },
      onStatus: (st) => {
        if (st !== 'live') caughtUp = false;
        setStatus(st);
        if (st === 'unauthorized') onSignedOut('Your session ended. Please sign in again.');
      },
    });
    stream.start();
    return () => stream.stop();
  }, [markReadSoon, refetchAll, refreshSummary, onSignedOut, loadDirectory]);

  // Conversations a frame mentioned but we do not hold: fetch them once.
  const fetching = useRef(new Set<number>());
  useEffect(() => {
    for (const id of state.missing) {
      if (fetching.current.has(id)) continue;
      fetching.current.add(id);
      api
        .conversation(id)
        .then(
          (c) => setState((s) => upsertConversations(s, [c])),
          () => setState((s) => ({ ...s, missing: s.missing.filter((x) => x !== id) })),
        )
        .finally(() => fetching.current.delete(id));
    }
  }, [state.missing]);

  // Esc closes the conversation detail (dialogs handle their own Esc first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (document.querySelector('[role="dialog"]')) return;
      if (openRef.current !== null) {
        const id = openRef.current;
        open(null);
        requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-conversation-id="${id}"]`)?.focus());
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  // `?` opens the cheat sheet (not while typing).
  const [cheatSheet, setCheatSheet] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (document.querySelector('[role="dialog"]')) return;
      e.preventDefault();
      setCheatSheet(true);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // ---- what the list shows: live matches from everything held, or the server's search results
  const items = useMemo(() => {
    // Search, customer-tag and bot filters are answered by the server; the rest filters what we hold, live.
    if (filters.q || filters.customerTagId?.length || filters.noCustomerTags || filters.pinnedCustomerTags || filters.bot !== undefined) return searchIds.map((id) => state.conversations[id]).filter((c): c is NonNullable<typeof c> => Boolean(c));
    return Object.values(state.conversations)
      .filter((c) => matchesFilters(c, filters, me.id))
      .sort(filters.sort === 'processing_order' ? byProcessingOrder : byActivity);
  }, [filters, searchIds, state.conversations, me.id]);

  // ---- the pick list tab (seed 001): waiting conversations of my queues, from /routing/pick-list
  const canPick = dir.queues.some((q) => q.routingMode === 'pick_list' && q.memberIds.includes(me.id));
  const [pickOpen, setPickOpen] = useState(false);
  const [pickIds, setPickIds] = useState<number[]>([]);
  const [pickLoading, setPickLoading] = useState(false);
  const loadPickList = useCallback(() => {
    setPickLoading(true);
    api
      .pickList()
      .then((page) => {
        setState((s) => upsertConversations(s, page.items));
        setPickIds(page.items.map((c) => c.id));
      }, fail)
      .finally(() => setPickLoading(false));
  }, [fail]);
  useEffect(() => {
    if (pickOpen && canPick) loadPickList();
  }, [pickOpen, canPick, loadPickList]);
  const pickRefresh = useRef<() => void>(() => {});
  pickRefresh.current = useMemo(() => {
    let t: ReturnType<typeof setTimeout> | null = null;
    return () => {
      if (!pickOpen) return;
      if (t) clearTimeout(t);
      t = setTimeout(loadPickList, 300);
    };
  }, [pickOpen, loadPickList]);
  // Picked by someone else (or by me) leaves the list at once; new arrivals come with the refetch.
  const pickItems = useMemo(
    () => pickIds.map((id) => state.conversations[id]).filter((c): c is NonNullable<typeof c> => Boolean(c) && c!.status === 'queued' && c!.assigneeId === null),
    [pickIds, state.conversations],
  );

  async function signOut() {
    try {
      await api.logout();
    } catch {
      // Signed out either way.
    }
    onSignedOut();
  }

  const total = state.summary?.conversations ?? 0;
  const liveDir = useMemo(() => ({ ...dir, agents: routing.agents }), [dir, routing.agents]);

  return (
    <DiscussContext.Provider value={discuss}>
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            <svg viewBox="0 0 32 32" width="26" height="26">
              <rect width="32" height="32" rx="8" fill="currentColor" />
              <path d="M9 11h14M9 16h9M9 21h12" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
            </svg>
          </span>
          <span>Switchboard</span>
        </div>
        <div className="topbar-unread" data-testid="total-unread" aria-live="polite" title={unreadScope(me.role)}>
          {total > 0 ? (
            <>
              <Badge count={total} label={`${total} unread conversations`} />
              <span className="muted">unread</span>
            </>
          ) : (
            <span className="muted">All caught up</span>
          )}
        </div>
        <div className="spacer" />
        <span className={`conn conn-${status}`} role="status" title={status === 'live' ? 'Live updates on' : 'Reconnecting…'}>
          <span className="conn-dot" aria-hidden="true" />
          {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}
        </span>
        {me.role !== 'agent' && (
          <button className="btn ghost" aria-pressed={page === 'reports'} onClick={() => showPage(page === 'reports' ? 'work' : 'reports')}>
            {page === 'reports' ? 'Back to conversations' : 'Reports'}
          </button>
        )}
        {me.role !== 'agent' && (
          <button className="btn ghost" aria-pressed={page === 'admin'} onClick={() => showPage(page === 'admin' ? 'work' : 'admin')}>
            {page === 'admin' ? 'Back to conversations' : me.role === 'admin' ? 'Admin' : 'Agents'}
          </button>
        )}
        <NotificationCentre
          notices={notices}
          seen={seenNotice}
          onSeen={markNoticesSeen}
          onOpen={(id) => {
            showPage('work');
            open(id);
          }}
          onClear={() => setNotices([])}
        />
        {notifyPermission === 'default' && (
          <button className="btn ghost" onClick={() => void askPermission().then(setNotifyPermission)} title="Get a notification and a sound for new offers and messages">
            Enable notifications
          </button>
        )}
        <StatusSwitch routing={routing} fail={fail} />
        <button className="btn ghost" onClick={() => setChoosing('later')} disabled={!routing.presence}>
          Queues{routing.presence ? ` (${routing.presence.servingQueueIds.length})` : ''}
        </button>
        <span className="me">
          <span className="me-name">{me.name}</span>
          <span className="muted me-role">{me.role}</span>
        </span>
        <button className="btn ghost" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {page === 'admin' && <Admin dir={liveDir} reloadDirectory={loadDirectory} fail={fail} toast={toast} />}
      {page === 'reports' && (
        <Suspense fallback={<div className="splash" role="status">Loading reports…</div>}>
          <Reports
            toast={toast}
            onDrill={(f) => {
              setFilters(f);
              showPage('work');
            }}
          />
        </Suspense>
      )}
      <main hidden={page !== 'work'} className={`panels ${detailsOpen && openConv ? 'with-details' : ''}`}>
        <ConversationList
          items={items}
          unread={state.unread}
          filters={filters}
          setFilters={setFilters}
          openId={state.openId}
          onOpen={(id) => open(id)}
          loading={listLoading}
          error={listError}
          hasMore={Boolean(nextCursor) }
          onMore={() => nextCursor && void loadList(filters, nextCursor)}
          dir={dir}
          pick={{
            available: canPick,
            open: pickOpen,
            setOpen: setPickOpen,
            items: pickItems,
            loading: pickLoading,
            onPick: async (id) => {
              try {
                await api.pick(id);
                const c = await api.conversation(id);
                setState((s) => upsertConversations(s, [c]));
                setPickOpen(false);
                setFilters((f) => ({ ...f, view: 'mine' }));
                open(id);
                toast('The conversation is yours.', 'info');
              } catch (e) {
                fail(e);
                loadPickList();
              }
            },
          }}
          onAddLabel={async (c, labelId) => {
            try {
              const held = stateRef.current.conversations[c.id] ?? c;
              const updated = await api.updateConversation(c.id, { labelIds: [...held.labels.map((l) => l.id), labelId] });
              setState((s) => upsertConversations(s, [updated]));
              toast(`Label “${updated.labels.find((l) => l.id === labelId)?.name ?? 'label'}” added.`, 'info');
            } catch (e) {
              fail(e);
            }
          }}
          onDelete={
            me.role === 'admin'
              ? async (ids) => {
                  try {
                    const r = await api.deleteConversations(ids);
                    setState((s) => ({ ...s, conversations: Object.fromEntries(Object.entries(s.conversations).filter(([k]) => !ids.includes(Number(k)))) }));
                    if (state.openId !== null && ids.includes(state.openId)) open(null);
                    toast(`${r.deleted} deleted.`, 'info');
                  } catch (e) {
                    fail(e);
                  }
                }
              : undefined
          }
          above={
            (filters.view ?? 'all') !== 'mine' ? (
              <OfferCards
                routing={routing}
                held={state.conversations}
                fail={fail}
                onAccepted={(id) => {
                  setFilters((f) => ({ ...f, view: 'mine' }));
                  open(id);
                }}
              />
            ) : null
          }
        />
        {openConv ? (
          <Thread
            key={openConv.id}
            conversation={openConv}
            contact={contactId !== null ? state.contacts[contactId] : undefined}
            thread={state.messages[openConv.id]}
            customerTypingUntil={typing[openConv.id]}
            update={update}
            dir={liveDir}
            fail={fail}
            toast={toast}
            detailsOpen={detailsOpen}
            toggleDetails={() => setDetailsOpen((v) => !v)}
            onClosed={() => open(null)}
          />
        ) : (
          <section className="thread empty" aria-label="Conversation">
            <div className="empty-state">
              <svg width="56" height="56" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.4" aria-hidden="true">
                <path d="M4 5h16v11H8l-4 4z" strokeLinejoin="round" />
              </svg>
              <p>{state.openId !== null ? 'Loading conversation…' : 'Pick a conversation from the list.'}</p>
            </div>
          </section>
        )}
        {openConv && detailsOpen && <Details conversation={openConv} contact={contactId !== null ? state.contacts[contactId] : undefined} update={update} dir={liveDir} fail={fail} messages={state.messages[openConv.id]?.items} />}
      </main>
      {choosing && routing.presence && dir.users.length > 0 && (choosing === 'later' || routing.presence.queueIds.length > 0) && (
        <QueueChooser routing={routing} queues={dir.queues} startOfDay={choosing === 'start'} onClose={() => setChoosing(null)} fail={fail} />
      )}
      {cheatSheet && (
        <Modal
          title="Keyboard shortcuts"
          onClose={() => setCheatSheet(false)}
          footer={
            <button className="btn" onClick={() => setCheatSheet(false)}>
              Close
            </button>
          }
        >
          <table className="shortcuts">
            <tbody>
              {SHORTCUTS.map(([keys, what]) => (
                <tr key={what}>
                  <td>
                    {keys.split(' / ').map((k, i) => (
                      <span key={k}>
                        {i > 0 && ' or '}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </td>
                  <td>{what}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Modal>
      )}
      <div className="toasts" aria-live="assertive">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
            {t.text}
          </div>
        ))}
      </div>
      <DiscussDock />
    </div>
    </DiscussContext.Provider>
  );
}

/** What the header's unread figure counts: every unresolved conversation the user can see. */
function unreadScope(role: string): string {
  if (role === 'admin') return 'Unread conversations in every queue, assigned or not';
  if (role === 'supervisor') return 'Unread conversations in your queues, assigned or not, and those you were invited to';
  return 'Unread conversations assigned to you, waiting in your queues, or that you were invited to';
}
