import type { AgentPresence, Conversation, Offer } from '@switchboard/client';
import type { DataFrame } from '@switchboard/protocol';
import { api } from '../api.ts';
import { createStore, useStore } from './store.ts';
import { reloadAgents, setAgent } from './users.ts';

export interface OpenOffer {
  offer: Offer;
  conversation?: Pick<Conversation, 'id' | 'contact' | 'channel' | 'subject' | 'lastMessage'>;
  /**
   * When the offer runs out by this browser's clock: its length (expiresAt - createdAt, both the
   * server's clock) from when it arrived, so a skewed clock does not skew the countdown. One loaded
   * after a reload may read a little long; the server withdraws it on its own time either way.
   */
  deadline: number;
}

const arrived = (offer: Offer): number => Date.now() + Math.max(0, offer.expiresAt - offer.createdAt);

/** My routing: status, queues served, and the offers made to me now (seed 001). */
export interface OffersState {
  presence: AgentPresence | null;
  offers: OpenOffer[];
}
export const offers = createStore<OffersState>(() => ({ presence: null, offers: [] }));
export const useOffers = () => useStore(offers, (s) => s.offers);
export const usePresence = () => useStore(offers, (s) => s.presence);

export function setPresence(presence: AgentPresence): void {
  offers.set((s) => ({ ...s, presence }));
}

export function removeOffer(offerId: number): void {
  offers.set((s) => ({ ...s, offers: s.offers.filter((x) => x.offer.id !== offerId) }));
}

/** Presence and open offers from /routing, and everyone's presence (at start and after a gap). */
export function reloadRouting(): void {
  api.myRouting().then(
    (r) => offers.set((s) => ({ presence: r.presence, offers: r.offers.map((o) => s.offers.find((p) => p.offer.id === o.id) ?? { offer: o, deadline: arrived(o) }) })),
    () => {},
  );
  reloadAgents();
}

/** presence.updated and offer.* frames (the stream router hands them here). */
export function applyRoutingFrame(frame: DataFrame, meId: number): void {
  if (frame.type === 'presence.updated') {
    const p = frame.data;
    setAgent(p);
    if (p.userId === meId) setPresence(p);
  } else if (frame.type === 'offer.created') {
    const d = frame.data;
    if (d.offer.userId !== meId) return;
    offers.set((s) => ({ ...s, offers: [...s.offers.filter((x) => x.offer.id !== d.offer.id), { offer: d.offer, conversation: d.conversation, deadline: arrived(d.offer) }] }));
  } else if (frame.type === 'offer.withdrawn') {
    removeOffer(frame.data.offerId);
  }
}
