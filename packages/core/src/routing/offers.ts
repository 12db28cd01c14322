import { refuse, type Refusal } from '../errors.ts';

export const OFFER_STATUSES = ['offered', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export interface OfferState {
  status: OfferStatus;
  userId: number;
  expiresAt: number;
}

export type OfferCommand =
  | { kind: 'accept'; by: number }
  | { kind: 'decline'; by: number }
  /** The offer timer fired. */
  | { kind: 'expire' }
  /** Taken elsewhere (picked, transferred, reassigned), the agent left, or the customer left. */
  | { kind: 'withdraw' };

export interface OfferOutcome {
  ok: true;
  status: OfferStatus;
  /** The conversation goes back to routing (declined, expired). */
  reroute: boolean;
}

function closed(o: OfferState): Refusal {
  if (o.status === 'accepted') return refuse('offer_already_accepted', 'You already accepted this conversation.');
  if (o.status === 'declined') return refuse('offer_declined', 'You declined this conversation.');
  if (o.status === 'withdrawn') return refuse('offer_withdrawn', 'This conversation was taken elsewhere.');
  return refuse('offer_expired', 'The offer ran out; the conversation went to someone else.');
}

/** The offer state machine: answering, expiring or withdrawing an offer. */
export function answerOffer(o: OfferState, command: OfferCommand, now: number): OfferOutcome | Refusal {
  if ((command.kind === 'accept' || command.kind === 'decline') && command.by !== o.userId) {
    return refuse('offer_not_yours', 'This offer is for another agent.');
  }
  if (o.status !== 'offered') return closed(o);
  switch (command.kind) {
    case 'accept':
      if (now >= o.expiresAt) return refuse('offer_expired', 'The offer ran out; the conversation went to someone else.');
      return { ok: true, status: 'accepted', reroute: false };
    case 'decline':
      return { ok: true, status: 'declined', reroute: true };
    case 'expire':
      if (now < o.expiresAt) return refuse('offer_not_due', 'The offer has time left.');
      return { ok: true, status: 'expired', reroute: true };
    case 'withdraw':
      return { ok: true, status: 'withdrawn', reroute: false };
  }
}
