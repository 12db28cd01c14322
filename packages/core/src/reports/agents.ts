import { AGENT_STATUSES, type AgentStatus as ReportAgentStatus } from '../routing/agents.ts';

/** One stretch of time an agent spent in one status; `endedAt` null while it lasts. */
export interface StatusInterval {
  userId: number;
  status: string;
  startedAt: number;
  endedAt: number | null;
}

export interface AgentTime {
  /** Milliseconds per status within the range. */
  byStatus: Record<ReportAgentStatus, number>;
  /** Available or busy: the time the agent could carry conversations. */
  workingMs: number;
}

/** Time per status within [from, to), an open interval lasting until `now`. */
export function agentStatusTime(intervals: readonly StatusInterval[], from: number, to: number, now: number): AgentTime {
  const byStatus = Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<ReportAgentStatus, number>;
  const end = Math.min(to, now);
  for (const i of intervals) {
    const a = Math.max(i.startedAt, from);
    const b = Math.min(i.endedAt ?? now, end);
    if (b <= a) continue;
    const s = (AGENT_STATUSES as readonly string[]).includes(i.status) ? (i.status as ReportAgentStatus) : 'offline';
    byStatus[s] += b - a;
  }
  return { byStatus, workingMs: byStatus.available + byStatus.busy };
}

/**
 * Occupancy against capacity: the conversation time an agent carried over what their places could
 * have carried while working (capacity × working time). 1 means every place was full all along.
 */
export function occupancy(handleMs: number, capacity: number, workingMs: number): number | null {
  if (capacity <= 0 || workingMs <= 0) return null;
  return handleMs / (capacity * workingMs);
}
