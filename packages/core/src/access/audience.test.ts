import { describe, expect, it } from 'vitest';
import { agentMayReceive, agentMayReplay, customerMayReceive, type EventScope } from './audience.ts';
import type { ConversationScope, Viewer } from './permissions.ts';
import { requestAudience } from '../discuss/consultant.ts';

const SALES = 10;
const SUPPORT = 20;

const viewer = (id: number, role: Viewer['role'], queueIds: number[] = []): Viewer => ({
  id,
  role,
  queueIds: new Set(queueIds),
});

const admin = viewer(1, 'admin');
const salesSupervisor = viewer(2, 'supervisor', [SALES]);
const mark = viewer(3, 'agent', [SALES]);
const nina = viewer(4, 'agent', [SALES]);
const martha = viewer(5, 'agent', [SUPPORT]);

const SMITH = 100;
const JONES = 101;

/** Mark (Sales) consults Martha (Support) about Smith's conversation: seed 000. */
const DISCUSS = requestAudience({ queueId: SALES, initiatorId: mark.id, recipientId: martha.id });

describe('which events reach an agent', () => {
  const rows: [title: string, viewer: Viewer, scope: EventScope, receives: boolean][] = [
    // Private events (unread counts, drafts, a lost conversation).
    ['a private event reaches the user it is for', mark, { userId: mark.id }, true],
    ['a private event does not reach another agent', nina, { userId: mark.id }, false],
    ['a private event does not reach an admin it is not for', admin, { userId: mark.id }, false],
    [
      'a private event about a conversation reaches only its user, not the conversation’s watchers',
      salesSupervisor,
      { userId: mark.id, queueId: SALES, assigneeId: mark.id },
      false,
    ],
    [
      'a private event reaches its user even about a conversation they no longer see',
      mark,
      { userId: mark.id, queueId: SALES, assigneeId: nina.id },
      true,
    ],
    // Workspace-wide events (presence, settings).
    ['a workspace-wide event reaches every agent', martha, {}, true],
    ['a workspace-wide event reaches supervisors', salesSupervisor, {}, true],
    ['a workspace-wide event reaches admins', admin, {}, true],
    ['an event with no private user and no conversation is workspace-wide', nina, { userId: null }, true],
    // Conversation events follow who can see the conversation.
    ['a conversation event reaches its assigned agent', mark, { queueId: SALES, assigneeId: mark.id }, true],
    ['a reassigned conversation stops reaching its previous agent', mark, { queueId: SALES, assigneeId: nina.id }, false],
    ['a reassigned conversation reaches its new agent', nina, { queueId: SALES, assigneeId: nina.id }, true],
    ['a waiting conversation reaches the agents of its queue', nina, { queueId: SALES, assigneeId: null }, true],
    ['a conversation with only a queue is treated as waiting in that queue', nina, { queueId: SALES }, true],
    ['a waiting conversation does not reach agents of other queues', martha, { queueId: SALES, assigneeId: null }, false],
    ['a colleague’s conversation does not reach other agents of the queue', nina, { queueId: SALES, assigneeId: mark.id }, false],
    ['a conversation reaches the supervisor of its queue', salesSupervisor, { queueId: SALES, assigneeId: mark.id }, true],
    ['a conversation does not reach supervisors of other queues', salesSupervisor, { queueId: SUPPORT, assigneeId: martha.id }, false],
    ['a conversation reaches an admin', admin, { queueId: SUPPORT, assigneeId: martha.id }, true],
    [
      'a conversation reaches the expert invited into it',
      martha,
      { queueId: SALES, assigneeId: mark.id, participantIds: [martha.id] },
      true,
    ],
    [
      'an internal note reaches the agents who see the conversation',
      mark,
      { queueId: SALES, assigneeId: mark.id, internal: true, contactId: SMITH },
      true,
    ],
    [
      'an internal note does not reach an agent who cannot see the conversation',
      martha,
      { queueId: SALES, assigneeId: mark.id, internal: true },
      false,
    ],
    // Discuss and assign requests (seed 000): initiator, recipient and the queue's managers only.
    ['a discuss request and its discussion reach the initiator', mark, DISCUSS, true],
    ['a discuss request reaches the colleague asked, even from another queue', martha, DISCUSS, true],
    ['a discussion reaches the supervisor of the conversation’s queue', salesSupervisor, DISCUSS, true],
    ['a discussion reaches an admin', admin, DISCUSS, true],
    ['a discussion does not reach other agents of the queue', nina, DISCUSS, false],
  ];

  it.each(rows)('%s', (_title, who, scope, receives) => {
    expect(agentMayReceive(who, scope)).toBe(receives);
  });
});

describe('which events an agent gets back on replay (judged by who may see the conversation now)', () => {
  const markHad: EventScope = { queueId: SALES, assigneeId: mark.id, participantIds: [], contactId: SMITH };
  const ninaHasIt: ConversationScope = { queueId: SALES, assigneeId: nina.id, participantIds: [] };
  const rows: [title: string, viewer: Viewer, scope: EventScope, current: ConversationScope | null | undefined, receives: boolean][] = [
    ['the previous agent gets none of a reassigned conversation’s history back', mark, markHad, ninaHasIt, false],
    ['the previous agent gets no internal note of it back either', mark, { ...markHad, internal: true }, ninaHasIt, false],
    ['the new agent gets the history from before the reassignment, as REST shows it', nina, markHad, ninaHasIt, true],
    ['a supervisor of the queue still gets it', salesSupervisor, markHad, ninaHasIt, true],
    ['an agent of another queue does not', martha, markHad, ninaHasIt, false],
    ['an expert invited since gets it', martha, markHad, { ...ninaHasIt, participantIds: [martha.id] }, true],
    ['a deleted conversation replays to nobody, not even an admin', admin, markHad, null, false],
    ['a private event still reaches its user, whoever has the conversation now', mark, { userId: mark.id, queueId: SALES }, ninaHasIt, true],
    ['a private event still does not reach the new assignee', nina, { userId: mark.id, queueId: SALES }, ninaHasIt, false],
    ['an event about no conversation keeps its own audience', martha, {}, undefined, true],
    ['a queue-wide event keeps its own audience', martha, { queueId: SALES, assigneeId: null }, undefined, false],
  ];

  it.each(rows)('%s', (_title, who, scope, current, receives) => {
    expect(agentMayReplay(who, scope, current)).toBe(receives);
  });
});

describe('which events reach a customer', () => {
  const rows: [title: string, contactId: number, scope: EventScope, receives: boolean][] = [
    ['a customer receives the events of their own conversation', SMITH, { queueId: SALES, assigneeId: mark.id, contactId: SMITH }, true],
    [
      'a customer receives an event explicitly marked as not internal',
      SMITH,
      { queueId: SALES, assigneeId: mark.id, contactId: SMITH, internal: false },
      true,
    ],
    ['a customer never receives an internal note of their own conversation', SMITH, { queueId: SALES, contactId: SMITH, internal: true }, false],
    [
      'a customer never receives the internal discussion about their conversation',
      SMITH,
      { queueId: SALES, assigneeId: mark.id, participantIds: [martha.id], contactId: SMITH, internal: true },
      false,
    ],
    ['a customer never receives another customer’s events', JONES, { queueId: SALES, assigneeId: mark.id, contactId: SMITH }, false],
    ['a customer never receives an agent’s private event', SMITH, { userId: mark.id, contactId: SMITH }, false],
    ['a customer never receives workspace-wide events', SMITH, {}, false],
    ['a customer never receives an event not addressed to any customer', SMITH, { queueId: SALES, assigneeId: mark.id, contactId: null }, false],
    // Security rule (seed 000: "The client does not see the internal discussion"): requests, their
    // steps and the discussion's messages never reach the customer, even with their contact named.
    ['a customer never receives a discuss request, its steps or its messages', SMITH, DISCUSS, false],
    ['a customer never receives them even if the event named their contact', SMITH, { ...DISCUSS, contactId: SMITH }, false],
  ];

  it.each(rows)('%s', (_title, contactId, scope, receives) => {
    expect(customerMayReceive(contactId, scope)).toBe(receives);
  });
});

describe('an event that names a queue but no assignee', () => {
  it('is a conversation event, not a workspace-wide one: agents outside the queue do not get it', () => {
    expect(agentMayReceive(martha, { queueId: SALES })).toBe(false);
    expect(agentMayReceive(mark, { queueId: SALES })).toBe(true);
    expect(agentMayReceive(martha, { assigneeId: mark.id })).toBe(false);
  });
});

describe('a conversation lost from sight (one conversation.revoked for everyone who lost it)', () => {
  // Nina accepts a waiting Sales conversation: Mark (Sales) loses it, she and the supervisor keep it.
  const taken: EventScope = { queueId: SALES, assigneeId: nina.id, participantIds: [], revokedFrom: { queueId: SALES, assigneeId: null, participantIds: [] } };
  const rows: [title: string, viewer: Viewer, scope: EventScope, receives: boolean][] = [
    ['reaches a queue colleague who could see it waiting and cannot now', mark, taken, true],
    ['not the agent who took it', nina, taken, false],
    ['not the supervisor, who still sees it', salesSupervisor, taken, false],
    ['not the admin, who still sees it', admin, taken, false],
    ['not an agent of another queue, who never saw it', martha, taken, false],
    [
      'reaches the consultant no longer invited, and nobody else',
      martha,
      { queueId: SALES, assigneeId: mark.id, participantIds: [], revokedFrom: { queueId: SALES, assigneeId: mark.id, participantIds: [martha.id] } },
      true,
    ],
    ['not a queue colleague, who could not see the assigned conversation before either', nina, { queueId: SALES, assigneeId: mark.id, participantIds: [], revokedFrom: { queueId: SALES, assigneeId: mark.id, participantIds: [martha.id] } }, false],
  ];

  it.each(rows)('%s', (_title, v, scope, receives) => {
    expect(agentMayReceive(v, scope)).toBe(receives);
  });

  it('on replay, is judged by who sees the conversation now: not for one who sees it again, yes when it is gone', () => {
    expect(agentMayReplay(mark, taken, { queueId: SALES, assigneeId: nina.id, participantIds: [] })).toBe(true);
    expect(agentMayReplay(mark, taken, { queueId: SALES, assigneeId: mark.id, participantIds: [] })).toBe(false); // given to him since
    expect(agentMayReplay(mark, taken, null)).toBe(true);
    expect(agentMayReplay(martha, taken, null)).toBe(false);
  });
});
