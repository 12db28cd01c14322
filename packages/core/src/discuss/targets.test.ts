import { describe, expect, it } from 'vitest';
import type { Viewer } from '../access/permissions.ts';
import { checkNewRequest, mayBeAskedAbout, mayRequest, recipientTypeOf, type Colleague, type NewRequest } from './targets.ts';
import { isConsultant, mayReadDiscussion, mayReadRequest, refuseCustomerFacing } from './consultant.ts';

const SALES = 10;
const SUPPORT = 20;
const colleague = (id: number, role: Colleague['role'], queues: number[], disabled = false): Colleague => ({ id, role, queueIds: new Set(queues), disabled });
const viewer = (id: number, role: Viewer['role'], queues: number[] = []): Viewer => ({ id, role, queueIds: new Set(queues) });

const mark = colleague(3, 'agent', [SALES]);
const martha = colleague(5, 'agent', [SALES]);
const nina = colleague(4, 'agent', [SUPPORT]);
const sam = colleague(6, 'supervisor', [SALES]);
const sue = colleague(7, 'supervisor', [SUPPORT]);
const ada = colleague(1, 'admin', []);
const gone = colleague(8, 'agent', [SALES], true);

const base = (over: Partial<NewRequest>): NewRequest => ({
  type: 'discuss',
  initiatorId: mark.id,
  recipient: martha,
  recipientType: 'user',
  conversation: { queueId: SALES, assigneeId: mark.id },
  open: [],
  ...over,
});

describe('who may be asked', () => {
  it.each([
    ['an agent of the queue', martha, SALES, true],
    ['an agent of another queue', nina, SALES, false],
    ['the supervisor of the queue', sam, SALES, true],
    ['a supervisor of another queue', sue, SALES, false],
    ['an admin, who manages every queue', ada, SALES, true],
    ['an admin, about a conversation with no queue', ada, null, true],
    ['an agent, about a conversation with no queue', martha, null, false],
    ['a deactivated colleague', gone, SALES, false],
  ] as [string, Colleague, number | null, boolean][])('%s', (_t, who, queue, ok) => {
    expect(mayBeAskedAbout(who, queue)).toBe(ok);
  });

  it('User is an agent, Manager a supervisor or an admin', () => {
    expect(recipientTypeOf('agent')).toBe('user');
    expect(recipientTypeOf('supervisor')).toBe('manager');
    expect(recipientTypeOf('admin')).toBe('manager');
  });
});

describe('sending a request', () => {
  const cases: [title: string, req: NewRequest, code: string | null][] = [
    ['discuss with a colleague of the queue', base({}), null],
    ['discuss with the queue’s supervisor as a manager', base({ recipient: sam, recipientType: 'manager' }), null],
    ['assign to a colleague of the queue', base({ type: 'assign' }), null],
    ['never oneself', base({ recipient: mark }), 'cannot_request_yourself'],
    ['never oneself, for assign', base({ type: 'assign', recipient: mark }), 'cannot_request_yourself'],
    ['a supervisor picked as a User', base({ recipient: sam, recipientType: 'user' }), 'recipient_type_mismatch'],
    ['an agent picked as a Manager', base({ recipientType: 'manager' }), 'recipient_type_mismatch'],
    ['someone outside the queue', base({ recipient: nina }), 'recipient_not_in_queue'],
    ['a deactivated colleague', base({ recipient: gone }), 'recipient_not_found'],
    [
      'the current consultant again',
      base({ open: [{ type: 'discuss', status: 'accepted', initiatorId: mark.id, recipientId: martha.id }] }),
      'discussion_already_open',
    ],
    [
      'a second discuss request to the same colleague while the first waits',
      base({ open: [{ type: 'discuss', status: 'pending', initiatorId: mark.id, recipientId: martha.id }] }),
      'discussion_already_open',
    ],
    [
      'a discussion with her again once the first has ended',
      base({ open: [{ type: 'discuss', status: 'ended', initiatorId: mark.id, recipientId: martha.id }] }),
      null,
    ],
    [
      'a second consultant while one discussion is active',
      base({ recipient: sam, recipientType: 'manager', open: [{ type: 'discuss', status: 'accepted', initiatorId: mark.id, recipientId: martha.id }] }),
      null,
    ],
    [
      'a second assign request while one waits',
      base({ type: 'assign', recipient: sam, recipientType: 'manager', open: [{ type: 'assign', status: 'pending', initiatorId: mark.id, recipientId: martha.id }] }),
      'assign_request_pending',
    ],
    [
      'an assign request after the last one was rejected',
      base({ type: 'assign', open: [{ type: 'assign', status: 'rejected', initiatorId: mark.id, recipientId: martha.id }] }),
      null,
    ],
    [
      'an assign request to the consultant of an active discussion',
      base({ type: 'assign', open: [{ type: 'discuss', status: 'accepted', initiatorId: mark.id, recipientId: martha.id }] }),
      null,
    ],
    ['an admin assigning to the agent already in charge', base({ type: 'assign', initiatorId: ada.id, recipient: mark }), 'already_assigned'],
    ['an admin asking the agent in charge to discuss', base({ initiatorId: ada.id, recipient: mark }), 'recipient_in_charge'],
  ];
  it.each(cases)('%s', (_t, req, code) => {
    const r = checkNewRequest(req);
    if (code === null) expect(r).toBe(null);
    else expect(r).toMatchObject({ ok: false, code });
  });
});

describe('who may send a request', () => {
  const scope = { queueId: SALES, assigneeId: mark.id, participantIds: [] };
  it.each([
    ['the agent in charge', viewer(mark.id, 'agent', [SALES]), true],
    ['an admin', viewer(ada.id, 'admin'), true],
    ['another agent of the queue', viewer(martha.id, 'agent', [SALES]), false],
    ['the supervisor of the queue (reassigns instead)', viewer(sam.id, 'supervisor', [SALES]), false],
  ] as [string, Viewer, boolean][])('%s', (_t, who, ok) => {
    expect(mayRequest(who, scope)).toBe(ok);
  });
});

describe('the consultant', () => {
  const during = { queueId: SALES, assigneeId: mark.id, participantIds: [nina.id] };
  it.each([
    ['an agent from another queue consulting', viewer(nina.id, 'agent', [SUPPORT]), during, 'consultant_cannot_message_customer'],
    ['an admin consulting is refused as well', viewer(ada.id, 'admin'), { ...during, participantIds: [ada.id] }, 'consultant_cannot_message_customer'],
    ['the agent in charge is not refused', viewer(mark.id, 'agent', [SALES]), during, null],
    ['after the discussion (no longer a participant) the rule no longer applies', viewer(nina.id, 'agent', [SUPPORT]), { ...during, participantIds: [] }, null],
  ] as [string, Viewer, typeof during, string | null][])('%s', (_t, who, scope, code) => {
    const r = refuseCustomerFacing(who, scope);
    if (code === null) expect(r).toBe(null);
    else expect(r).toMatchObject({ ok: false, code });
    expect(isConsultant(who, scope)).toBe(code !== null);
  });

  const req = { queueId: SALES, initiatorId: mark.id, recipientId: nina.id };
  it.each([
    ['the initiator reads the request', viewer(mark.id, 'agent', [SALES]), true],
    ['the recipient reads the request', viewer(nina.id, 'agent', [SUPPORT]), true],
    ['the queue’s supervisor reads it', viewer(sam.id, 'supervisor', [SALES]), true],
    ['an admin reads it', viewer(ada.id, 'admin'), true],
    ['another agent of the queue does not', viewer(martha.id, 'agent', [SALES]), false],
    ['another queue’s supervisor does not', viewer(sue.id, 'supervisor', [SUPPORT]), false],
  ] as [string, Viewer, boolean][])('%s', (_t, who, ok) => {
    expect(mayReadRequest(who, req)).toBe(ok);
  });

  it.each([
    ['the consultant reads the discussion while it is active', viewer(nina.id, 'agent', [SUPPORT]), true, true],
    ['the consultant no longer reads it once it has ended', viewer(nina.id, 'agent', [SUPPORT]), false, false],
    ['the initiator reads it after it has ended', viewer(mark.id, 'agent', [SALES]), false, true],
    ['the queue’s supervisor reads it after it has ended', viewer(sam.id, 'supervisor', [SALES]), false, true],
    ['another agent of the queue never reads it', viewer(martha.id, 'agent', [SALES]), true, false],
  ] as [string, Viewer, boolean, boolean][])('%s', (_t, who, activeNow, ok) => {
    expect(mayReadDiscussion(who, { ...req, active: activeNow })).toBe(ok);
  });
});

describe('what the initiator is told when a request cannot be sent', () => {
  const rows: [string, Partial<NewRequest>, string, string][] = [
    ['to oneself', { recipient: mark }, 'cannot_request_yourself', 'Pick a colleague, not yourself.'],
    ['to a deactivated colleague', { recipient: gone }, 'recipient_not_found', 'No such colleague.'],
    ['to a manager picked as a user', { recipient: sam, recipientType: 'user' }, 'recipient_type_mismatch', 'That colleague is a manager, not a user.'],
    ['to a user picked as a manager', { recipient: martha, recipientType: 'manager' }, 'recipient_type_mismatch', 'That colleague is a user, not a manager.'],
    ['to someone outside the queue', { recipient: nina }, 'recipient_not_in_queue', 'That colleague does not work in this conversation’s queue.'],
    ['an assign request to the one in charge', { type: 'assign', initiatorId: ada.id, recipient: martha, conversation: { queueId: SALES, assigneeId: martha.id } }, 'already_assigned', 'That colleague is already in charge of this conversation.'],
    ['a second assign request', { type: 'assign', open: [{ type: 'assign', status: 'pending', initiatorId: mark.id, recipientId: sam.id }] }, 'assign_request_pending', 'An assign request for this conversation is already waiting for an answer.'],
    ['a discussion with the one in charge', { initiatorId: ada.id, recipient: martha, conversation: { queueId: SALES, assigneeId: martha.id } }, 'recipient_in_charge', 'That colleague is in charge of this conversation already.'],
    ['a second discussion with the same colleague', { open: [{ type: 'discuss', status: 'accepted', initiatorId: mark.id, recipientId: martha.id }] }, 'discussion_already_open', 'A discussion with that colleague about this conversation is already open or waiting.'],
  ];
  it.each(rows)('%s', (_t, over, code, message) => {
    expect(checkNewRequest(base(over))).toEqual({ ok: false, code, message });
  });
  it('a discussion with another colleague may run beside an open one', () => {
    expect(checkNewRequest(base({ recipient: sam, recipientType: 'manager', open: [{ type: 'discuss', status: 'accepted', initiatorId: mark.id, recipientId: martha.id }] }))).toBeNull();
  });
});
