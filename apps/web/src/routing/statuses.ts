import type { AgentStatus } from '@switchboard/client';

/** The statuses an agent switches between in the header (offline is what signing out means). */
export const STATUSES: Array<{ value: AgentStatus; label: string }> = [
  { value: 'available', label: 'Available' },
  { value: 'busy', label: 'Busy' },
  { value: 'do_not_respond', label: 'Do not respond' },
  { value: 'away', label: 'Away' },
];
export const STATUS_LABEL: Record<AgentStatus, string> = { available: 'Available', busy: 'Busy', do_not_respond: 'Do not respond', away: 'Away', offline: 'Offline' };
