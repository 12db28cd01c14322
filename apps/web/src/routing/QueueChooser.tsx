import { useState } from 'react';
import { api } from '../api.ts';
import { Modal, toggled } from '../ui.tsx';
import { setPresence, usePresence } from '../stores/offers.ts';
import { useQueues } from '../stores/queues.ts';
import { fail } from '../stores/notifications.ts';

/** Seed 001 step 2: "Select the queues where you are supposed to serve." */
export function QueueChooser({ onClose, startOfDay }: { onClose: () => void; startOfDay: boolean }) {
  const presence = usePresence();
  const queues = useQueues();
  const mine = queues.filter((q) => presence?.queueIds.includes(q.id));
  const [chosen, setChosen] = useState<Set<number>>(() => new Set(presence?.servingQueueIds ?? []));
  const [available, setAvailable] = useState(startOfDay || presence?.status === 'available');
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    try {
      let r = await api.chooseQueues([...chosen]);
      if (available && r.presence.status !== 'available') r = await api.setStatus('available');
      setPresence(r.presence);
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
