import { Suspense } from 'react';
import { fail, toast } from '../stores/notifications.ts';
import { reloadDirectory } from '../stores/users.ts';
import { ProfilePage } from './index.ts';

/** The profile page as the router shows it (`/profile`); a new name or picture refreshes the directory. */
export function ProfileRoute() {
  return (
    <Suspense fallback={<div className="splash" role="status">Loading your profile…</div>}>
      <ProfilePage fail={fail} toast={toast} onRenamed={reloadDirectory} />
    </Suspense>
  );
}
