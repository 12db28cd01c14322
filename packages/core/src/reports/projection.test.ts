import { describe, expect, it } from 'vitest';
import { movesFact, nextFact, type ConversationSnapshot, type StoredFact } from './projection.ts';

/** Issue 15: how each change of a conversation moves the figures its report row shows. */
const S = 1000;
const M = 60 * S;
const snap = (over: Partial<ConversationSnapshot> = {}): ConversationSnapshot => ({
  status: 'queued', assigneeId: null, queueId: 1, channel: 'web', inboxId: null, contactId: 7, createdAt: 0,
  previousConversationId: null, firstResponseAt: null, lastAgentMessageAt: null, replyDueAt: null, ...over,
});

/** Plays a conversation's changes through the projection, as the server does after each action. */
function play(steps: Array<[at: number, after: Partial<ConversationSnapshot>]>): StoredFact {
  let fact: StoredFact | null = null;
  let before: ConversationSnapshot | null = null;
  for (const [at, over] of steps) {
    const after = snap({ ...before, ...over });
    fact = nextFact(fact, before, after, at);
    before = after;
  }
  return fact!;
}

describe('a conversation’s report fact', () => {
  it('starts empty when the conversation arrives: nothing waited, handled or resolved yet', () => {
    expect(nextFact(null, null, snap({ createdAt: 5 * S, channel: 'email', inboxId: 3 }), 5 * S)).toEqual({
      created_at: 5 * S, queue_id: 1, agent_id: null, channel: 'email', inbox_id: 3, contact_id: 7, linked: 0, resolved: 0,
      abandoned: 0, callback: 0, reopened: 0, first_response_ms: null, resolution_ms: null, handle_ms: null, wrap_up_ms: null,
      wait_ms: null, offers_declined: 0, offers_timed_out: 0, replies_due: 0, replies_breached: 0, handling_since: null, wrap_up_since: null,
    });
  });

  it('counts a follow-up of a resolved conversation as linked (seed 004)', () => {
    expect(nextFact(null, null, snap({ previousConversationId: 12 }), 0).linked).toBe(1);
  });

  it('measures wait, first response, replies on time and late, handling, wrap-up and resolution over a whole chat', () => {
    const f = play([
      [0, {}],
      [30 * S, { status: 'active', assigneeId: 10 }], // accepted after 30 s in the queue
      [40 * S, { firstResponseAt: 40 * S, lastAgentMessageAt: 40 * S }],
      [50 * S, { replyDueAt: 90 * S }], // the customer writes; a reply is due at 90 s
      [2 * M, { lastAgentMessageAt: 2 * M, replyDueAt: null }], // answered late
      [2 * M + 10 * S, { replyDueAt: 4 * M }],
      [3 * M, { lastAgentMessageAt: 3 * M, replyDueAt: null }], // answered in time
      [5 * M, { status: 'wrap_up' }],
      [6 * M, { status: 'resolved' }],
    ]);
    expect(f).toMatchObject({
      agent_id: 10, wait_ms: 30 * S, first_response_ms: 40 * S, replies_due: 2, replies_breached: 1,
      handle_ms: 5 * M - 30 * S, wrap_up_ms: M, resolved: 1, resolution_ms: 6 * M, reopened: 0, handling_since: null, wrap_up_since: null,
    });
  });

  it('keeps the clocks running while the chat is handled: pending counts, waiting in the queue does not', () => {
    const f = play([
      [0, {}],
      [M, { status: 'active', assigneeId: 10 }],
      [2 * M, { status: 'pending' }],
      [3 * M, { status: 'queued', assigneeId: null }], // handed back to the queue
      [4 * M, { status: 'active', assigneeId: 11 }],
    ]);
    expect(f).toMatchObject({ agent_id: 11, wait_ms: M, handle_ms: 2 * M, handling_since: 4 * M });
  });

  it('a reopened conversation counts once more as reopened, is no longer resolved, and keeps its first wait', () => {
    const f = play([
      [0, {}],
      [M, { status: 'active', assigneeId: 10 }],
      [3 * M, { status: 'resolved' }],
      [10 * M, { status: 'queued', assigneeId: null }], // the customer writes again
    ]);
    expect(f).toMatchObject({ reopened: 1, resolved: 0, resolution_ms: 3 * M, wait_ms: M, agent_id: 10, handle_ms: 2 * M });
    const again = play([
      [0, {}],
      [M, { status: 'active', assigneeId: 10 }],
      [3 * M, { status: 'closed' }],
      [10 * M, { status: 'active' }],
      [15 * M, { status: 'resolved' }],
    ]);
    expect(again).toMatchObject({ reopened: 1, resolved: 1, resolution_ms: 15 * M, handle_ms: 2 * M + 5 * M });
  });

  it('resolving twice measures the resolution once; a closed conversation that stays closed is not reopened', () => {
    const f = play([
      [0, {}],
      [M, { status: 'active', assigneeId: 10 }],
      [2 * M, { status: 'resolved' }],
      [9 * M, { status: 'resolved', queueId: 2 }],
      [10 * M, { status: 'closed' }],
    ]);
    expect(f).toMatchObject({ resolved: 1, resolution_ms: 2 * M, reopened: 0, queue_id: 2 });
  });

  it('counts an abandoned chat and a callback request (seed 003)', () => {
    expect(play([[0, {}], [M, { status: 'abandoned' }]])).toMatchObject({ abandoned: 1, callback: 0, wait_ms: null });
    expect(play([[0, {}], [M, { status: 'callback' }]])).toMatchObject({ abandoned: 0, callback: 1 });
  });

  it('never measures a negative time when a node’s clock is behind the one that created the conversation', () => {
    const f = nextFact(null, null, snap({ createdAt: 10 * S, assigneeId: 10, status: 'active', firstResponseAt: 5 * S }), 4 * S);
    expect(f).toMatchObject({ wait_ms: 0, first_response_ms: 0 });
    expect(nextFact(f, snap({ status: 'active', assigneeId: 10 }), snap({ status: 'resolved', assigneeId: 10 }), 3 * S)).toMatchObject({ resolution_ms: 0, handle_ms: 0 });
  });

  it('leaves the fact it was given unchanged', () => {
    const f = play([[0, {}], [M, { status: 'active', assigneeId: 10 }]]);
    const copy = { ...f }; // the fact is flat
    nextFact(f, snap({ status: 'active', assigneeId: 10 }), snap({ status: 'resolved', assigneeId: 10 }), 2 * M);
    expect(f).toEqual(copy);
  });
});

describe('which changes move the fact (most customer messages move nothing)', () => {
  const base = snap({ status: 'active', assigneeId: 10, lastAgentMessageAt: M });
  const rows: Array<[string, ConversationSnapshot | null, ConversationSnapshot, boolean]> = [
    ['a new conversation', null, base, true],
    ['nothing changed (a customer message)', base, { ...base }, false],
    ['status', base, { ...base, status: 'pending' }, true],
    ['assignee', base, { ...base, assigneeId: 11 }, true],
    ['queue', base, { ...base, queueId: 2 }, true],
    ['inbox', base, { ...base, inboxId: 4 }, true],
    ['contact', base, { ...base, contactId: 8 }, true],
    ['channel', base, { ...base, channel: 'email' }, true],
    ['first response', base, { ...base, firstResponseAt: M }, true],
    ['an agent reply while none was due', base, { ...base, lastAgentMessageAt: 2 * M }, false],
    ['an agent reply that was due', { ...base, replyDueAt: 3 * M }, { ...base, replyDueAt: 3 * M, lastAgentMessageAt: 2 * M }, true],
    ['a reply due, no agent reply yet', { ...base, replyDueAt: 3 * M }, { ...base, replyDueAt: 3 * M }, false],
  ];
  it.each(rows)('%s → %s', (_name, before, after, moves) => {
    expect(movesFact(before, after)).toBe(moves);
  });
});
