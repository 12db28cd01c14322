import { Suspense } from 'react';
import { fail, toast } from '../stores/notifications.ts';
import { Tickets } from './index.ts';

/** The Tickets screen as the router shows it (`/tickets`, `/tickets/12`, `/tickets/sessions`). */
export function TicketsRoute() {
  return (
    <Suspense fallback={<div className="splash" role="status">Loading tickets…</div>}>
      <Tickets fail={fail} toast={toast} />
    </Suspense>
  );
}
