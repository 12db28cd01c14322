import { Suspense } from 'react';
import { toast } from '../stores/notifications.ts';
import { openConversationAt } from '../router/workRoute.ts';
import { workspace } from '../stores/conversations.ts';
import { Reports } from './index.ts';

/** The Reports screen as the router shows it (`/reports`); a drill-down opens the list filtered. */
export function ReportsRoute() {
  return (
    <Suspense fallback={<div className="splash" role="status">Loading reports…</div>}>
      <Reports toast={toast} onDrill={(f) => openConversationAt(workspace.get().openId, { filters: f })} />
    </Suspense>
  );
}
