import type { AgentStatus } from '@switchboard/client';
import { api } from '../api.ts';
import { setPresence, usePresence } from '../stores/offers.ts';
import { fail } from '../stores/notifications.ts';
import { STATUSES } from './statuses.ts';

/** The header's status switch (seed 001: only available agents are offered conversations). */
export function StatusSwitch() {
  const presence = usePresence();
  const status = presence?.status ?? 'offline';
  return (
    <label className={`status-switch st-${status}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="sr-only">My status</span>
      <select
        aria-label="My status"
        value={status}
        onChange={(e) => {
          api.setStatus(e.target.value as AgentStatus).then((r) => setPresence(r.presence), fail);
        }}
      >
        {status === 'offline' && <option value="offline">Offline</option>}
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
}
