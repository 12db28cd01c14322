import type { RoutingPolicy } from './policy.ts';

/** Seed 001/003 agent statuses. Only `available` agents get offers. */
export const AGENT_STATUSES = ['available', 'busy', 'do_not_respond', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** What routing needs to know about an agent, for one queue. */
export interface Candidate {
  id: number;
  status: AgentStatus;
  /** Member of the queue and serving it now (queues are chosen at login, seed 001). */
  serving: boolean;
  /** Effective capacity: the agent's own, or the queue's default. */
  capacity: number;
  /** Active and pending conversations assigned to the agent. */
  load: number;
  /** Offers the agent has not answered yet; they hold a place against capacity. */
  openOffers: number;
  /** An agent with a conversation in wrap-up gets no offers (seed 001). */
  inWrapUp: boolean;
  /** When the agent was last offered or given a conversation (round-robin order). */
  lastRoutedAt: number | null;
}

export type Ineligibility = 'not_serving_queue' | 'not_available' | 'in_wrap_up' | 'at_capacity';

/** Why an agent cannot be offered anything in this queue now, or null when they can. */
export function ineligibility(c: Candidate): Ineligibility | null {
  if (!c.serving) return 'not_serving_queue';
  if (c.status !== 'available') return 'not_available';
  if (c.inWrapUp) return 'in_wrap_up';
  if (c.load + c.openOffers >= c.capacity) return 'at_capacity';
  return null;
}

/** Who must not, or should preferably not, get this conversation. */
export interface Exclusions {
  /** Declined it (or transferred it away): never offered it again. */
  declined: ReadonlySet<number>;
  /** Let an offer of it time out, with when: tried again only when nobody else is free. */
  timedOut?: ReadonlyMap<number, number>;
  /** Seed 003 alert order: a chat raised from a ticket goes first to the ticket's agent. */
  preferredAgentId?: number | null;
}

const byRoundRobin = (a: Candidate, b: Candidate) => (a.lastRoutedAt ?? -Infinity) - (b.lastRoutedAt ?? -Infinity) || a.id - b.id;
const byLeastBusy = (a: Candidate, b: Candidate) => a.load + a.openOffers - (b.load + b.openOffers) || byRoundRobin(a, b);

/**
 * The next agent for a conversation: the preferred agent when eligible, else the next by the
 * queue's strategy among those who have not let it time out, else the one who let it time out
 * longest ago. Decliners never get it back. Null: nobody can take it now; it waits in the queue.
 */
export function chooseAgent(
  candidates: readonly Candidate[],
  policy: Pick<RoutingPolicy, 'strategy'>,
  excluded: Exclusions,
): Candidate | null {
  const eligible = candidates.filter((c) => ineligibility(c) === null && !excluded.declined.has(c.id));
  if (eligible.length === 0) return null;
  const timedOut = excluded.timedOut ?? new Map<number, number>();
  const preferred = eligible.find((c) => c.id === excluded.preferredAgentId);
  if (preferred && !timedOut.has(preferred.id)) return preferred;
  const fresh = eligible.filter((c) => !timedOut.has(c.id));
  if (fresh.length) return [...fresh].sort(policy.strategy === 'least_busy' ? byLeastBusy : byRoundRobin)[0]!;
  return [...eligible].sort((a, b) => timedOut.get(a.id)! - timedOut.get(b.id)! || a.id - b.id)[0]!;
}

export const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export interface WaitingConversation extends Exclusions {
  id: number;
  priority: string;
  /** When it started waiting (creation or requeue). */
  queuedAt: number;
}

/** Processing order of the waiting line: most urgent first, then first come, first served. */
export function waitingOrder(a: WaitingConversation, b: WaitingConversation): number {
  return (PRIORITY_RANK[a.priority] ?? 2) - (PRIORITY_RANK[b.priority] ?? 2) || a.queuedAt - b.queuedAt || a.id - b.id;
}

export interface PlannedOffer {
  conversationId: number;
  agentId: number;
  /** Auto-answer: assigned at once, no offer to accept. */
  assign: boolean;
}

/**
 * Matches a queue's waiting line with its free agents, in processing order, one agent per
 * conversation. Pure: the candidates passed in are not changed. Pick-list queues plan nothing.
 */
export function planOffers(
  waiting: readonly WaitingConversation[],
  candidates: readonly Candidate[],
  policy: Pick<RoutingPolicy, 'mode' | 'strategy'>,
  now: number,
): PlannedOffer[] {
  if (policy.mode === 'pick_list') return [];
  const pool = candidates.map((c) => ({ ...c }));
  const plan: PlannedOffer[] = [];
  for (const w of [...waiting].sort(waitingOrder)) {
    const chosen = chooseAgent(pool, policy, w);
    if (!chosen) {
      if (!pool.some((c) => ineligibility(c) === null)) break; // nobody free at all
      continue;
    }
    const assign = policy.mode === 'auto_answer';
    if (assign) chosen.load++;
    else chosen.openOffers++;
    chosen.lastRoutedAt = now;
    plan.push({ conversationId: w.id, agentId: chosen.id, assign });
  }
  return plan;
}
