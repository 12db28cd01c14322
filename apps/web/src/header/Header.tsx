import { useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { Badge, LineIcon } from '../ui.tsx';
import { useSummary } from '../stores/conversations.ts';
import { clearNotices, markNoticesSeen, useNotices, useSeenNotice } from '../stores/notifications.ts';
import { usePresence } from '../stores/offers.ts';
import { useAbilities, useMe } from '../stores/settings.ts';
import { useStreamStatus } from '../workspace/streamRouter.ts';
import { askPermission, permission, watchPermission, type Permission } from '../workspace/notify.ts';
import { SCREENS, screenAt, screenPath } from '../router/routes.tsx';
import { navigate, useLocation } from '../router/router.ts';
import { lastWorkUrl, openConversationAt } from '../router/workRoute.ts';
import { StatusSwitch } from '../routing/StatusSwitch.tsx';
import { NotificationCentre } from './NotificationCentre.tsx';
import { ShortcutsButton } from '../shortcuts/ShortcutsButton.tsx';
import { MeButton } from '../profile/MeButton.tsx';

/** The top bar: the unread total, the live status, the screens, alerts, my status and queues, sign-out. */
export function Header({ onChooseQueues, onSignOut, onShowShortcuts }: { onChooseQueues: () => void; onSignOut: () => void; onShowShortcuts: () => void }) {
  const me = useMe();
  const abilities = useAbilities();
  const summary = useSummary();
  const status = useStreamStatus();
  const presence = usePresence();
  const notices = useNotices();
  const seen = useSeenNotice();
  const location = useLocation();
  const [notifyPermission, setNotifyPermission] = useState<Permission>(permission);
  useEffect(() => watchPermission(setNotifyPermission), []);
  const ctx = { me, abilities };
  const current = screenAt(location.pathname, ctx)?.screen;
  const total = summary?.conversations ?? 0;
  // Below 1024 px the screens, queues, shortcuts, profile and sign-out fold into one Menu (styles.css).
  const [menu, setMenu] = useState(false);
  const more = useRef<HTMLDivElement>(null);
  useEffect(() => setMenu(false), [location]);
  useEffect(() => {
    if (!menu) return;
    const onDown = (e: MouseEvent) => {
      if (!more.current?.parentElement?.contains(e.target as Node)) setMenu(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      setMenu(false);
      document.getElementById('topbar-menu')?.focus();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey, true);
    more.current?.querySelector<HTMLElement>('button')?.focus();
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [menu]);

  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <svg viewBox="0 0 32 32" width="26" height="26">
            <rect width="32" height="32" rx="8" fill="currentColor" />
            <path d="M9 11h14M9 16h9M9 21h12" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
          </svg>
        </span>
        <span className="brand-name">Switchboard</span>
      </div>
      <div className="topbar-unread" data-testid="total-unread" aria-live="polite" title={unreadScope(me.role)}>
        {total > 0 ? (
          <>
            <Badge count={total} label={`${total} unread conversations`} />
            <span className="muted topbar-label">unread</span>
          </>
        ) : (
          <span className="muted">All caught up</span>
        )}
      </div>
      <div className="spacer" />
      <span className={`conn conn-${status}`} role="status" title={status === 'live' ? 'Live updates on' : 'Reconnecting…'}>
        <span className="conn-dot" aria-hidden="true" />
        <span className="conn-label">{status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}</span>
      </span>
      <NotificationCentre notices={notices} seen={seen} onSeen={markNoticesSeen} onOpen={(id) => openConversationAt(id)} onClear={clearNotices} />
      <StatusSwitch />
      <button id="topbar-menu" className="btn ghost topbar-menu-btn" aria-expanded={menu} aria-controls="topbar-more" onClick={() => setMenu((m) => !m)}>
        Menu
      </button>
      <div ref={more} id="topbar-more" className={`topbar-more${menu ? ' open' : ''}`}>
        {SCREENS.filter((s) => s.allowed(ctx) && s.inHeader !== false).map((s) => {
          const on = current === s;
          return (
            <button key={s.name} className="btn ghost" aria-pressed={on} aria-label={on ? 'Back to conversations' : undefined} onClick={() => navigate(on ? lastWorkUrl() : screenPath(s))}>
              {on ? (
                <>
                  <span aria-hidden="true">←</span> <span className="topbar-long">Back to conversations</span>
                  <span className="topbar-short">Conversations</span>
                </>
              ) : (
                s.label(ctx)
              )}
            </button>
          );
        })}
        {notifyPermission === 'default' && (
          <button className="btn ghost" onClick={() => void askPermission().then(setNotifyPermission)} title="Get a notification and a sound for new offers and messages">
            <LineIcon name="bell" size={16} /> <span className="topbar-label">Enable notifications</span>
          </button>
        )}
        <button className="btn ghost" onClick={onChooseQueues} disabled={!presence}>
          Queues{presence ? ` (${presence.servingQueueIds.length})` : ''}
        </button>
        <ShortcutsButton onClick={onShowShortcuts} />
        <MeButton me={me} onProfile={current?.name === 'profile'} />
        <button className="btn ghost" onClick={() => void signOutThen(onSignOut)}>
          Sign out
        </button>
      </div>
    </header>
  );
}

async function signOutThen(done: () => void) {
  try {
    await api.logout();
  } catch {
    // Signed out either way.
  }
  done();
}

/** What the header's unread figure counts: every unresolved conversation the user can see. */
function unreadScope(role: string): string {
  if (role === 'admin') return 'Unread conversations in every queue, assigned or not';
  if (role === 'supervisor') return 'Unread conversations in your queues, assigned or not, and those you were invited to';
  return 'Unread conversations assigned to you, waiting in your queues, or that you were invited to';
}
