import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type RoutingPolicy } from './policy.ts';
import { conversationTimers, isResolveKeywordMessage, onTimerDue, replyDeadline, type TimedConversation } from './timers.ts';

const NOW = 10_000_000;
const MIN = 60_000;
const policy: RoutingPolicy = { ...DEFAULT_POLICY, wrapUpMs: 2 * MIN, abandonAfterMs: 10 * MIN, inactivityResolveMs: 24 * 60 * MIN, firstReplyMs: 5 * MIN, nextReplyMs: 15 * MIN };
const conv = (over: Partial<TimedConversation> = {}): TimedConversation => ({
  status: 'active',
  assigneeId: 1,
  createdAt: NOW - 60 * MIN,
  firstResponseAt: null,
  lastCustomerMessageAt: null,
  lastAgentMessageAt: null,
  replyDueAt: null,
  ...over,
});

describe('which timers a conversation needs', () => {
  it('starts the wrap-up clock when the chat ends, in a queue with automatic wrap-up (seed 001)', () => {
    const plan = conversationTimers(conv(), conv({ status: 'wrap_up' }), policy, NOW);
    expect(plan.set).toContainEqual({ kind: 'wrap_up', dueAt: NOW + 2 * MIN, keepExisting: false });
  });
  it('sets no wrap-up timer when wrap-up is manual: the agent clicks Close', () => {
    const plan = conversationTimers(conv(), conv({ status: 'wrap_up' }), { ...policy, wrapUp: 'manual' }, NOW);
    expect(plan.set.map((t) => t.kind)).not.toContain('wrap_up');
    expect(plan.clear).toContain('wrap_up');
  });
  it('clears the wrap-up timer when the agent closes the wrap-up early', () => {
    expect(conversationTimers(conv({ status: 'wrap_up' }), conv({ status: 'resolved' }), policy, NOW).clear).toContain('wrap_up');
  });
  it('starts the abandonment clock when a chat request starts waiting (seed 003)', () => {
    const plan = conversationTimers(null, conv({ status: 'queued', assigneeId: null }), policy, NOW);
    expect(plan.set).toContainEqual({ kind: 'abandon', dueAt: NOW + 10 * MIN, keepExisting: false });
  });
  it('keeps the abandonment clock running while the request keeps waiting', () => {
    const plan = conversationTimers(conv({ status: 'queued', assigneeId: null }), conv({ status: 'queued', assigneeId: null }), policy, NOW);
    expect(plan.set.find((t) => t.kind === 'abandon')?.keepExisting).toBe(true);
  });
  it('stops the abandonment clock once an agent joins', () => {
    expect(conversationTimers(conv({ status: 'queued', assigneeId: null }), conv(), policy, NOW).clear).toContain('abandon');
  });
  it('watches customer inactivity while the conversation is open with an agent (seed 004)', () => {
    const plan = conversationTimers(conv({ status: 'queued', assigneeId: null }), conv(), policy, NOW);
    expect(plan.set).toContainEqual({ kind: 'inactivity_resolve', dueAt: NOW + 24 * 60 * MIN, keepExisting: true });
  });
  it('sets no inactivity timer when auto-resolution is off', () => {
    const plan = conversationTimers(null, conv(), { ...policy, inactivityResolveMs: null }, NOW);
    expect(plan.clear).toContain('inactivity_resolve');
  });
});

describe('reply time limits (seed 002 processing order)', () => {
  const rows: [string, number | null, TimedConversation, number | null][] = [
    ['the first reply is due after the customer’s first message', null, conv({ lastCustomerMessageAt: NOW }), NOW + 5 * MIN],
    ['later replies are due after the first unanswered customer message', null, conv({ firstResponseAt: NOW - MIN, lastAgentMessageAt: NOW - MIN, lastCustomerMessageAt: NOW }), NOW + 15 * MIN],
    ['a second customer message does not move the deadline', NOW + MIN, conv({ lastCustomerMessageAt: NOW + 30_000 }), NOW + MIN],
    ['a reply clears the deadline', NOW + MIN, conv({ lastCustomerMessageAt: NOW, lastAgentMessageAt: NOW + 1, firstResponseAt: NOW + 1 }), null],
    ['no deadline while nobody has written', null, conv(), null],
    ['no deadline once the conversation is resolved', NOW + MIN, conv({ status: 'resolved', lastCustomerMessageAt: NOW }), null],
  ];
  it.each(rows)('%s', (_t, prev, next, expected) => expect(replyDeadline(prev, next, policy)).toBe(expected));
  it('sets no deadline in queues without time limits', () => {
    expect(replyDeadline(null, conv({ lastCustomerMessageAt: NOW }), DEFAULT_POLICY)).toBeNull();
  });
});

describe('what a due timer does', () => {
  const rows: [string, Parameters<typeof onTimerDue>[0], TimedConversation, number, string][] = [
    ['wrap-up time running out closes the wrap-up (Handled)', 'wrap_up', conv({ status: 'wrap_up' }), NOW, 'apply:closeWrapUp'],
    ['a wrap-up timer is moot once the agent closed it', 'wrap_up', conv({ status: 'resolved' }), NOW, 'drop'],
    ['a chat request nobody joined becomes abandoned', 'abandon', conv({ status: 'queued', assigneeId: null }), NOW, 'apply:abandon'],
    ['an abandonment timer is moot once an agent joined', 'abandon', conv(), NOW, 'drop'],
    ['an abandonment timer is moot once a callback was requested', 'abandon', conv({ status: 'callback', assigneeId: null }), NOW, 'drop'],
    ['resolves after 24 h without a customer answer', 'inactivity_resolve', conv({ status: 'pending', lastAgentMessageAt: NOW - 24 * 60 * MIN }), NOW, 'apply:resolve'],
    ['waits again when the agent wrote since', 'inactivity_resolve', conv({ status: 'pending', lastAgentMessageAt: NOW - MIN }), NOW, `reschedule:${NOW - MIN + 24 * 60 * MIN}`],
    ['never resolves while the customer is the one waiting', 'inactivity_resolve', conv({ status: 'active' }), NOW, `reschedule:${NOW + 24 * 60 * MIN}`],
    ['an inactivity timer is moot once resolved', 'inactivity_resolve', conv({ status: 'resolved' }), NOW, 'drop'],
    ['a missed reply deadline is a breach', 'reply_due', conv({ lastCustomerMessageAt: NOW - 6 * MIN, replyDueAt: NOW - MIN }), NOW, 'breach'],
    ['a deadline met by a reply is no breach', 'reply_due', conv({ lastCustomerMessageAt: NOW - 6 * MIN, lastAgentMessageAt: NOW - 2 * MIN, replyDueAt: NOW - MIN }), NOW, 'drop'],
  ];
  it.each(rows)('%s', (_t, kind, c, now, expected) => {
    const d = onTimerDue(kind, c, policy, now);
    expect(d.kind === 'apply' ? `apply:${d.command.kind}` : d.kind === 'reschedule' ? `reschedule:${d.dueAt}` : d.kind).toBe(expected);
  });
  it('does not abandon a waiting request once its queue stopped abandoning requests', () => {
    expect(onTimerDue('abandon', conv({ status: 'queued', assigneeId: null }), { ...policy, abandonAfterMs: null }, NOW).kind).toBe('drop');
  });
});

describe('auto-resolve on customer keywords (seed 004)', () => {
  const keywords = ['thanks', 'thank you', 'resolved'];
  const rows: [string, string, readonly string[], boolean][] = [
    ['"Thanks!" resolves', 'Thanks!', keywords, true],
    ['"thank you so much 🙏" resolves', 'thank you so much 🙏', keywords, true],
    ['"Resolved, bye" resolves', 'Resolved, bye', keywords, true],
    ['"thanks, but it still fails" does not', 'thanks, but it still fails', keywords, false],
    ['a question with thanks does not', 'thanks, can you check my order?', keywords, false],
    ['a long message that mentions thanks does not', 'Thanks for the link, I will read it tonight and come back', keywords, false],
    ['"thanksgiving" is not "thanks"', 'happy thanksgiving', keywords, false],
    ['nothing resolves when no keywords are configured', 'Thanks!', [], false],
  ];
  it.each(rows)('%s', (_t, body, kw, expected) => expect(isResolveKeywordMessage(body, kw)).toBe(expected));
});

describe('the whole timer plan after a change (nothing more, nothing less)', () => {
  const all = ['wrap_up', 'abandon', 'inactivity_resolve', 'reply_due'] as const;
  const rows: [string, TimedConversation | null, TimedConversation, RoutingPolicy, { set: unknown[]; replyDueAt: number | null }][] = [
    ['a new chat request waiting: abandonment clock, reply due', null, conv({ status: 'queued', assigneeId: null, lastCustomerMessageAt: NOW }), policy,
      { set: [{ kind: 'abandon', dueAt: NOW + 10 * MIN, keepExisting: false }, { kind: 'reply_due', dueAt: NOW + 5 * MIN, keepExisting: false }], replyDueAt: NOW + 5 * MIN }],
    ['still waiting: both clocks keep their due time', conv({ status: 'queued', assigneeId: null, lastCustomerMessageAt: NOW, replyDueAt: NOW + 5 * MIN }), conv({ status: 'queued', assigneeId: null, lastCustomerMessageAt: NOW + MIN }), policy,
      { set: [{ kind: 'abandon', dueAt: NOW + 10 * MIN, keepExisting: true }, { kind: 'reply_due', dueAt: NOW + 5 * MIN, keepExisting: true }], replyDueAt: NOW + 5 * MIN }],
    ['accepted, customer still unanswered: inactivity watched from now', conv({ status: 'queued', assigneeId: null, lastCustomerMessageAt: NOW - MIN, replyDueAt: NOW + 4 * MIN }), conv({ lastCustomerMessageAt: NOW - MIN }), policy,
      { set: [{ kind: 'inactivity_resolve', dueAt: NOW + 24 * 60 * MIN, keepExisting: true }, { kind: 'reply_due', dueAt: NOW + 4 * MIN, keepExisting: true }], replyDueAt: NOW + 4 * MIN }],
    ['pending after the agent’s reply: inactivity from that reply, no reply due', conv(), conv({ status: 'pending', lastCustomerMessageAt: NOW - MIN, lastAgentMessageAt: NOW - 30_000, firstResponseAt: NOW - 30_000 }), policy,
      { set: [{ kind: 'inactivity_resolve', dueAt: NOW - 30_000 + 24 * 60 * MIN, keepExisting: true }], replyDueAt: null }],
    ['wrap-up that goes on: its clock stands', conv({ status: 'wrap_up' }), conv({ status: 'wrap_up' }), policy,
      { set: [{ kind: 'wrap_up', dueAt: NOW + 2 * MIN, keepExisting: true }], replyDueAt: null }],
    ['resolved: every clock stops', conv({ lastCustomerMessageAt: NOW - MIN, replyDueAt: NOW + MIN }), conv({ status: 'resolved', lastCustomerMessageAt: NOW - MIN }), policy,
      { set: [], replyDueAt: null }],
    ['a queue with nothing timed: no clocks at all', null, conv({ status: 'queued', assigneeId: null, lastCustomerMessageAt: NOW }), { ...DEFAULT_POLICY, inactivityResolveMs: null }, { set: [], replyDueAt: null }],
  ];
  it.each(rows)('%s', (_t, prev, next, p, expected) => {
    const plan = conversationTimers(prev, next, p, NOW);
    const kinds = new Set(expected.set.map((s) => (s as { kind: string }).kind));
    expect(plan).toEqual({ set: expected.set, clear: all.filter((k) => !kinds.has(k)), replyDueAt: expected.replyDueAt });
  });
});

describe('when the customer counts as waiting for an answer', () => {
  const rows: [string, Partial<TimedConversation>, boolean][] = [
    ['nobody wrote yet', {}, false],
    ['the customer wrote, no agent reply', { lastCustomerMessageAt: NOW }, true],
    ['the customer wrote after the agent', { lastCustomerMessageAt: NOW, lastAgentMessageAt: NOW - 1 }, true],
    ['the agent answered in the same millisecond', { lastCustomerMessageAt: NOW, lastAgentMessageAt: NOW }, false],
    ['the agent answered', { lastCustomerMessageAt: NOW, lastAgentMessageAt: NOW + 1 }, false],
    ['waiting in the queue', { status: 'queued', lastCustomerMessageAt: NOW }, true],
    ['pending', { status: 'pending', lastCustomerMessageAt: NOW }, true],
    ['in wrap-up', { status: 'wrap_up', lastCustomerMessageAt: NOW }, false],
    ['closed', { status: 'closed', lastCustomerMessageAt: NOW }, false],
  ];
  it.each(rows)('%s', (_t, over, expected) => {
    // Seen where the user sees it: a due reply timer breaches only while the customer waits.
    expect(onTimerDue('reply_due', conv({ ...over, replyDueAt: NOW }), policy, NOW).kind).toBe(expected ? 'breach' : 'drop');
  });
});

describe('due timers, exactly', () => {
  it('says why it acts, so the history line can tell', () => {
    expect(onTimerDue('wrap_up', conv({ status: 'wrap_up' }), policy, NOW)).toEqual({ kind: 'apply', command: { kind: 'closeWrapUp' }, reason: 'wrap-up time ran out' });
    expect(onTimerDue('abandon', conv({ status: 'queued', assigneeId: null }), policy, NOW)).toEqual({ kind: 'apply', command: { kind: 'abandon' }, reason: 'nobody joined in time' });
    expect(onTimerDue('inactivity_resolve', conv({ status: 'pending', lastAgentMessageAt: NOW - 24 * 60 * MIN }), policy, NOW)).toEqual({ kind: 'apply', command: { kind: 'resolve' }, reason: 'no answer from the customer' });
  });
  it('does not abandon a request an agent was given while it still shows queued', () => {
    expect(onTimerDue('abandon', conv({ status: 'queued', assigneeId: 3 }), policy, NOW)).toEqual({ kind: 'drop' });
  });
  it('drops an inactivity timer once the queue stopped auto-resolving, even while pending', () => {
    expect(onTimerDue('inactivity_resolve', conv({ status: 'pending', lastAgentMessageAt: NOW - 48 * 60 * MIN }), { ...policy, inactivityResolveMs: null }, NOW)).toEqual({ kind: 'drop' });
  });
  it('a reply deadline is breached at its due time, and rescheduled before it', () => {
    const c = conv({ lastCustomerMessageAt: NOW - 6 * MIN, replyDueAt: NOW });
    expect(onTimerDue('reply_due', c, policy, NOW)).toEqual({ kind: 'breach' });
    expect(onTimerDue('reply_due', c, policy, NOW - 1)).toEqual({ kind: 'reschedule', dueAt: NOW });
    expect(onTimerDue('reply_due', conv({ lastCustomerMessageAt: NOW - 6 * MIN, replyDueAt: null }), policy, NOW)).toEqual({ kind: 'drop' });
  });
});

describe('resolve keywords, at the edges', () => {
  const keywords = ['thanks', 'all good'];
  const rows: [string, string, readonly string[], boolean][] = [
    ['six words still count', 'ok thanks a lot my friend', keywords, true],
    ['seven words are a message, not a thank-you', 'ok thanks a lot my dear friend', keywords, false],
    ['punctuation between words does not hide a phrase', 'All -- good!!', keywords, true],
    ['punctuation alone resolves nothing', '!!!', keywords, false],
    ['an empty keyword resolves nothing', 'hello', ['', '!!'], false],
    ...(['but', 'not', 'no', 'still', "doesn't", 'doesnt', "don't", 'dont', 'yet'] as const).map((w): [string, string, readonly string[], boolean] => [`"${w}" takes the thanks back`, `thanks ${w}`, keywords, false]),
    ['a question mark takes it back', 'thanks?', keywords, false],
    ['a keyword written with capitals matches', 'thanks', ['THANKS'], true],
  ];
  it.each(rows)('%s', (_t, body, kw, expected) => expect(isResolveKeywordMessage(body, kw)).toBe(expected));
});
