import { refuse, type Refusal } from '../errors.ts';

/**
 * Assign and discuss requests (seed 000). An assign request asks a colleague to take the
 * conversation over; a discuss request asks one to consult privately on it. Both wait for the
 * recipient's answer (a transfer, by contrast, moves at once).
 */
export const REQUEST_TYPES = ['assign', 'discuss'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/**
 * `pending → accepted | rejected | withdrawn | timed_out | cancelled`; a discuss request once
 * accepted is an active discussion: `accepted → ended | left`. `cancelled` is the system's word for a
 * pending request made moot because the initiator lost the conversation (transfer, reassign).
 */
export const REQUEST_STATUSES = ['pending', 'accepted', 'rejected', 'withdrawn', 'timed_out', 'cancelled', 'ended', 'left'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Seed 000's "user type": User is an agent, Manager a supervisor or an admin. */
export const RECIPIENT_TYPES = ['user', 'manager'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];

/** Why a discussion ended without the initiator's "Was the issue resolved?". */
export const END_CAUSES = ['ended_by_initiator', 'left_by_consultant', 'initiator_lost_conversation'] as const;
export type EndCause = (typeof END_CAUSES)[number];

export interface RequestState {
  type: RequestType;
  status: RequestStatus;
  initiatorId: number;
  recipientId: number;
}

export type RequestCommand =
  | { kind: 'accept'; byUserId: number }
  | { kind: 'reject'; byUserId: number; reason: string }
  | { kind: 'withdraw'; byUserId: number; reason: string }
  | { kind: 'timeOut' }
  | { kind: 'end'; byUserId: number; resolved: boolean }
  | { kind: 'leave'; byUserId: number }
  /** The initiator lost the conversation (transfer, reassign, an assign request accepted). */
  | { kind: 'initiatorLostConversation' };
export type RequestCommandKind = RequestCommand['kind'];

/** A timer the caller stores as a row (or deletes), next to the state it guards. */
export type RequestTimer = { set: { kind: RequestTimerKind; dueAt: number } } | { clear: RequestTimerKind };
export const REQUEST_TIMER_KINDS = ['assign_request_timeout', 'discuss_request_timeout'] as const;
export type RequestTimerKind = (typeof REQUEST_TIMER_KINDS)[number];

/**
 * What else the step does, for the caller to carry out in the same transaction:
 * open or close the consultant's view of the conversation, or move the conversation (assign).
 */
export type RequestEffect = 'open_discussion' | 'close_discussion' | 'move_conversation';

export interface RequestStep {
  ok: true;
  status: RequestStatus;
  reason?: string;
  resolved?: boolean;
  endCause?: EndCause;
  timers: RequestTimer[];
  effects: RequestEffect[];
}
export type RequestStepResult = RequestStep | Refusal;

export const timerKindOf = (type: RequestType): RequestTimerKind => (type === 'assign' ? 'assign_request_timeout' : 'discuss_request_timeout');

/** A new request is pending, with its timeout as a timer (seed 000: "Auto Timeout for Requests"). */
export function openRequest(type: RequestType, now: number, timeoutMs: number): RequestStep {
  return { ok: true, status: 'pending', timers: [{ set: { kind: timerKindOf(type), dueAt: now + timeoutMs } }], effects: [] };
}

/** A reason has to say something; 500 characters is plenty for "Busy with another case". */
export const MAX_REASON_LENGTH = 500;

function checkReason(reason: string): Refusal | null {
  const r = reason.trim();
  if (!r) return refuse('reason_required', 'Give a reason.');
  if (r.length > MAX_REASON_LENGTH) return refuse('reason_too_long', `A reason has at most ${MAX_REASON_LENGTH} characters.`);
  return null;
}

const ACTIVE_WORD: Record<RequestStatus, string> = {
  pending: 'still waiting for an answer',
  accepted: 'already accepted',
  rejected: 'already rejected',
  withdrawn: 'already withdrawn',
  timed_out: 'already timed out',
  cancelled: 'already cancelled',
  ended: 'already ended',
  left: 'already over: the consultant left',
};

const notPending = (s: RequestStatus) => refuse('request_not_pending', `This request is ${ACTIVE_WORD[s]}.`);

/**
 * The request state machine. Pure: it checks who may take the step (the recipient answers, the
 * initiator withdraws and ends, the consultant leaves) and whether the step makes sense now.
 */
export function stepRequest(prev: RequestState, command: RequestCommand): RequestStepResult {
  const s = prev.status;
  const clearTimer: RequestTimer = { clear: timerKindOf(prev.type) };
  const isDiscussion = prev.type === 'discuss' && s === 'accepted';
  switch (command.kind) {
    case 'accept':
    case 'reject': {
      if (command.byUserId !== prev.recipientId) return refuse('not_recipient', 'Only the colleague asked can answer this request.');
      if (s !== 'pending') return notPending(s);
      if (command.kind === 'accept') {
        return { ok: true, status: 'accepted', timers: [clearTimer], effects: [prev.type === 'assign' ? 'move_conversation' : 'open_discussion'] };
      }
      const bad = checkReason(command.reason);
      if (bad) return bad;
      return { ok: true, status: 'rejected', reason: command.reason.trim(), timers: [clearTimer], effects: [] };
    }
    case 'withdraw': {
      if (command.byUserId !== prev.initiatorId) return refuse('not_initiator', 'Only the colleague who sent this request can withdraw it.');
      // Seed 000: "withdraw the request before it is accepted".
      if (s !== 'pending') return notPending(s);
      const bad = checkReason(command.reason);
      if (bad) return bad;
      return { ok: true, status: 'withdrawn', reason: command.reason.trim(), timers: [clearTimer], effects: [] };
    }
    case 'timeOut':
      if (s !== 'pending') return notPending(s);
      return { ok: true, status: 'timed_out', timers: [], effects: [] };
    case 'end':
      if (prev.type !== 'discuss') return refuse('not_a_discussion', 'Only a discussion can be ended.');
      if (command.byUserId !== prev.initiatorId) return refuse('not_initiator', 'Only the colleague who started the discussion can end it; the consultant leaves.');
      if (!isDiscussion) return refuse('discussion_not_active', s === 'pending' ? 'The request has not been accepted yet; withdraw it instead.' : `The discussion is ${ACTIVE_WORD[s]}.`);
      return { ok: true, status: 'ended', resolved: command.resolved, endCause: 'ended_by_initiator', timers: [], effects: ['close_discussion'] };
    case 'leave':
      if (prev.type !== 'discuss') return refuse('not_a_discussion', 'Only a discussion can be left.');
      if (command.byUserId !== prev.recipientId) return refuse('not_consultant', 'Only the consultant leaves a discussion; the initiator ends it.');
      if (!isDiscussion) return refuse('discussion_not_active', s === 'pending' ? 'The request has not been accepted yet; reject it instead.' : `The discussion is ${ACTIVE_WORD[s]}.`);
      return { ok: true, status: 'left', endCause: 'left_by_consultant', timers: [], effects: ['close_discussion'] };
    case 'initiatorLostConversation':
      if (s === 'pending') return { ok: true, status: 'cancelled', endCause: 'initiator_lost_conversation', timers: [clearTimer], effects: [] };
      if (isDiscussion) return { ok: true, status: 'ended', endCause: 'initiator_lost_conversation', timers: [], effects: ['close_discussion'] };
      return refuse('request_not_open', `This request is ${ACTIVE_WORD[s]}.`);
  }
}

/** Pending requests wait; an accepted discuss request is an active discussion. Both count as open. */
export function isOpen(r: Pick<RequestState, 'type' | 'status'>): boolean {
  return r.status === 'pending' || (r.type === 'discuss' && r.status === 'accepted');
}
