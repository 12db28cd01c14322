import { useEffect, useState } from 'react';
import type { AgentPresence } from '@switchboard/client';
import type { Conversation } from '../types.ts';
import type { Directory } from '../stores/directory.ts';
import { api } from '../api.ts';
import { STATUS_LABEL } from '../routing/statuses.ts';
import { Modal } from '../ui.tsx';

/**
 * Seed 004: transfer to an agent (each with their live status and load against capacity) or to a
 * queue (it re-enters routing), with a note the recipient sees in the history.
 */
export function TransferDialog({ c, dir, onClose, onDone, fail }: { c: Conversation; dir: Directory; onClose: () => void; onDone: (text: string) => void; fail: (e: unknown) => void }) {
  const [to, setTo] = useState<'agent' | 'queue'>('agent');
  const [agentId, setAgentId] = useState<number | null>(null);
  const [queueId, setQueueId] = useState<number | ''>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [agents, setAgents] = useState<AgentPresence[]>(() => Object.values(dir.agents));

  // Fresh figures when the dialog opens; live ones keep coming through the directory.
  useEffect(() => {
    api.agents().then((r) => setAgents(r.items), () => {});
  }, []);
  const live = agents.map((a) => dir.agents[a.userId] ?? a);
  const candidates = live.filter((a) => a.userId !== c.assigneeId).sort((a, b) => Number(b.status === 'available') - Number(a.status === 'available') || a.name.localeCompare(b.name));
  const queueDefault = (a: AgentPresence) => a.capacity ?? 5;

  async function submit() {
    setBusy(true);
    try {
      if (to === 'agent' && agentId !== null) {
        await api.transferToAgent(c.id, agentId, note.trim() || undefined);
        onDone(`Transferred to ${live.find((a) => a.userId === agentId)?.name ?? 'the agent'}.`);
      } else if (to === 'queue' && queueId !== '') {
        await api.transferToQueue(c.id, queueId, note.trim() || undefined);
        onDone(`Transferred to ${dir.queues.find((q) => q.id === queueId)?.name ?? 'the queue'}.`);
      }
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  const ready = to === 'agent' ? agentId !== null : queueId !== '';
  return (
    <Modal
      title="Transfer conversation"
      onClose={onClose}
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={busy || !ready} onClick={() => void submit()}>
            Transfer
          </button>
        </>
      }
    >
      <div className="segmented" role="radiogroup" aria-label="Transfer to">
        <label className={to === 'agent' ? 'on' : ''}>
          <input type="radio" name="transfer-to" checked={to === 'agent'} onChange={() => setTo('agent')} />
          To an agent
        </label>
        <label className={to === 'queue' ? 'on' : ''}>
          <input type="radio" name="transfer-to" checked={to === 'queue'} onChange={() => setTo('queue')} />
          To a queue
        </label>
      </div>
      {to === 'agent' ? (
        <ul className="agent-pick" aria-label="Agents">
          {candidates.map((a) => {
            const cap = queueDefault(a);
            const full = a.load >= cap;
            return (
              <li key={a.userId}>
                <label className={`agent-row${agentId === a.userId ? ' on' : ''}`} data-agent-id={a.userId}>
                  <input type="radio" name="transfer-agent" checked={agentId === a.userId} onChange={() => setAgentId(a.userId)} aria-label={`${a.name}, ${STATUS_LABEL[a.status]}, ${a.load} of ${cap}`} />
                  <span className={`status-dot st-${a.status}`} aria-hidden="true" />
                  <span className="agent-name">{a.name}</span>
                  <span className="muted agent-status">{STATUS_LABEL[a.status]}</span>
                  <span className={`agent-load${full ? ' full' : ''}`} title="Active conversations against capacity">
                    {a.load} / {cap}
                  </span>
                </label>
              </li>
            );
          })}
          {!candidates.length && <li className="muted">Nobody else to transfer to.</li>}
        </ul>
      ) : (
        <label className="field">
          <span>Queue</span>
          <select aria-label="Queue" value={queueId} onChange={(e) => setQueueId(e.target.value ? Number(e.target.value) : '')}>
            <option value="">Choose a queue…</option>
            {dir.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
                {q.id === c.queueId ? ' (current)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field">
        <span>Transfer note (optional)</span>
        <textarea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Customer needs Spanish support" />
      </label>
    </Modal>
  );
}
