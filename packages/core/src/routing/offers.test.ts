import { describe, expect, it } from 'vitest';
import { answerOffer, type OfferCommand, type OfferState } from './offers.ts';

const MARK = 1;
const NINA = 2;
const NOW = 1_000;
const open: OfferState = { status: 'offered', userId: MARK, expiresAt: NOW + 30 };

describe('answering an offer', () => {
  const rows: [string, OfferState, OfferCommand, number, string][] = [
    ['the offered agent accepts in time', open, { kind: 'accept', by: MARK }, NOW, 'accepted'],
    ['the offered agent declines: it returns to the queue', open, { kind: 'decline', by: MARK }, NOW, 'declined+reroute'],
    ['another agent cannot accept someone else’s offer', open, { kind: 'accept', by: NINA }, NOW, 'offer_not_yours'],
    ['another agent cannot decline someone else’s offer', open, { kind: 'decline', by: NINA }, NOW, 'offer_not_yours'],
    ['an offer cannot be accepted once its time has run out, even before the timer fired', open, { kind: 'accept', by: MARK }, NOW + 30, 'offer_expired'],
    ['an unanswered offer expires when its time runs out: it passes on', open, { kind: 'expire' }, NOW + 30, 'expired+reroute'],
    ['an offer with time left does not expire', open, { kind: 'expire' }, NOW + 29, 'offer_not_due'],
    ['an accepted offer does not expire', { ...open, status: 'accepted' }, { kind: 'expire' }, NOW + 30, 'offer_already_accepted'],
    ['an expired offer cannot be accepted', { ...open, status: 'expired' }, { kind: 'accept', by: MARK }, NOW, 'offer_expired'],
    ['a withdrawn offer cannot be accepted', { ...open, status: 'withdrawn' }, { kind: 'accept', by: MARK }, NOW, 'offer_withdrawn'],
    ['a declined offer cannot be accepted afterwards', { ...open, status: 'declined' }, { kind: 'accept', by: MARK }, NOW, 'offer_declined'],
    ['an open offer is withdrawn when the conversation is taken elsewhere', open, { kind: 'withdraw' }, NOW, 'withdrawn'],
  ];
  it.each(rows)('%s', (_t, offer, command, now, expected) => {
    const r = answerOffer(offer, command, now);
    expect(r.ok ? `${r.status}${r.reroute ? '+reroute' : ''}` : r.code).toBe(expected);
  });
});

describe('what the agent is told when an answer comes too late or from the wrong person', () => {
  const rows: [string, OfferState, OfferCommand, number, string, string][] = [
    ['someone else’s offer', open, { kind: 'decline', by: NINA }, NOW, 'offer_not_yours', 'This offer is for another agent.'],
    ['accepted already', { ...open, status: 'accepted' }, { kind: 'accept', by: MARK }, NOW, 'offer_already_accepted', 'You already accepted this conversation.'],
    ['declined already', { ...open, status: 'declined' }, { kind: 'accept', by: MARK }, NOW, 'offer_declined', 'You declined this conversation.'],
    ['taken elsewhere', { ...open, status: 'withdrawn' }, { kind: 'accept', by: MARK }, NOW, 'offer_withdrawn', 'This conversation was taken elsewhere.'],
    ['run out (timer fired)', { ...open, status: 'expired' }, { kind: 'accept', by: MARK }, NOW, 'offer_expired', 'The offer ran out; the conversation went to someone else.'],
    ['run out (timer not fired yet)', open, { kind: 'accept', by: MARK }, NOW + 30, 'offer_expired', 'The offer ran out; the conversation went to someone else.'],
    ['a timer firing early', open, { kind: 'expire' }, NOW, 'offer_not_due', 'The offer has time left.'],
  ];
  it.each(rows)('%s', (_t, offer, command, now, code, message) => {
    expect(answerOffer(offer, command, now)).toEqual({ ok: false, code, message });
  });
});
