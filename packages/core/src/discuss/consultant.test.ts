import { describe, expect, it } from 'vitest';
import type { Viewer } from '../access/permissions.ts';
import { isConsultant, mayReplayRequestEvent, refuseCustomerFacing, type RequestNow } from './consultant.ts';

const SALES = 1;
const viewer = (id: number, role: Viewer['role'], queues: number[] = [SALES]): Viewer => ({ id, role, queueIds: new Set(queues) });
const MARK = viewer(3, 'agent'); // initiator
const MARTHA = viewer(5, 'agent'); // the consultant
const PAUL = viewer(6, 'agent'); // an agent of the queue, not in it
const SAM = viewer(7, 'supervisor'); // manager of the queue
const SUE = viewer(8, 'supervisor', [2]); // manager of another queue
const ADA = viewer(9, 'admin', []);

const request = (active: boolean): RequestNow => ({ queueId: SALES, initiatorId: MARK.id, recipientId: MARTHA.id, active });

// Security rule (issue 11, item 6): replay judges by who may read the request now, as REST does.
const cases: [string, Viewer, string, RequestNow | null, boolean][] = [
  ['the consultant, during the discussion, its messages', MARTHA, 'discussion.message', request(true), true],
  ['the consultant, after it ended, its messages', MARTHA, 'discussion.message', request(false), false],
  ['the consultant, after it ended, its typing', MARTHA, 'discussion.typing', request(false), false],
  ['the consultant, after it ended, the steps of her request', MARTHA, 'request.answered', request(false), true],
  ['the consultant, after it ended, its end', MARTHA, 'discussion.ended', request(false), true],
  ['the initiator, after it ended, its messages', MARK, 'discussion.message', request(false), true],
  ['the queue’s manager, after it ended, its messages', SAM, 'discussion.message', request(false), true],
  ['an admin, after it ended, its messages', ADA, 'discussion.message', request(false), true],
  ['an agent of the queue, during it, its messages', PAUL, 'discussion.message', request(true), false],
  ['an agent of the queue, the request', PAUL, 'request.created', request(true), false],
  ['another queue’s manager, its messages', SUE, 'discussion.message', request(true), false],
  ['anyone, a request that is gone', MARK, 'discussion.message', null, false],
];

describe('mayReplayRequestEvent', () => {
  it.each(cases)('%s', (_name, v, type, r, expected) => {
    expect(mayReplayRequestEvent(v, type, r)).toBe(expected);
  });
});

describe('who counts as the consultant (and may not write to the customer)', () => {
  const c = { queueId: SALES, assigneeId: MARK.id, participantIds: [MARTHA.id] };
  it('the invited colleague does, and is told why', () => {
    expect(isConsultant(MARTHA, c)).toBe(true);
    expect(refuseCustomerFacing(MARTHA, c)).toEqual({ ok: false, code: 'consultant_cannot_message_customer', message: 'You are consulting on this conversation: you cannot act towards the customer.' });
  });
  it('a queue colleague who was not invited does not, nor does the agent in charge', () => {
    expect(isConsultant(PAUL, c)).toBe(false);
    expect(refuseCustomerFacing(PAUL, c)).toBeNull();
    expect(isConsultant(MARK, { ...c, participantIds: [MARK.id] })).toBe(false);
  });
});
