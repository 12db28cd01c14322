import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { removeOffer, useOffers } from '../stores/offers.ts';
import { useConversations } from '../stores/conversations.ts';
import { fail } from '../stores/notifications.ts';
import './offers.css';

/**
 * The clock the countdowns read: the time of each render, re-rendered every 250 ms while any offer
 * is open. Not a clock kept in state: a render caused by a new offer would read the time of the last
 * tick (or of mounting, with no offer open), and a 30 s offer would first show 31 s or more.
 */
function useNow(on: boolean): number {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => tick((n) => n + 1), 250);
    return () => clearInterval(t);
  }, [on]);
  return Date.now();
}

/**
 * Offers made to me (seed 001), docked over whatever screen is open (any list tab, Admin, Reports,
 * Tickets, the profile), each with its countdown: an offer the agent cannot see expires unanswered
 * (issue 14, seen 2). Green Accept, red Decline (declining asks nothing).
 */
export function OfferDock({ onAccepted }: { onAccepted: (conversationId: number) => void }) {
  const [busy, setBusy] = useState<Set<number>>(new Set());
  const offers = useOffers();
  const held = useConversations();
  const now = useNow(offers.length > 0);
  // An offer past its time has gone to someone else; the withdrawal frame may still be on its way.
  const open = offers.filter((o) => o.deadline > now);
  if (!open.length) return null;
  const settle = (id: number, on: boolean) =>
    setBusy((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  return (
    <section className="offer-dock" aria-label="Offers for you">
      <ul className="offers">
        {open.map(({ offer, conversation: offered, deadline }) => {
          const conversation = held[offer.conversationId] ?? offered;
          const name = conversation?.contact?.name ?? `Conversation #${offer.conversationId}`;
          const contactLine = conversation?.contact?.email ?? conversation?.contact?.phone ?? null;
          const left = Math.max(0, Math.ceil((deadline - now) / 1000));
          const total = Math.max(1, offer.expiresAt - offer.createdAt);
          const share = Math.min(1, Math.max(0, (deadline - now) / total));
          return (
            <li key={offer.id} className={`offer${left <= 5 ? ' offer-ending' : ''}`} data-offer-id={offer.id} aria-label={`Offer: ${name}`}>
              <div className="offer-main">
                <strong>{name}</strong>
                {contactLine && <span className="offer-contact">{contactLine}</span>}
                {conversation?.lastMessage?.body && <span className="muted offer-text">{conversation.lastMessage.body}</span>}
              </div>
              <div className="offer-countdown">
                <span className="offer-bar" aria-hidden="true">
                  <span style={{ width: `${share * 100}%` }} />
                </span>
                <span className="offer-left" title="The offer passes to another agent when this runs out">
                  {left} s left
                </span>
              </div>
              <div className="offer-actions">
                <button
                  className="btn accept"
                  disabled={busy.has(offer.id)}
                  onClick={() => {
                    settle(offer.id, true);
                    api
                      .acceptOffer(offer.id)
                      .then(
                        (r) => {
                          removeOffer(offer.id);
                          onAccepted(r.conversationId);
                        },
                        (e) => {
                          removeOffer(offer.id);
                          fail(e);
                        },
                      )
                      .finally(() => settle(offer.id, false));
                  }}
                >
                  Accept
                </button>
                <button
                  className="btn decline"
                  disabled={busy.has(offer.id)}
                  onClick={() => {
                    settle(offer.id, true);
                    api
                      .declineOffer(offer.id)
                      .then(() => removeOffer(offer.id), fail)
                      .finally(() => settle(offer.id, false));
                  }}
                >
                  Decline
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
