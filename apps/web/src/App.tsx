import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '@switchboard/client';
import type { User } from './types.ts';
import { api } from './api.ts';
import { SignIn } from './SignIn.tsx';
import { Workspace } from './Workspace.tsx';

type Boot = { phase: 'loading' } | { phase: 'signed-out'; notice?: string } | { phase: 'signed-in'; user: User; fresh?: boolean } | { phase: 'offline' };

export function App() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });

  const check = useCallback(() => {
    api
      .session()
      .then((me) => setBoot(me ? { phase: 'signed-in', user: me.user } : { phase: 'signed-out' }))
      .catch((e) => setBoot(e instanceof ApiError && e.status === 0 ? { phase: 'offline' } : { phase: 'signed-out' }));
  }, []);

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
  if (boot.phase === 'signed-out') return <SignIn notice={boot.notice} onSignedIn={(user) => setBoot({ phase: 'signed-in', user, fresh: true })} />;
  return (
    <Workspace
      me={boot.user}
      startOfDay={Boolean(boot.fresh)}
      onSignedOut={(notice) => {
        api.csrfToken = null;
        setBoot({ phase: 'signed-out', notice });
      }}
    />
  );
}
