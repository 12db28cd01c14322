import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Bot, Queue } from '@switchboard/client';
import { api } from '../api.ts';
import { Card, CheckboxSet, EmptyRow, SaveFooter, ShownOnce, useSaving, type Toast } from './parts.tsx';

/**
 * Admin → Bots (issue 16 item 2): agent bots, each a user of kind bot with an outgoing URL and its
 * own API token. The queues ticked start with the bot: their new conversations are assigned to it
 * until it hands over. Token and signing secret are shown once, when the bot is added (docs/bots.md).
 */
export function Bots({ queues, fail, toast, onChanged }: { queues: Queue[]; fail: (e: unknown) => void; toast: Toast; onChanged: () => void }) {
  const [items, setItems] = useState<Bot[] | null>(null);
  const [adding, setAdding] = useState(false);
  // Each once-shown secret has its own banner, dismissed on its own.
  const [secrets, setSecrets] = useState<{ name: string; token: string | null; secret: string | null } | null>(null);
  const load = useCallback(() => api.bots().then((r) => setItems(r.items), fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!items) return <p className="muted">Loading…</p>;

  async function setQueues(b: Bot, queueIds: Set<number>) {
    try {
      await api.updateBot(b.id, { queueIds: [...queueIds] });
      await load();
    } catch (e) {
      fail(e);
    }
  }
  async function remove(b: Bot) {
    if (!window.confirm(`Remove ${b.name}? The conversations it holds go to your agents, and its token stops working.`)) return;
    try {
      await api.deleteBot(b.id);
      toast(`${b.name} was removed.`, 'info');
      await load();
      onChanged();
    } catch (e) {
      fail(e);
    }
  }

  return (
    <Card title="Bots">
      <p className="muted">
        A bot answers first: new conversations of the queues it starts are assigned to it. It is sent their events at its URL, signed like webhooks, replies through the API with its token and hands over with one call, after which the queue offers the conversation to your agents. If its URL fails, the conversation goes to your agents at once.
      </p>
      {secrets?.token && <ShownOnce lead={`${secrets.name}’s API token`} label="Bot token" value={secrets.token} onCopied={() => setSecrets({ ...secrets, token: null })} />}
      {secrets?.secret && <ShownOnce lead={`The signing secret of ${secrets.name}’s deliveries`} label="Signing secret" value={secrets.secret} onCopied={() => setSecrets({ ...secrets, secret: null })} />}
      <table className="admin-table" aria-label="Bots">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">URL</th>
            <th scope="col">Starts these queues</th>
            <th scope="col">Holds</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((b) => (
            <tr key={b.id}>
              <td>{b.name}</td>
              <td>
                <code className="small">{b.url}</code>
                {b.lastError && <div className="muted small">Last failure: {b.lastError}</div>}
              </td>
              <td>
                <CheckboxSet legend={`Queues ${b.name} starts`} items={queues} selected={new Set(b.queueIds)} onChange={(next) => void setQueues(b, next)} empty="No queues yet." />
              </td>
              <td>{b.holding}</td>
              <td>
                <button className="btn small danger" type="button" onClick={() => void remove(b)}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
          {!items.length && <EmptyRow columns={5}>No bots yet.</EmptyRow>}
        </tbody>
      </table>
      {adding ? (
        <AddBot
          queues={queues}
          onDone={(created) => {
            setAdding(false);
            if (created) {
              setSecrets(created);
              void load();
              onChanged();
            }
          }}
        />
      ) : (
        <div className="form-actions">
          <button className="btn primary" type="button" onClick={() => setAdding(true)}>
            Add a bot
          </button>
        </div>
      )}
    </Card>
  );
}

function AddBot({ queues, onDone }: { queues: Queue[]; onDone: (created: { name: string; token: string; secret: string } | null) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [queueIds, setQueueIds] = useState<Set<number>>(new Set());
  const { errors, busy, submit } = useSaving();
  async function save(e: FormEvent) {
    e.preventDefault();
    const problems: string[] = [];
    if (!name.trim()) problems.push('Give the bot a name: agents and customers see it.');
    if (!/^https?:\/\/\S+$/i.test(url.trim())) problems.push('Enter the bot’s URL, starting with https:// (or http://).');
    await submit(
      problems,
      async () => {
        const r = await api.createBot({ name: name.trim(), url: url.trim(), queueIds: [...queueIds] });
        onDone({ name: r.name, token: r.token, secret: r.secret });
      },
      'The bot was not added. Try again.',
    );
  }
  return (
    <form className="admin-form wide" aria-label="Add a bot" onSubmit={(e) => void save(e)} noValidate>
      <label className="field">
        <span>Name</span>
        <input value={name} maxLength={80} onChange={(e) => setName(e.target.value)} placeholder="Greeter" required />
      </label>
      <label className="field">
        <span>URL</span>
        <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://bots.example.com/switchboard" required />
      </label>
      <CheckboxSet legend="Queues that start with this bot" items={queues} selected={queueIds} onChange={setQueueIds} empty="No queues yet." />
      <SaveFooter errors={errors} busy={busy} label="Add bot" />
      <div className="form-actions">
        <button className="btn" type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
