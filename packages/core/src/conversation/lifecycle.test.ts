import { describe, expect, it } from 'vitest';
import { transition, type LifecycleCommand, type LifecycleCommandKind, type LifecycleState } from './lifecycle.ts';
import { CONVERSATION_STATUSES, type ConversationStatus } from './status.ts';

const AGENT = 7;
const OTHER_AGENT = 9;

/** What a command is expected to do in a status: move to a status, or be refused with a code. */
type Expected =
  | { to: ConversationStatus; linked?: true }
  | { refused: string };

const to = (status: ConversationStatus): Expected => ({ to: status });
/** The customer's message starts a new conversation linked to this one; this one keeps its status. */
const linked = (status: ConversationStatus): Expected => ({ to: status, linked: true });
const refused = (code: string): Expected => ({ refused: code });

/**
 * The conversation each status is tested from. Statuses an agent has worked on carry an assignee;
 * a conversation still waiting in the queue, an abandoned request and a callback request do not.
 */
const FROM: Record<ConversationStatus, LifecycleState> = {
  queued: { status: 'queued', assigneeId: null },
  active: { status: 'active', assigneeId: AGENT },
  pending: { status: 'pending', assigneeId: AGENT },
  wrap_up: { status: 'wrap_up', assigneeId: AGENT },
  resolved: { status: 'resolved', assigneeId: AGENT },
  closed: { status: 'closed', assigneeId: AGENT },
  abandoned: { status: 'abandoned', assigneeId: null },
  callback: { status: 'callback', assigneeId: null },
};

const COMMANDS: Record<LifecycleCommandKind, LifecycleCommand> = {
  assign: { kind: 'assign', assigneeId: OTHER_AGENT },
  unassign: { kind: 'unassign' },
  customerMessage: { kind: 'customerMessage' },
  agentReply: { kind: 'agentReply' },
  endChat: { kind: 'endChat' },
  closeWrapUp: { kind: 'closeWrapUp' },
  resolve: { kind: 'resolve' },
  close: { kind: 'close' },
  reopen: { kind: 'reopen' },
  abandon: { kind: 'abandon' },
  requestCallback: { kind: 'requestCallback' },
  complete: { kind: 'complete' },
};

/**
 * Every command in every status, written out by hand from the product rules (seeds 001–004).
 * The Record types make the compiler reject a missing command or status.
 */
const EXPECTED: Record<LifecycleCommandKind, Record<ConversationStatus, Expected>> = {
  // Accept, pick, transfer, reassign. Seed 002: reassigning a closed dialogue leaves it closed.
  assign: {
    queued: to('active'),
    active: to('active'),
    pending: to('pending'),
    wrap_up: refused('conversation_in_wrap_up'),
    resolved: to('resolved'),
    closed: to('closed'),
    abandoned: refused('conversation_not_open'),
    callback: refused('conversation_not_open'),
  },
  // Transfer to queue / declined offer: only while the conversation is open.
  unassign: {
    queued: to('queued'),
    active: to('queued'),
    pending: to('queued'),
    wrap_up: refused('conversation_not_open'),
    resolved: refused('conversation_not_open'),
    closed: refused('conversation_not_open'),
    abandoned: refused('conversation_not_open'),
    callback: refused('conversation_not_open'),
  },
  // Seed 002: a closed dialogue opens again; seed 004: a resolved one starts a linked conversation.
  customerMessage: {
    queued: to('queued'),
    active: to('active'),
    pending: to('active'),
    wrap_up: to('wrap_up'),
    resolved: linked('resolved'),
    closed: to('active'),
    abandoned: linked('abandoned'),
    callback: to('queued'),
  },
  // Seed 004: a reply waits for the customer; seed 002: the manager may re-initiate a closed dialogue.
  agentReply: {
    queued: refused('not_assignee'),
    active: to('pending'),
    pending: to('pending'),
    wrap_up: refused('conversation_in_wrap_up'),
    resolved: refused('conversation_not_open'),
    closed: to('pending'),
    abandoned: refused('conversation_not_open'),
    callback: refused('conversation_not_open'),
  },
  // Seed 001: End Chat moves an active chat into wrap-up.
  endChat: {
    queued: refused('conversation_not_open'),
    active: to('wrap_up'),
    pending: to('wrap_up'),
    wrap_up: refused('conversation_not_open'),
    resolved: refused('conversation_not_open'),
    closed: refused('conversation_not_open'),
    abandoned: refused('conversation_not_open'),
    callback: refused('conversation_not_open'),
  },
  // Seed 001: closing the wrap-up makes the conversation Handled (resolved).
  closeWrapUp: {
    queued: refused('not_in_wrap_up'),
    active: refused('not_in_wrap_up'),
    pending: refused('not_in_wrap_up'),
    wrap_up: to('resolved'),
    resolved: refused('not_in_wrap_up'),
    closed: refused('not_in_wrap_up'),
    abandoned: refused('not_in_wrap_up'),
    callback: refused('not_in_wrap_up'),
  },
  // Seed 004: Resolve; chat requests (seed 003) are completed instead.
  resolve: {
    queued: to('resolved'),
    active: to('resolved'),
    pending: to('resolved'),
    wrap_up: to('resolved'),
    resolved: refused('already_resolved'),
    closed: to('resolved'),
    abandoned: refused('conversation_not_open'),
    callback: refused('conversation_not_open'),
  },
  // Seed 002: Close dialogue; seed 003: an abandoned chat may be closed without a note.
  close: {
    queued: to('closed'),
    active: to('closed'),
    pending: to('closed'),
    wrap_up: to('closed'),
    resolved: refused('already_resolved'),
    closed: refused('already_closed'),
    abandoned: to('closed'),
    callback: to('closed'),
  },
  // Reopening goes back to the assignee, or to the queue when nobody holds it.
  reopen: {
    queued: refused('conversation_open'),
    active: refused('conversation_open'),
    pending: refused('conversation_open'),
    wrap_up: refused('conversation_open'),
    resolved: to('active'),
    closed: to('active'),
    abandoned: refused('conversation_open'),
    callback: refused('conversation_open'),
  },
  // Seed 004: the customer left before resolution.
  abandon: {
    queued: to('abandoned'),
    active: to('abandoned'),
    pending: to('abandoned'),
    wrap_up: refused('conversation_not_open'),
    resolved: refused('conversation_not_open'),
    closed: refused('conversation_not_open'),
    abandoned: refused('conversation_not_open'),
    callback: refused('conversation_not_open'),
  },
  // Seed 003: a callback is asked for while nobody has joined the chat yet.
  requestCallback: {
    queued: to('callback'),
    active: refused('callback_not_possible'),
    pending: refused('callback_not_possible'),
    wrap_up: refused('callback_not_possible'),
    resolved: refused('callback_not_possible'),
    closed: refused('callback_not_possible'),
    abandoned: refused('callback_not_possible'),
    callback: refused('callback_not_possible'),
  },
  // Seed 003: techs complete abandoned and callback requests.
  complete: {
    queued: refused('not_a_chat_request'),
    active: refused('not_a_chat_request'),
    pending: refused('not_a_chat_request'),
    wrap_up: refused('not_a_chat_request'),
    resolved: refused('not_a_chat_request'),
    closed: refused('not_a_chat_request'),
    abandoned: to('resolved'),
    callback: to('resolved'),
  },
};

const rows = (Object.keys(EXPECTED) as LifecycleCommandKind[]).flatMap((kind) =>
  CONVERSATION_STATUSES.map((status) => {
    const expected = EXPECTED[kind][status];
    const outcome =
      'refused' in expected
        ? `refused (${expected.refused})`
        : `${expected.to}${expected.linked ? ' + linked conversation' : ''}`;
    return [`${kind}: ${status} → ${outcome}`, kind, status, expected] as const;
  }),
);

describe('conversation lifecycle', () => {
  it('has an expected outcome for each of the 8 statuses under each of the 12 commands', () => {
    expect(CONVERSATION_STATUSES).toHaveLength(8);
    expect(Object.keys(COMMANDS)).toHaveLength(12);
    expect(rows).toHaveLength(96);
  });

  describe('every command in every status', () => {
    it.each(rows)('%s', (_title, kind, status, expected) => {
      const prev = FROM[status];
      const result = transition(prev, COMMANDS[kind]);

      if ('refused' in expected) {
        expect(result).toMatchObject({ ok: false, code: expected.refused });
        if (!result.ok) expect(result.message).not.toBe('');
        return;
      }

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.state.status).toBe(expected.to);
      expect(result.statusChanged).toBe(expected.to !== status);
      expect(result.startLinkedConversation).toBe(expected.linked);
    });
  });

  describe('assignee', () => {
    it('accepting a queued conversation makes it active for the agent who accepted it', () => {
      const result = transition({ status: 'queued', assigneeId: null }, { kind: 'assign', assigneeId: AGENT });
      expect(result).toEqual({ ok: true, state: { status: 'active', assigneeId: AGENT }, statusChanged: true });
    });

    it('reassigning a closed conversation keeps it closed but hands it to the new agent', () => {
      const result = transition({ status: 'closed', assigneeId: AGENT }, { kind: 'assign', assigneeId: OTHER_AGENT });
      expect(result).toEqual({ ok: true, state: { status: 'closed', assigneeId: OTHER_AGENT }, statusChanged: false });
    });

    it('reassigning a resolved conversation keeps it resolved but hands it to the new agent', () => {
      const result = transition({ status: 'resolved', assigneeId: AGENT }, { kind: 'assign', assigneeId: OTHER_AGENT });
      expect(result).toEqual({ ok: true, state: { status: 'resolved', assigneeId: OTHER_AGENT }, statusChanged: false });
    });

    it('transferring an active conversation to another agent keeps it active', () => {
      const result = transition({ status: 'active', assigneeId: AGENT }, { kind: 'assign', assigneeId: OTHER_AGENT });
      expect(result).toEqual({ ok: true, state: { status: 'active', assigneeId: OTHER_AGENT }, statusChanged: false });
    });

    it('transferring a conversation to the queue drops its assignee', () => {
      const result = transition({ status: 'active', assigneeId: AGENT }, { kind: 'unassign' });
      expect(result).toEqual({ ok: true, state: { status: 'queued', assigneeId: null }, statusChanged: true });
    });

    it.each(['customerMessage', 'agentReply', 'endChat', 'closeWrapUp', 'resolve', 'close', 'reopen', 'abandon'] as const)(
      '%s leaves the assignee in place',
      (kind) => {
        const prev: LifecycleState =
          kind === 'closeWrapUp'
            ? { status: 'wrap_up', assigneeId: AGENT }
            : kind === 'reopen'
              ? { status: 'closed', assigneeId: AGENT }
              : { status: 'active', assigneeId: AGENT };
        const result = transition(prev, COMMANDS[kind]);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.state.assigneeId).toBe(AGENT);
      },
    );
  });

  describe('customer writes to a finished conversation', () => {
    it('a customer writing to a resolved conversation starts a new conversation linked to it', () => {
      const prev: LifecycleState = { status: 'resolved', assigneeId: AGENT };
      const result = transition(prev, { kind: 'customerMessage' });
      expect(result).toEqual({ ok: true, state: prev, statusChanged: false, startLinkedConversation: true });
    });

    it('a customer writing to an abandoned conversation starts a new conversation linked to it', () => {
      const prev: LifecycleState = { status: 'abandoned', assigneeId: null };
      const result = transition(prev, { kind: 'customerMessage' });
      expect(result).toEqual({ ok: true, state: prev, statusChanged: false, startLinkedConversation: true });
    });

    it('a customer writing to a closed conversation reopens it as active for its assigned agent', () => {
      const result = transition({ status: 'closed', assigneeId: AGENT }, { kind: 'customerMessage' });
      expect(result).toEqual({ ok: true, state: { status: 'active', assigneeId: AGENT }, statusChanged: true });
    });

    it('a customer writing to a closed conversation nobody holds puts it back in the queue', () => {
      const result = transition({ status: 'closed', assigneeId: null }, { kind: 'customerMessage' });
      expect(result).toEqual({ ok: true, state: { status: 'queued', assigneeId: null }, statusChanged: true });
    });

    it('a customer writing to a conversation that is not resolved or abandoned carries on in it', () => {
      for (const status of ['queued', 'active', 'pending', 'wrap_up', 'closed', 'callback'] as const) {
        const result = transition({ status, assigneeId: AGENT }, { kind: 'customerMessage' });
        expect(result.ok && result.startLinkedConversation).toBeFalsy();
      }
    });
  });

  describe('reopening', () => {
    it('reopening a closed conversation nobody holds puts it back in the queue', () => {
      const result = transition({ status: 'closed', assigneeId: null }, { kind: 'reopen' });
      expect(result).toEqual({ ok: true, state: { status: 'queued', assigneeId: null }, statusChanged: true });
    });

    it('reopening a resolved conversation nobody holds puts it back in the queue', () => {
      const result = transition({ status: 'resolved', assigneeId: null }, { kind: 'reopen' });
      expect(result).toEqual({ ok: true, state: { status: 'queued', assigneeId: null }, statusChanged: true });
    });
  });

  describe('history events (statusChanged)', () => {
    it('a reply while already waiting for the customer records no status change', () => {
      const result = transition({ status: 'pending', assigneeId: AGENT }, { kind: 'agentReply' });
      expect(result).toMatchObject({ ok: true, statusChanged: false });
    });

    it('the first reply to an active conversation records a status change to pending', () => {
      const result = transition({ status: 'active', assigneeId: AGENT }, { kind: 'agentReply' });
      expect(result).toMatchObject({ ok: true, state: { status: 'pending' }, statusChanged: true });
    });

    it('a customer message in an active conversation records no status change', () => {
      const result = transition({ status: 'active', assigneeId: AGENT }, { kind: 'customerMessage' });
      expect(result).toMatchObject({ ok: true, statusChanged: false });
    });

    it('a customer answering a pending conversation records a status change back to active', () => {
      const result = transition({ status: 'pending', assigneeId: AGENT }, { kind: 'customerMessage' });
      expect(result).toMatchObject({ ok: true, state: { status: 'active' }, statusChanged: true });
    });

    it('putting a queued conversation back in the queue records no status change', () => {
      const result = transition({ status: 'queued', assigneeId: null }, { kind: 'unassign' });
      expect(result).toMatchObject({ ok: true, state: { status: 'queued' }, statusChanged: false });
    });
  });

  it('never changes the conversation it is given', () => {
    const prev: LifecycleState = Object.freeze({ status: 'closed', assigneeId: AGENT });
    transition(prev, { kind: 'assign', assigneeId: OTHER_AGENT });
    transition(prev, { kind: 'customerMessage' });
    expect(prev).toEqual({ status: 'closed', assigneeId: AGENT });
  });
});

describe('what the agent is told when a conversation is not open', () => {
  it('names the status as the list shows it ("wrap-up", not "wrap_up")', () => {
    expect(transition({ status: 'wrap_up', assigneeId: AGENT }, { kind: 'unassign' })).toEqual({ ok: false, code: 'conversation_not_open', message: 'The conversation is wrap-up; reopen it first.' });
    expect(transition({ status: 'resolved', assigneeId: AGENT }, { kind: 'agentReply' })).toEqual({ ok: false, code: 'conversation_not_open', message: 'The conversation is resolved; reopen it first.' });
  });
});
