import { useCallback, useEffect, useState } from 'react';
import { ApiError, type Me } from '@switchboard/client';
import { api } from './api.ts';
import { SignIn } from './SignIn.tsx';
import { Workspace } from './workspace/Workspace.tsx';
import { resetStores } from './stores/store.ts';
import { settings, signedIn } from './stores/settings.ts';

type Boot = { phase: 'loading' } | { phase: 'signed-out'; notice?: string } | { phase: 'signed-in'; fresh?: boolean } | { phase: 'offline' };

export function App() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });
  const enter = useCallback((me: Me, fresh?: boolean) => {
    // The next user starts with nothing of the last one's (the same user checked twice keeps all).
    if (settings.get().me?.id !== me.user.id) resetStores();
    signedIn(me);
    setBoot({ phase: 'signed-in', fresh });
  }, []);

  const check = useCallback(() => {
    api
      .session()
      .then((me) => (me ? enter(me) : setBoot({ phase: 'signed-out' })))
      .catch((e) => setBoot(e instanceof ApiError && e.status === 0 ? { phase: 'offline' } : { phase: 'signed-out' }));
  }, [enter]);

  useEffect(check, [check]);

  if (boot.phase === 'loading') {
    return (
      <div className="splash" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" /> Loading Switchboard…
      </div>
    );
  }
  if (boot.phase === 'offline') {
    return (
      <div className="splash" role="alert">
        <p>Cannot reach the server.</p>
        <button className="btn primary" onClick={check}>
          Try again
        </button>
      </div>
    );
  }
  if (boot.phase === 'signed-out') return <SignIn notice={boot.notice} onSignedIn={(me) => enter(me, true)} />;
  return (
    <Workspace
      startOfDay={Boolean(boot.fresh)}
      onSignedOut={(notice) => {
        api.csrfToken = null;
        setBoot({ phase: 'signed-out', notice });
      }}
    />
  );
}
