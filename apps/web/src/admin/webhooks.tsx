import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Webhook, WebhookDelivery, WebhookEvent } from '@switchboard/client';
import { WEBHOOK_EVENTS } from '@switchboard/protocol';
import { api } from '../api.ts';
import { Card, EmptyRow, SaveFooter, ShownOnce, useSaving, type Toast } from './parts.tsx';

const EVENT_LABELS: Record<WebhookEvent, string> = {
  conversation_created: 'Conversation created',
  conversation_status_changed: 'Conversation status changed',
  conversation_updated: 'Conversation updated',
  assignee_changed: 'Assignee changed',
  message_created: 'Message created',
  message_updated: 'Message updated',
  contact_created: 'Contact created',
  contact_updated: 'Contact updated',
  assign_request_created: 'Assign request created',
  assign_request_updated: 'Assign request answered or ended',
  discuss_request_created: 'Discuss request created',
  discuss_request_updated: 'Discuss request answered or ended',
  discussion_message_created: 'Discussion message (internal)',
};

const when = (at: number | null) => (at == null ? '—' : new Date(at).toLocaleString());

/**
 * Admin → Integrations → Webhooks (issue 16 item 1): where Switchboard POSTs its events, signed per
 * the Standard Webhooks spec. The secret is shown once, when the webhook is added; each webhook has
 * a delivery log (last 100) with Redeliver. Receiving and verifying: docs/webhooks.md.
 */
export function Webhooks({ fail, toast }: { fail: (e: unknown) => void; toast: Toast }) {
  const [items, setItems] = useState<Webhook[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ id: number; secret: string } | null>(null);
  const [logOf, setLogOf] = useState<number | null>(null);
  const load = useCallback(() => api.webhooks().then((r) => setItems(r.items), fail), [fail]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!items) return <p className="muted">Loading…</p>;

  async function setEnabled(w: Webhook, enabled: boolean) {
    try {
      await api.updateWebhook(w.id, { enabled });
      toast(enabled ? 'Webhook turned on: events from now on are sent.' : 'Webhook turned off.', 'info');
      await load();
    } catch (e) {
      fail(e);
    }
  }

  async function remove(w: Webhook) {
    if (!window.confirm(`Delete the webhook to ${w.url} and its delivery log?`)) return;
    try {
      await api.deleteWebhook(w.id);
      if (logOf === w.id) setLogOf(null);
      await load();
    } catch (e) {
      fail(e);
    }
  }

  return (
    <Card title="Webhooks">
      <p className="muted">
        Switchboard POSTs the events you choose to your URL as JSON, signed per the Standard Webhooks spec (headers <code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>), in order per conversation, retrying for a day. A webhook that fails for a whole day is turned off and administrators are told.
      </p>
      {secret && <ShownOnce lead="Signing secret of the new webhook" label="Signing secret" value={secret.secret} onCopied={() => setSecret(null)} />}
      <table className="admin-table" aria-label="Webhooks">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((w) => (
            <tr key={w.id}>
              <td>
                {w.url}
                {w.description && <div className="muted small">{w.description}</div>}
              </td>
              <td className="small">
                {w.events.map((e) => EVENT_LABELS[e]).join(', ')}
                {w.includeInternal && <div className="muted">With internal notes and discussions</div>}
              </td>
              <td>
                {w.enabled ? (w.failingSince ? `Failing since ${when(w.failingSince)}` : 'On') : 'Off'}
                {w.disabledReason && <div className="muted small">{w.disabledReason}</div>}
              </td>
              <td>
                <button className="btn small" type="button" onClick={() => setLogOf(logOf === w.id ? null : w.id)} aria-expanded={logOf === w.id}>
                  Deliveries
                </button>{' '}
                <button className="btn small" type="button" onClick={() => void setEnabled(w, !w.enabled)}>
                  {w.enabled ? 'Turn off' : 'Turn on'}
                </button>{' '}
                <button className="btn small danger" type="button" onClick={() => void remove(w)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
          {!items.length && <EmptyRow columns={4}>No webhooks yet.</EmptyRow>}
        </tbody>
      </table>
      {logOf !== null && <DeliveryLog webhookId={logOf} fail={fail} toast={toast} />}
      {adding ? (
        <AddWebhook
          onDone={(created) => {
            setAdding(false);
            if (created) {
              setSecret(created);
              void load();
            }
          }}
        />
      ) : (
        <div className="form-actions">
          <button className="btn primary" type="button" onClick={() => setAdding(true)}>
            Add a webhook
          </button>
        </div>
      )}
    </Card>
  );
}

function AddWebhook({ onDone }: { onDone: (created: { id: number; secret: string } | null) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<Set<WebhookEvent>>(new Set(['conversation_created', 'message_created']));
  const [internal, setInternal] = useState(false);
  const { errors, busy, submit } = useSaving();

  async function save(e: FormEvent) {
    e.preventDefault();
    const problems: string[] = [];
    if (!/^https?:\/\/\S+$/i.test(url.trim())) problems.push('Enter the URL to send to, starting with https:// (or http://).');
    if (!events.size) problems.push('Choose at least one event.');
    await submit(
      problems,
      async () => {
        const r = await api.createWebhook({ url: url.trim(), description, events: [...events], includeInternal: internal });
        onDone({ id: r.id, secret: r.secret });
      },
      'The webhook was not added. Try again.',
    );
  }

  return (
    <form className="admin-form wide" aria-label="Add a webhook" onSubmit={(e) => void save(e)} noValidate>
      <label className="field">
        <span>URL</span>
        <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://crm.example.com/switchboard" required />
      </label>
      <label className="field">
        <span>Description (optional)</span>
        <input value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <fieldset className="field">
        <legend>Events to send</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev} className="check">
            <input
              type="checkbox"
              checked={events.has(ev)}
              onChange={(e) => {
                const next = new Set(events);
                if (e.target.checked) next.add(ev);
                else next.delete(ev);
                setEvents(next);
              }}
            />{' '}
            {EVENT_LABELS[ev]} <code className="muted small">{ev}</code>
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> Include internal events (internal notes and discussion messages)
      </label>
      <SaveFooter errors={errors} busy={busy} label="Add webhook" />
      <div className="form-actions">
        <button className="btn" type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeliveryLog({ webhookId, fail, toast }: { webhookId: number; fail: (e: unknown) => void; toast: Toast }) {
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const load = useCallback(() => api.webhookDeliveries(webhookId).then((r) => setItems(r.items), fail), [webhookId, fail]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!items) return <p className="muted">Loading deliveries…</p>;

  async function redeliver(d: WebhookDelivery) {
    try {
      await api.redeliverWebhook(webhookId, d.id);
      toast(`Delivery ${d.messageId} is being sent again.`, 'info');
      await load();
    } catch (e) {
      fail(e);
    }
  }

  return (
    <section aria-label="Deliveries">
      <h3>
        Last {items.length} deliveries{' '}
        <button className="btn small" type="button" onClick={() => void load()}>
          Refresh
        </button>
      </h3>
      <table className="admin-table" aria-label="Webhook deliveries">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Response</th>
            <th scope="col">Duration</th>
            <th scope="col">Attempts</th>
            <th scope="col"></th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id}>
              <td className="small">{when(d.lastAttemptAt ?? d.createdAt)}</td>
              <td className="small">
                {d.event}
                <div className="muted">{d.messageId}</div>
              </td>
              <td>{d.status === 'succeeded' ? 'Delivered' : d.status === 'pending' ? 'Sending' : 'Failed'}</td>
              <td className="small">
                {d.responseCode ?? '—'}
                {d.error && <div className="muted">{d.error}</div>}
              </td>
              <td className="small">{d.durationMs == null ? '—' : `${d.durationMs} ms`}</td>
              <td>{d.attempts}</td>
              <td>
                <button className="btn small" type="button" onClick={() => void redeliver(d)}>
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
          {!items.length && <EmptyRow columns={7}>Nothing sent yet.</EmptyRow>}
        </tbody>
      </table>
    </section>
  );
}
