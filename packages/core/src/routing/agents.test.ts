import { describe, expect, it } from 'vitest';
import { chooseAgent, ineligibility, planOffers, type Candidate, type Exclusions, type WaitingConversation } from './agents.ts';

const T = 1_000_000;
/** Agents after the seeds: Mark, Nina and Martha serve the queue. */
const agent = (id: number, over: Partial<Candidate> = {}): Candidate => ({
  id,
  status: 'available',
  serving: true,
  capacity: 3,
  load: 0,
  openOffers: 0,
  inWrapUp: false,
  lastRoutedAt: null,
  ...over,
});
const MARK = 1;
const NINA = 2;
const MARTHA = 3;
const none: Exclusions = { declined: new Set() };

describe('who may get an offer', () => {
  const rows: [string, Candidate, ReturnType<typeof ineligibility>][] = [
    ['an available agent with free capacity gets offers', agent(MARK), null],
    ['a busy agent gets no offers', agent(MARK, { status: 'busy' }), 'not_available'],
    ['an agent set to do-not-respond gets no offers (seed 003)', agent(MARK, { status: 'do_not_respond' }), 'not_available'],
    ['an away agent gets no offers', agent(MARK, { status: 'away' }), 'not_available'],
    ['an offline agent gets no offers', agent(MARK, { status: 'offline' }), 'not_available'],
    ['an agent in wrap-up gets no offers (seed 001)', agent(MARK, { inWrapUp: true }), 'in_wrap_up'],
    ['an agent at capacity gets no offers', agent(MARK, { load: 3 }), 'at_capacity'],
    ['open offers hold a place against capacity', agent(MARK, { load: 2, openOffers: 1 }), 'at_capacity'],
    ['an agent not serving the queue gets no offers (queues chosen at login)', agent(MARK, { serving: false }), 'not_serving_queue'],
  ];
  it.each(rows)('%s', (_t, c, why) => expect(ineligibility(c)).toBe(why));
});

describe('choosing the next agent', () => {
  const rows: [string, Candidate[], 'round_robin' | 'least_busy', Exclusions, number | null][] = [
    ['round-robin offers to the agent who waited longest since their last conversation', [agent(MARK, { lastRoutedAt: T }), agent(NINA, { lastRoutedAt: T - 10 }), agent(MARTHA, { lastRoutedAt: T - 5 })], 'round_robin', none, NINA],
    ['round-robin offers first to an agent who never had one', [agent(MARK, { lastRoutedAt: T }), agent(NINA)], 'round_robin', none, NINA],
    ['round-robin breaks ties by id', [agent(NINA), agent(MARK)], 'round_robin', none, MARK],
    ['least-busy offers to the agent with the fewest conversations', [agent(MARK, { load: 2 }), agent(NINA, { load: 1 }), agent(MARTHA, { load: 2, lastRoutedAt: 0 })], 'least_busy', none, NINA],
    ['least-busy counts open offers as load', [agent(MARK, { load: 1 }), agent(NINA, { openOffers: 2 })], 'least_busy', none, MARK],
    ['least-busy falls back to round-robin on a tie', [agent(MARK, { load: 1, lastRoutedAt: T }), agent(NINA, { load: 1, lastRoutedAt: T - 1 })], 'least_busy', none, NINA],
    ['skips agents who cannot take it', [agent(MARK, { status: 'busy' }), agent(NINA, { inWrapUp: true }), agent(MARTHA, { lastRoutedAt: T })], 'round_robin', none, MARTHA],
    ['never offers a conversation back to an agent who declined it', [agent(MARK), agent(NINA, { lastRoutedAt: T })], 'round_robin', { declined: new Set([MARK]) }, NINA],
    ['leaves the conversation waiting when only the decliner is free', [agent(MARK)], 'round_robin', { declined: new Set([MARK]) }, null],
    ['leaves the conversation waiting when nobody is free', [agent(MARK, { status: 'away' }), agent(NINA, { load: 3 })], 'round_robin', none, null],
    ['passes a timed-out offer to the next agent', [agent(MARK), agent(NINA, { lastRoutedAt: T })], 'round_robin', { declined: new Set(), timedOut: new Map([[MARK, T]]) }, NINA],
    ['comes back to an agent who let it time out when nobody else is free', [agent(MARK), agent(NINA, { status: 'busy' })], 'round_robin', { declined: new Set(), timedOut: new Map([[MARK, T]]) }, MARK],
    ['among agents who let it time out, the earliest gets it again', [agent(MARK), agent(NINA)], 'round_robin', { declined: new Set(), timedOut: new Map([[MARK, T], [NINA, T - 1]]) }, NINA],
    ['alerts the ticket’s agent first (seed 003)', [agent(MARK), agent(NINA, { lastRoutedAt: T })], 'round_robin', { declined: new Set(), preferredAgentId: NINA }, NINA],
    ['then everyone else, when the ticket’s agent declined', [agent(MARK, { lastRoutedAt: T }), agent(NINA)], 'round_robin', { declined: new Set([NINA]), preferredAgentId: NINA }, MARK],
    ['then everyone else, when the ticket’s agent let it time out', [agent(MARK, { lastRoutedAt: T }), agent(NINA)], 'round_robin', { declined: new Set(), timedOut: new Map([[NINA, T]]), preferredAgentId: NINA }, MARK],
    ['skips the ticket’s agent when they are set to do-not-respond', [agent(MARK, { lastRoutedAt: T }), agent(NINA, { status: 'do_not_respond' })], 'round_robin', { declined: new Set(), preferredAgentId: NINA }, MARK],
    ['skips the ticket’s agent when they have no access to the queue', [agent(MARK, { lastRoutedAt: T }), agent(NINA, { serving: false })], 'round_robin', { declined: new Set(), preferredAgentId: NINA }, MARK],
  ];
  it.each(rows)('%s', (_t, candidates, strategy, excluded, expected) => {
    expect(chooseAgent(candidates, { strategy }, excluded)?.id ?? null).toBe(expected);
  });
});

describe('matching the waiting line with free agents', () => {
  const waiting = (id: number, queuedAt: number, over: Partial<WaitingConversation> = {}): WaitingConversation => ({ id, priority: 'normal', queuedAt, declined: new Set(), ...over });

  it('offers each conversation to one agent, oldest first, spreading by round-robin', () => {
    const plan = planOffers([waiting(12, T + 2), waiting(10, T), waiting(11, T + 1)], [agent(MARK, { capacity: 1 }), agent(NINA, { capacity: 1 })], { mode: 'auto_assign', strategy: 'round_robin' }, T + 5);
    expect(plan).toEqual([
      { conversationId: 10, agentId: MARK, assign: false },
      { conversationId: 11, agentId: NINA, assign: false },
    ]);
  });

  it('serves urgent conversations before older normal ones', () => {
    const plan = planOffers([waiting(10, T), waiting(11, T + 1, { priority: 'urgent' })], [agent(MARK, { capacity: 1 })], { mode: 'auto_assign', strategy: 'round_robin' }, T);
    expect(plan.map((p) => p.conversationId)).toEqual([11]);
  });

  it('gives a conversation its decliner skipped to the next free agent while others still queue', () => {
    const plan = planOffers([waiting(10, T, { declined: new Set([MARK]) }), waiting(11, T + 1)], [agent(MARK, { capacity: 1 }), agent(NINA, { capacity: 1, lastRoutedAt: T })], { mode: 'auto_assign', strategy: 'round_robin' }, T);
    expect(plan).toEqual([
      { conversationId: 10, agentId: NINA, assign: false },
      { conversationId: 11, agentId: MARK, assign: false },
    ]);
  });

  it('assigns at once in auto-answer queues', () => {
    expect(planOffers([waiting(10, T)], [agent(MARK)], { mode: 'auto_answer', strategy: 'round_robin' }, T)).toEqual([{ conversationId: 10, agentId: MARK, assign: true }]);
  });

  it('offers nothing in a pick-list queue: agents pick', () => {
    expect(planOffers([waiting(10, T)], [agent(MARK)], { mode: 'pick_list', strategy: 'round_robin' }, T)).toEqual([]);
  });

  it('fills an agent up to capacity and no further', () => {
    const plan = planOffers([waiting(1, T), waiting(2, T + 1), waiting(3, T + 2)], [agent(MARK, { capacity: 2 })], { mode: 'auto_assign', strategy: 'least_busy' }, T);
    expect(plan.map((p) => p.conversationId)).toEqual([1, 2]);
  });

  it('in auto-answer queues, fills an agent up to capacity and spreads the rest by least-busy', () => {
    const plan = planOffers([waiting(1, T), waiting(2, T + 1), waiting(3, T + 2)], [agent(MARK, { capacity: 2, load: 1 }), agent(NINA, { capacity: 2, load: 0, openOffers: 1 })], { mode: 'auto_answer', strategy: 'least_busy' }, T);
    // Both carry one; Mark was routed longest ago (never), then Nina has fewer; then both are full.
    expect(plan).toEqual([
      { conversationId: 1, agentId: MARK, assign: true },
      { conversationId: 2, agentId: NINA, assign: true },
    ]);
  });

  it('serves high before normal, and an unknown priority as normal', () => {
    const plan = planOffers([waiting(10, T), waiting(11, T + 1, { priority: 'high' }), waiting(12, T - 1, { priority: 'whenever' }), waiting(13, T + 2, { priority: 'low' })], [agent(MARK, { capacity: 4 })], { mode: 'auto_assign', strategy: 'round_robin' }, T);
    expect(plan.map((p) => p.conversationId)).toEqual([11, 12, 10, 13]);
  });

  it('among conversations that arrived together, the lower number goes first', () => {
    const plan = planOffers([waiting(21, T), waiting(20, T)], [agent(MARK, { capacity: 1 })], { mode: 'auto_assign', strategy: 'round_robin' }, T);
    expect(plan.map((p) => p.conversationId)).toEqual([20]);
  });
});

describe('choosing, exactly', () => {
  it('answers null, not an agent, when nobody may take it', () => {
    expect(chooseAgent([agent(MARK, { status: 'offline' })], { strategy: 'round_robin' }, none)).toBeNull();
    expect(chooseAgent([], { strategy: 'least_busy' }, none)).toBeNull();
  });
  it('when every free agent let it time out at the same moment, the lower id gets it again', () => {
    expect(chooseAgent([agent(NINA), agent(MARK)], { strategy: 'round_robin' }, { declined: new Set(), timedOut: new Map([[MARK, T], [NINA, T]]) })?.id).toBe(MARK);
  });
  it('least-busy weighs the other agent’s open offers too', () => {
    expect(chooseAgent([agent(MARK, { load: 1, openOffers: 1 }), agent(NINA, { load: 1, openOffers: 2 })], { strategy: 'least_busy' }, none)?.id).toBe(MARK);
    expect(chooseAgent([agent(MARK, { load: 2, openOffers: 1 }), agent(NINA, { load: 1, openOffers: 1 })], { strategy: 'least_busy' }, none)?.id).toBe(NINA);
  });
});
