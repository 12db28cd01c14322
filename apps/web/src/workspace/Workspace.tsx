import { useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api.ts';
import { refreshSummary } from '../stores/conversations.ts';
import { fail, remember, toast } from '../stores/notifications.ts';
import { reloadRouting, usePresence } from '../stores/offers.ts';
import { useAbilities, useMe } from '../stores/settings.ts';
import { reloadDirectory, useUsers } from '../stores/users.ts';
import { WORKSPACE_ACTIONS, type WorkspaceContext } from '../actions/workspace.ts';
import { useShortcuts } from '../actions/useShortcuts.ts';
import { screenAt } from '../router/routes.tsx';
import { useLocation } from '../router/router.ts';
import { currentWorkFilters, openConversationAt, rememberWork, useWorkRoute } from '../router/workRoute.ts';
import { Header } from '../header/Header.tsx';
import { CheatSheet } from '../header/CheatSheet.tsx';
import { QueueChooser } from '../routing/QueueChooser.tsx';
import { OfferDock } from '../routing/OfferDock.tsx';
import { DiscussContext, DiscussDock, useDiscussRoot } from '../discuss/index.ts';
import { listenFrames, startStream } from './streamRouter.ts';
import { Panels } from './Panels.tsx';
import { Toasts } from './Toasts.tsx';
import { loadPreferences } from '../profile/index.ts';

/**
 * The signed-in page: starts the one stream and the first loads, and lays out the header, the screen
 * the address names (router/routes.tsx) or the conversations, and the dialogs of the whole workspace.
 * State lives in stores/; this component holds only what is open on top.
 */
export function Workspace({ onSignedOut, startOfDay = false }: { onSignedOut: (notice?: string) => void; startOfDay?: boolean }) {
  const me = useMe();
  const abilities = useAbilities();
  const location = useLocation();
  const route = useWorkRoute();
  const screen = screenAt(location.pathname, { me, abilities });
  useEffect(() => rememberWork(location), [location]);

  const onSignedOutRef = useRef(onSignedOut);
  onSignedOutRef.current = onSignedOut;
  // Seed 000: assign and discuss requests live in their own feature folder (discuss/).
  const discussDeps = useMemo(() => ({ me, toast, fail, remember, openConversation: (id: number) => openConversationAt(id) }), [me]);
  const discuss = useDiscussRoot(discussDeps);
  const discussRef = useRef(discuss);
  discussRef.current = discuss;

  useEffect(() => {
    // Any 401 means the session is over.
    const ended = () => onSignedOutRef.current('Your session ended. Please sign in again.');
    api.onUnauthorized = ended;
    refreshSummary(0);
    reloadDirectory();
    reloadRouting();
    loadPreferences();
    const off = listenFrames((frame, live) => discussRef.current.onFrame(frame, live));
    const stop = startStream({ meId: me.id, onUnauthorized: ended });
    return () => {
      off();
      stop();
    };
  }, [me.id]);

  const [choosing, setChoosing] = useState<'start' | 'later' | null>(startOfDay ? 'start' : null);
  const [cheatSheet, setCheatSheet] = useState(false);
  const presence = usePresence();
  const users = useUsers();

  const ctx: WorkspaceContext = {
    openId: screen ? null : route.openId,
    closeConversation: () => {
      const id = route.openId;
      openConversationAt(null);
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-conversation-id="${id}"]`)?.focus());
    },
    showCheatSheet: () => setCheatSheet(true),
  };
  useShortcuts(WORKSPACE_ACTIONS, ctx);

  return (
    <DiscussContext.Provider value={discuss}>
      <div className="app">
        <Header onChooseQueues={() => setChoosing('later')} onSignOut={() => onSignedOut()} onShowShortcuts={() => setCheatSheet(true)} />
        {screen?.screen.render(screen.params)}
        <Panels route={route} hidden={screen !== null} />
        {choosing && presence && users.length > 0 && (choosing === 'later' || presence.queueIds.length > 0) && (
          <QueueChooser startOfDay={choosing === 'start'} onClose={() => setChoosing(null)} />
        )}
        {cheatSheet && <CheatSheet onClose={() => setCheatSheet(false)} />}
        {/* Over every screen, so no offer expires unseen; an accepted one opens in Mine. */}
        <OfferDock onAccepted={(id) => openConversationAt(id, { filters: { ...currentWorkFilters(), view: 'mine' } })} />
        <Toasts />
        <DiscussDock />
      </div>
    </DiscussContext.Provider>
  );
}
