import { describe, expect, it } from 'vitest';
import { isOpen, openRequest, stepRequest, type RequestCommand, type RequestCommandKind, type RequestState, type RequestStatus, type RequestType } from './requests.ts';

const MARK = 3; // initiator
const MARTHA = 5; // recipient, the consultant once she accepts
const NINA = 4; // somebody else

type Expected = { to: RequestStatus; effects?: string[] } | { refused: string };
const to = (status: RequestStatus, ...effects: string[]): Expected => ({ to: status, effects });
const refused = (code: string): Expected => ({ refused: code });

/** Each command issued by the person allowed to issue it, with a reason where one is needed. */
const COMMANDS: Record<RequestCommandKind, RequestCommand> = {
  accept: { kind: 'accept', byUserId: MARTHA },
  reject: { kind: 'reject', byUserId: MARTHA, reason: 'Busy with another case' },
  withdraw: { kind: 'withdraw', byUserId: MARK, reason: 'Issue resolved' },
  timeOut: { kind: 'timeOut' },
  end: { kind: 'end', byUserId: MARK, resolved: true },
  leave: { kind: 'leave', byUserId: MARTHA },
  initiatorLostConversation: { kind: 'initiatorLostConversation' },
};

/** Every command in every status, for both request types, written out by hand from seed 000. */
const EXPECTED: Record<RequestType, Record<RequestCommandKind, Record<RequestStatus, Expected>>> = {
  discuss: {
    accept: {
      pending: to('accepted', 'open_discussion'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    reject: {
      pending: to('rejected'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    // Seed 000: "Mark can also withdraw the request before it is accepted."
    withdraw: {
      pending: to('withdrawn'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    timeOut: {
      pending: to('timed_out'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    end: {
      pending: refused('discussion_not_active'),
      accepted: to('ended', 'close_discussion'),
      rejected: refused('discussion_not_active'),
      withdrawn: refused('discussion_not_active'),
      timed_out: refused('discussion_not_active'),
      cancelled: refused('discussion_not_active'),
      ended: refused('discussion_not_active'),
      left: refused('discussion_not_active'),
    },
    leave: {
      pending: refused('discussion_not_active'),
      accepted: to('left', 'close_discussion'),
      rejected: refused('discussion_not_active'),
      withdrawn: refused('discussion_not_active'),
      timed_out: refused('discussion_not_active'),
      cancelled: refused('discussion_not_active'),
      ended: refused('discussion_not_active'),
      left: refused('discussion_not_active'),
    },
    // Issue 11: a discussion ends by itself when the initiator loses the conversation.
    initiatorLostConversation: {
      pending: to('cancelled'),
      accepted: to('ended', 'close_discussion'),
      rejected: refused('request_not_open'),
      withdrawn: refused('request_not_open'),
      timed_out: refused('request_not_open'),
      cancelled: refused('request_not_open'),
      ended: refused('request_not_open'),
      left: refused('request_not_open'),
    },
  },
  assign: {
    // Accepting an assign request moves the conversation; the request is then done.
    accept: {
      pending: to('accepted', 'move_conversation'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    reject: {
      pending: to('rejected'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    withdraw: {
      pending: to('withdrawn'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    timeOut: {
      pending: to('timed_out'),
      accepted: refused('request_not_pending'),
      rejected: refused('request_not_pending'),
      withdrawn: refused('request_not_pending'),
      timed_out: refused('request_not_pending'),
      cancelled: refused('request_not_pending'),
      ended: refused('request_not_pending'),
      left: refused('request_not_pending'),
    },
    // An assign request never becomes a discussion: nothing to end or leave.
    end: {
      pending: refused('not_a_discussion'),
      accepted: refused('not_a_discussion'),
      rejected: refused('not_a_discussion'),
      withdrawn: refused('not_a_discussion'),
      timed_out: refused('not_a_discussion'),
      cancelled: refused('not_a_discussion'),
      ended: refused('not_a_discussion'),
      left: refused('not_a_discussion'),
    },
    leave: {
      pending: refused('not_a_discussion'),
      accepted: refused('not_a_discussion'),
      rejected: refused('not_a_discussion'),
      withdrawn: refused('not_a_discussion'),
      timed_out: refused('not_a_discussion'),
      cancelled: refused('not_a_discussion'),
      ended: refused('not_a_discussion'),
      left: refused('not_a_discussion'),
    },
    initiatorLostConversation: {
      pending: to('cancelled'),
      accepted: refused('request_not_open'),
      rejected: refused('request_not_open'),
      withdrawn: refused('request_not_open'),
      timed_out: refused('request_not_open'),
      cancelled: refused('request_not_open'),
      ended: refused('request_not_open'),
      left: refused('request_not_open'),
    },
  },
};

const rows = (Object.keys(EXPECTED) as RequestType[]).flatMap((type) =>
  (Object.keys(EXPECTED[type]) as RequestCommandKind[]).flatMap((kind) =>
    (Object.keys(EXPECTED[type][kind]) as RequestStatus[]).map((status) => [type, kind, status, EXPECTED[type][kind][status]] as const),
  ),
);

describe('the request state machine, every command in every status', () => {
  it.each(rows)('%s: %s while %s', (type, kind, status, expected) => {
    const r = stepRequest({ type, status, initiatorId: MARK, recipientId: MARTHA }, COMMANDS[kind]);
    if ('refused' in expected) {
      expect(r).toMatchObject({ ok: false, code: expected.refused });
    } else {
      expect(r).toMatchObject({ ok: true, status: expected.to });
      if (r.ok) expect(r.effects).toEqual(expected.effects);
    }
  });
});

const pending = (type: RequestType): RequestState => ({ type, status: 'pending', initiatorId: MARK, recipientId: MARTHA });
const active: RequestState = { type: 'discuss', status: 'accepted', initiatorId: MARK, recipientId: MARTHA };

describe('who may take each step', () => {
  const cases: [title: string, state: RequestState, command: RequestCommand, code: string][] = [
    ['the initiator cannot accept his own request', pending('discuss'), { kind: 'accept', byUserId: MARK }, 'not_recipient'],
    ['a third colleague cannot accept it', pending('assign'), { kind: 'accept', byUserId: NINA }, 'not_recipient'],
    ['the initiator cannot reject it', pending('discuss'), { kind: 'reject', byUserId: MARK, reason: 'no' }, 'not_recipient'],
    ['the recipient cannot withdraw it', pending('discuss'), { kind: 'withdraw', byUserId: MARTHA, reason: 'no' }, 'not_initiator'],
    ['a third colleague cannot withdraw it', pending('assign'), { kind: 'withdraw', byUserId: NINA, reason: 'no' }, 'not_initiator'],
    ['the consultant cannot end the discussion (she leaves)', active, { kind: 'end', byUserId: MARTHA, resolved: true }, 'not_initiator'],
    ['the initiator cannot leave (he ends it)', active, { kind: 'leave', byUserId: MARK }, 'not_consultant'],
    ['a third colleague cannot leave it', active, { kind: 'leave', byUserId: NINA }, 'not_consultant'],
  ];
  it.each(cases)('%s', (_t, state, command, code) => {
    expect(stepRequest(state, command)).toMatchObject({ ok: false, code });
  });
});

describe('reasons', () => {
  it.each([
    ['reject', { kind: 'reject', byUserId: MARTHA, reason: '' }],
    ['reject', { kind: 'reject', byUserId: MARTHA, reason: '   ' }],
    ['withdraw', { kind: 'withdraw', byUserId: MARK, reason: '' }],
    ['withdraw', { kind: 'withdraw', byUserId: MARK, reason: '\n\t' }],
  ] as [string, RequestCommand][])('%s without a reason is refused with reason_required', (_k, command) => {
    expect(stepRequest(pending('discuss'), command)).toMatchObject({ ok: false, code: 'reason_required' });
  });

  it('a reason over 500 characters is refused', () => {
    expect(stepRequest(pending('assign'), { kind: 'reject', byUserId: MARTHA, reason: 'x'.repeat(501) })).toMatchObject({ ok: false, code: 'reason_too_long' });
  });

  it('the reason is recorded trimmed', () => {
    expect(stepRequest(pending('discuss'), { kind: 'reject', byUserId: MARTHA, reason: '  Busy with another case ' })).toMatchObject({ ok: true, reason: 'Busy with another case' });
    expect(stepRequest(pending('discuss'), { kind: 'withdraw', byUserId: MARK, reason: 'Issue resolved' })).toMatchObject({ ok: true, reason: 'Issue resolved' });
  });
});

describe('ending a discussion', () => {
  it('records whether the issue was resolved', () => {
    expect(stepRequest(active, { kind: 'end', byUserId: MARK, resolved: true })).toMatchObject({ status: 'ended', resolved: true, endCause: 'ended_by_initiator' });
    expect(stepRequest(active, { kind: 'end', byUserId: MARK, resolved: false })).toMatchObject({ status: 'ended', resolved: false });
  });
  it('leaving records that the consultant left, with no answer to "resolved?"', () => {
    const r = stepRequest(active, { kind: 'leave', byUserId: MARTHA });
    expect(r).toMatchObject({ status: 'left', endCause: 'left_by_consultant' });
    expect(r.ok && r.resolved).toBe(undefined);
  });
  it('losing the conversation records the cause', () => {
    expect(stepRequest(active, { kind: 'initiatorLostConversation' })).toMatchObject({ status: 'ended', endCause: 'initiator_lost_conversation' });
    expect(stepRequest(pending('assign'), { kind: 'initiatorLostConversation' })).toMatchObject({ status: 'cancelled', endCause: 'initiator_lost_conversation' });
  });
});

describe('timers as data', () => {
  it('a new request sets its timeout timer, by type', () => {
    expect(openRequest('discuss', 1000, 120_000)).toEqual({ ok: true, status: 'pending', timers: [{ set: { kind: 'discuss_request_timeout', dueAt: 121_000 } }], effects: [] });
    expect(openRequest('assign', 0, 60_000).timers).toEqual([{ set: { kind: 'assign_request_timeout', dueAt: 60_000 } }]);
  });
  it.each([
    ['accept', COMMANDS.accept],
    ['reject', COMMANDS.reject],
    ['withdraw', COMMANDS.withdraw],
    ['initiatorLostConversation', COMMANDS.initiatorLostConversation],
  ] as [string, RequestCommand][])('answering a pending request (%s) clears the timer', (_k, command) => {
    const r = stepRequest(pending('discuss'), command);
    expect(r.ok && r.timers).toEqual([{ clear: 'discuss_request_timeout' }]);
  });
  it('the timeout firing leaves no timer behind to clear (its row is the one firing)', () => {
    const r = stepRequest(pending('assign'), COMMANDS.timeOut);
    expect(r.ok && r.timers).toEqual([]);
  });
});

describe('what the colleague is told when a step is refused (the sentence the toast shows)', () => {
  const state = (type: RequestType, status: RequestStatus): RequestState => ({ type, status, initiatorId: MARK, recipientId: MARTHA });
  const cases: [string, RequestState, RequestCommand, string, string][] = [
    ['an answer by someone else', pending('discuss'), { kind: 'accept', byUserId: NINA }, 'not_recipient', 'Only the colleague asked can answer this request.'],
    ['a withdrawal by someone else', pending('assign'), { kind: 'withdraw', byUserId: MARTHA, reason: 'x' }, 'not_initiator', 'Only the colleague who sent this request can withdraw it.'],
    ['no reason', pending('discuss'), { kind: 'reject', byUserId: MARTHA, reason: ' ' }, 'reason_required', 'Give a reason.'],
    ['a reason too long', pending('discuss'), { kind: 'withdraw', byUserId: MARK, reason: 'x'.repeat(501) }, 'reason_too_long', 'A reason has at most 500 characters.'],
    ['ending an assign request', pending('assign'), { kind: 'end', byUserId: MARK, resolved: true }, 'not_a_discussion', 'Only a discussion can be ended.'],
    ['ending by the consultant', active, { kind: 'end', byUserId: MARTHA, resolved: true }, 'not_initiator', 'Only the colleague who started the discussion can end it; the consultant leaves.'],
    ['ending before it was accepted', pending('discuss'), { kind: 'end', byUserId: MARK, resolved: true }, 'discussion_not_active', 'The request has not been accepted yet; withdraw it instead.'],
    ['ending it twice', state('discuss', 'ended'), { kind: 'end', byUserId: MARK, resolved: true }, 'discussion_not_active', 'The discussion is already ended.'],
    ['leaving an assign request', pending('assign'), { kind: 'leave', byUserId: MARTHA }, 'not_a_discussion', 'Only a discussion can be left.'],
    ['leaving by the initiator', active, { kind: 'leave', byUserId: MARK }, 'not_consultant', 'Only the consultant leaves a discussion; the initiator ends it.'],
    ['leaving before accepting', pending('discuss'), { kind: 'leave', byUserId: MARTHA }, 'discussion_not_active', 'The request has not been accepted yet; reject it instead.'],
    ['leaving after the consultant left', state('discuss', 'left'), { kind: 'leave', byUserId: MARTHA }, 'discussion_not_active', 'The discussion is already over: the consultant left.'],
    ['a request that is over', state('assign', 'rejected'), { kind: 'initiatorLostConversation' }, 'request_not_open', 'This request is already rejected.'],
  ];
  const words: Record<RequestStatus, string> = {
    pending: 'still waiting for an answer', accepted: 'already accepted', rejected: 'already rejected', withdrawn: 'already withdrawn',
    timed_out: 'already timed out', cancelled: 'already cancelled', ended: 'already ended', left: 'already over: the consultant left',
  };
  for (const s of Object.keys(words) as RequestStatus[]) {
    if (s !== 'pending') cases.push([`answering a request ${s}`, state('discuss', s), COMMANDS.accept, 'request_not_pending', `This request is ${words[s]}.`]);
  }
  it.each(cases)('%s', (_t, st, command, code, message) => {
    expect(stepRequest(st, command)).toEqual({ ok: false, code, message });
  });

  it('a reason of exactly 500 characters is fine, and a withdrawal’s reason is recorded trimmed', () => {
    expect(stepRequest(pending('assign'), { kind: 'reject', byUserId: MARTHA, reason: 'x'.repeat(500) })).toMatchObject({ ok: true, status: 'rejected' });
    expect(stepRequest(pending('discuss'), { kind: 'withdraw', byUserId: MARK, reason: '  Issue resolved \n' })).toMatchObject({ ok: true, reason: 'Issue resolved' });
  });

  it('ending, leaving and losing the conversation close the consultant’s view and set no timer', () => {
    expect(stepRequest(active, { kind: 'end', byUserId: MARK, resolved: false })).toEqual({ ok: true, status: 'ended', resolved: false, endCause: 'ended_by_initiator', timers: [], effects: ['close_discussion'] });
    expect(stepRequest(active, { kind: 'leave', byUserId: MARTHA })).toEqual({ ok: true, status: 'left', endCause: 'left_by_consultant', timers: [], effects: ['close_discussion'] });
    expect(stepRequest(active, { kind: 'initiatorLostConversation' })).toEqual({ ok: true, status: 'ended', endCause: 'initiator_lost_conversation', timers: [], effects: ['close_discussion'] });
  });
});

describe('which requests are still open (the panel lists them)', () => {
  it.each([
    ['assign', 'pending', true], ['discuss', 'pending', true], ['discuss', 'accepted', true], ['assign', 'accepted', false],
    ['discuss', 'ended', false], ['discuss', 'left', false], ['assign', 'rejected', false], ['discuss', 'timed_out', false],
  ] as [RequestType, RequestStatus, boolean][])('%s %s → %s', (type, status, open) => {
    expect(isOpen({ type, status })).toBe(open);
  });
});
