import { useEffect, useState } from 'react';
import type { Queue, QueueRouting } from '@switchboard/client';
import type { Directory } from '../stores/directory.ts';
import { api } from '../api.ts';
import { Card, CheckboxSet } from './parts.tsx';
import { QueueClosingFields } from './queueClosing.tsx';

type Toast = (text: string, kind?: 'error' | 'info') => void;


const MIN = 60_000;

export function Queues({ dir, reload, fail, toast }: { dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Toast }) {
  const [chosen, setOpen] = useState<number | null>(null);
  // The first queue until one is chosen: opened straight at /admin/queues, the queues load after the first render.
  const open = chosen ?? dir.queues[0]?.id ?? null;
  const [name, setName] = useState('');
  return (
    <>
      <Card title="Queues">
        <ul className="queue-list">
          {dir.queues.map((q) => (
            <li key={q.id}>
              <button className={`btn ${open === q.id ? 'primary' : ''}`} onClick={() => setOpen(q.id)} aria-pressed={open === q.id}>
                {q.name}
              </button>
            </li>
          ))}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            api.createQueue({ name }).then((q) => {
              setName('');
              reload();
              setOpen(q.id);
            }, fail);
          }}
        >
          <input aria-label="New queue name" placeholder="New queue name" value={name} onChange={(e) => setName(e.target.value)} required />
          <button className="btn" type="submit">
            Add queue
          </button>
        </form>
      </Card>
      {open !== null && dir.queues.some((q) => q.id === open) && <QueueSettings key={open} queue={dir.queues.find((q) => q.id === open)!} dir={dir} reload={reload} fail={fail} toast={toast} />}
    </>
  );
}

function QueueSettings({ queue, dir, reload, fail, toast }: { queue: Queue; dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Toast }) {
  const [r, setR] = useState<QueueRouting | null>(null);
  const [members, setMembers] = useState<Set<number>>(() => new Set(queue.memberIds));
  useEffect(() => {
    api.queueRouting(queue.id).then(setR, fail);
  }, [queue.id, fail]);
  if (!r) return <p className="muted">Loading…</p>;
  const s = r.settings;
  const set = (patch: Partial<QueueRouting['settings']>) => setR({ ...r, settings: { ...s, ...patch } });
  const minutes = (v: number | null) => (v === null ? '' : String(Math.round((v / MIN) * 100) / 100));
  const fromMinutes = (v: string) => (v === '' ? null : Math.max(1, Math.round(Number(v) * MIN)));
  const seconds = (v: number) => String(Math.round(v / 1000));

  async function save() {
    try {
      const next = await api.updateQueueRouting(queue.id, { routingMode: r!.routingMode, settings: r!.settings });
      setR(next);
      await api.setQueueMembers(queue.id, [...members]);
      reload();
      toast(`${queue.name} saved.`, 'info');
    } catch (e) {
      fail(e);
    }
  }

  return (
    <Card title={`${queue.name}: routing`}>
      <div className="admin-form">
        <label className="field">
          <span>Routing mode</span>
          <select aria-label="Routing mode" value={r.routingMode} onChange={(e) => setR({ ...r, routingMode: e.target.value as QueueRouting['routingMode'] })}>
            <option value="auto_assign">Offer to agents (Accept / Decline)</option>
            <option value="auto_answer">Auto-answer (assigned at once)</option>
            <option value="pick_list">Pick list (agents pick)</option>
          </select>
        </label>
        <label className="field">
          <span>Strategy</span>
          <select aria-label="Strategy" value={s.strategy} onChange={(e) => set({ strategy: e.target.value as 'round_robin' | 'least_busy' })}>
            <option value="round_robin">Round robin</option>
            <option value="least_busy">Least busy</option>
          </select>
        </label>
        <label className="field">
          <span>Capacity per agent</span>
          <input type="number" min={1} max={100} value={s.capacity} onChange={(e) => set({ capacity: Math.max(1, Number(e.target.value) || 1) })} />
        </label>
        <label className="field">
          <span>Offer timeout (seconds)</span>
          <input type="number" min={0} value={seconds(s.offerTimeoutMs)} onChange={(e) => set({ offerTimeoutMs: Math.max(0, Number(e.target.value) * 1000) })} />
        </label>
        <label className="field">
          <span>Wrap-up</span>
          <select aria-label="Wrap-up" value={s.wrapUp} onChange={(e) => set({ wrapUp: e.target.value as 'automatic' | 'manual' })}>
            <option value="automatic">Automatic</option>
            <option value="manual">Manual (agent clicks Close)</option>
          </select>
        </label>
        <label className="field">
          <span>Wrap-up time (seconds)</span>
          <input type="number" min={0} value={seconds(s.wrapUpMs)} onChange={(e) => set({ wrapUpMs: Math.max(0, Number(e.target.value) * 1000) })} />
        </label>
        <label className="field">
          <span>First reply within (minutes, empty: no limit)</span>
          <input type="number" min={0} step="any" value={minutes(s.firstReplyMs)} onChange={(e) => set({ firstReplyMs: fromMinutes(e.target.value) })} />
        </label>
        <label className="field">
          <span>Next reply within (minutes, empty: no limit)</span>
          <input type="number" min={0} step="any" value={minutes(s.nextReplyMs)} onChange={(e) => set({ nextReplyMs: fromMinutes(e.target.value) })} />
        </label>
        <label className="field">
          <span>Resolve after customer inactivity (minutes, empty: never)</span>
          <input type="number" min={0} step="any" value={minutes(s.inactivityResolveMs)} onChange={(e) => set({ inactivityResolveMs: fromMinutes(e.target.value) })} />
        </label>
        <QueueClosingFields settings={s} set={set} />
      </div>
      <CheckboxSet legend="Members" items={dir.users} selected={members} onChange={setMembers} />
      <button className="btn primary" onClick={() => void save()}>
        Save queue
      </button>
    </Card>
  );
}
