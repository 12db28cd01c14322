import { Suspense } from 'react';
import { useDirectory } from '../stores/directory.ts';
import { reloadDirectory } from '../stores/users.ts';
import { fail, toast } from '../stores/notifications.ts';
import { Admin } from './index.ts';

/** The admin screen as the router shows it (`/admin/:section`); Admin itself is a lazy chunk (index.ts). */
export function AdminScreen({ section }: { section?: string }) {
  const dir = useDirectory();
  return (
    <Suspense fallback={<div className="splash" role="status">Loading admin…</div>}>
      <Admin dir={dir} section={section} reloadDirectory={reloadDirectory} fail={fail} toast={toast} />
    </Suspense>
  );
}
