import { useCallback, useEffect, useState } from 'react';
import type { AgentPresence, AgentStatus, Conversation, Offer, Queue } from '@switchboard/client';
import type { DataFrame } from '@switchboard/protocol';
import { api } from './api.ts';
import { Modal, toggled } from './ui.tsx';

/** The statuses an agent switches between in the header (offline is what signing out means). */
export const STATUSES: Array<{ value: AgentStatus; label: string }> = [
  { value: 'available', label: 'Available' },
  { value: 'busy', label: 'Busy' },
  { value: 'do_not_respond', label: 'Do not respond' },
  { value: 'away', label: 'Away' },
];
export const STATUS_LABEL: Record<AgentStatus, string> = { available: 'Available', busy: 'Busy', do_not_respond: 'Do not respond', away: 'Away', offline: 'Offline' };

export interface OpenOffer {
  offer: Offer;
  conversation?: Pick<Conversation, 'id' | 'contact' | 'channel' | 'subject' | 'lastMessage'>;
}

export interface Routing {
  presence: AgentPresence | null;
  offers: OpenOffer[];
  /** Everyone's presence (status, load, capacity), kept live from `presence.updated`. */
  agents: Record<number, AgentPresence>;
  reload: () => void;
  setPresence: (p: AgentPresence) => void;
  onFrame: (frame: DataFrame) => void;
  removeOffer: (offerId: number) => void;
}

/** Status, queues served, open offers, and everyone's presence, from /routing and the stream. */
export function useRouting(meId: number): Routing {
  const [presence, setPresence] = useState<AgentPresence | null>(null);
  const [offers, setOffers] = useState<OpenOffer[]>([]);
  const [agents, setAgents] = useState<Record<number, AgentPresence>>({});

  const reload = useCallback(() => {
    api.myRouting().then(
      (r) => {
        setPresence(r.presence);
        setOffers((prev) => r.offers.map((o) => prev.find((p) => p.offer.id === o.id) ?? { offer: o }));
      },
      () => {},
    );
    api.agents().then((r) => setAgents(Object.fromEntries(r.items.map((a) => [a.userId, a]))), () => {});
  }, []);
  useEffect(reload, [reload]);

  const onFrame = useCallback(
    (frame: DataFrame) => {
      if (frame.type === 'presence.updated') {
        const p = frame.data;
        setAgents((a) => ({ ...a, [p.userId]: p }));
        if (p.userId === meId) setPresence(p);
      } else if (frame.type === 'offer.created') {
        const d = frame.data;
        if (d.offer.userId !== meId) return;
        setOffers((o) => [...o.filter((x) => x.offer.id !== d.offer.id), { offer: d.offer, conversation: d.conversation }]);
      } else if (frame.type === 'offer.withdrawn') {
        const d = frame.data;
        setOffers((o) => o.filter((x) => x.offer.id !== d.offerId));
      }
    },
    [meId],
  );

  const removeOffer = useCallback((offerId: number) => setOffers((o) => o.filter((x) => x.offer.id !== offerId)), []);
  return { presence, offers, agents, reload, setPresence, onFrame, removeOffer };
}

/** The header's status switch (seed 001: only available agents are offered conversations). */
export function StatusSwitch({ routing, fail }: { routing: Routing; fail: (e: unknown) => void }) {
  const status = routing.presence?.status ?? 'offline';
  return (
    <label className={`status-switch st-${status}`}>
      <span className="status-dot" aria-hidden="true" />
      <span className="sr-only">My status</span>
      <select
        aria-label="My status"
        value={status}
        onChange={(e) => {
          api.setStatus(e.target.value as AgentStatus).then((r) => routing.setPresence(r.presence), fail);
        }}
      >
        {status === 'offline' && <option value="offline">Offline</option>}
        {STATUSES.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Seed 001 step 2: "Select the queues where you are supposed to serve." */
export function QueueChooser({ routing, queues, onClose, fail, startOfDay }: { routing: Routing; queues: Queue[]; onClose: () => void; fail: (e: unknown) => void; startOfDay: boolean }) {
  const mine = queues.filter((q) => routing.presence?.queueIds.includes(q.id));
  const [chosen, setChosen] = useState<Set<number>>(() => new Set(routing.presence?.servingQueueIds ?? []));
  const [available, setAvailable] = useState(startOfDay || routing.presence?.status === 'available');
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    try {
      let r = await api.chooseQueues([...chosen]);
      if (available && r.presence.status !== 'available') r = await api.setStatus('available');
      routing.setPresence(r.presence);
      onClose();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      title="Choose your queues"
      onClose={onClose}
      footer={
        <>
          <button className="btn" onClick={onClose}>
            {startOfDay ? 'Later' : 'Cancel'}
          </button>
          <button className="btn primary" disabled={busy} onClick={() => void save()}>
            {startOfDay ? 'Start serving' : 'Save'}
          </button>
        </>
      }
    >
      {mine.length === 0 ? (
        <p className="muted">You are not a member of any queue yet. An administrator can add you to one.</p>
      ) : (
        <fieldset className="queue-choices">
          <legend className="muted">Serve conversations from these queues:</legend>
          {mine.map((q) => (
            <label key={q.id} className="check">
              <input
                type="checkbox"
                checked={chosen.has(q.id)}
                onChange={(e) => setChosen((s) => toggled(s, q.id, e.target.checked))}
              />
              <span>{q.name}</span>
              <span className="muted small">{q.routingMode.replace(/_/g, ' ')}</span>
            </label>
          ))}
        </fieldset>
      )}
      <label className="check">
        <input type="checkbox" checked={available} onChange={(e) => setAvailable(e.target.checked)} />
        <span>Set my status to Available</span>
      </label>
    </Modal>
  );
}

/** Offers made to me (seed 001): green Accept, red Decline (declining asks nothing). */
export function OfferCards({ routing, held, onAccepted, fail }: { routing: Routing; held: Record<number, Conversation>; onAccepted: (conversationId: number) => void; fail: (e: unknown) => void }) {
  const [busy, setBusy] = useState<number | null>(null);
  if (!routing.offers.length) return null;
  return (
    <ul className="offers" aria-label="Offers for you">
      {routing.offers.map(({ offer, conversation: offered }) => {
        const conversation = held[offer.conversationId] ?? offered;
        const name = conversation?.contact?.name ?? `Conversation #${offer.conversationId}`;
        const contactLine = conversation?.contact?.email ?? conversation?.contact?.phone ?? null;
        return (
          <li key={offer.id} className="offer" data-offer-id={offer.id} aria-label={`Offer: ${name}`}>
            <div className="offer-main">
              <strong>{name}</strong>
              {contactLine && <span className="offer-contact">{contactLine}</span>}
              {conversation?.lastMessage?.body && <span className="muted offer-text">{conversation.lastMessage.body}</span>}
            </div>
            <div className="offer-actions">
              <button
                className="btn accept"
                disabled={busy === offer.id}
                onClick={() => {
                  setBusy(offer.id);
                  api
                    .acceptOffer(offer.id)
                    .then((r) => {
                      routing.removeOffer(offer.id);
                      onAccepted(r.conversationId);
                    }, (e) => {
                      routing.removeOffer(offer.id);
                      fail(e);
                    })
                    .finally(() => setBusy(null));
                }}
              >
                Accept
              </button>
              <button
                className="btn decline"
                disabled={busy === offer.id}
                onClick={() => {
                  setBusy(offer.id);
                  api
                    .declineOffer(offer.id)
                    .then(() => routing.removeOffer(offer.id), fail)
                    .finally(() => setBusy(null));
                }}
              >
                Decline
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
