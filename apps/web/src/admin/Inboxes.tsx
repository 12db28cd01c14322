import { useEffect, useState, type FormEvent } from 'react';
import type { Inbox, InboxChannel, Queue } from '@switchboard/client';
import { webhookPathOf } from '@switchboard/protocol';
import { api, messageOf } from '../api.ts';
import { CHANNELS, ChannelIcon } from '../ui.tsx';
import { EmptyRow } from './parts.tsx';

/**
 * Admin → Inboxes: every channel instance (an email address, a WhatsApp number, a Facebook page, a
 * Telegram bot) with its display name (shown beside the channel icon in the conversation list), the
 * queue it feeds, its settings and its secrets. Secrets are write-only: the server says which hold
 * a value, never what it is.
 */
type Field = { key: string; label: string; type: 'text' | 'number' | 'checkbox'; hint?: string };
interface ChannelForm {
  address: string;
  /** What to do at the provider with the webhook URL, when the channel has one. */
  connect?: string;
  /** The provider has message templates to sync (WhatsApp). */
  templates?: boolean;
  settings: Field[];
  secrets: Array<{ key: string; label: string }>;
}

const FORMS: Record<InboxChannel, ChannelForm> = {
  email: {
    address: 'Email address customers write to',
    settings: [
      { key: 'fromName', label: 'Sender name on replies', type: 'text', hint: 'Default: the inbox name' },
      { key: 'smtpHost', label: 'Outgoing mail server (SMTP relay)', type: 'text' },
      { key: 'smtpPort', label: 'SMTP port', type: 'number' },
      { key: 'smtpSecure', label: 'TLS from the start (port 465)', type: 'checkbox' },
      { key: 'smtpUser', label: 'SMTP user', type: 'text' },
      { key: 'imapHost', label: 'IMAP server (poll an existing mailbox)', type: 'text', hint: 'Empty: mail arrives by the built-in SMTP listener' },
      { key: 'imapPort', label: 'IMAP port', type: 'number' },
      { key: 'imapSecure', label: 'IMAP over TLS', type: 'checkbox' },
      { key: 'imapUser', label: 'IMAP user', type: 'text' },
      { key: 'imapMailbox', label: 'IMAP mailbox', type: 'text' },
    ],
    secrets: [
      { key: 'smtpPassword', label: 'SMTP password' },
      { key: 'imapPassword', label: 'IMAP password' },
    ],
  },
  whatsapp: {
    address: 'Phone number id',
    connect: 'Meta app → WhatsApp → Configuration: paste this callback URL and the verify token below, and subscribe to the "messages" field.',
    templates: true,
    settings: [
      { key: 'businessAccountId', label: 'Business account id', type: 'text' },
      { key: 'apiBaseUrl', label: 'API base URL', type: 'text', hint: 'Default: the real Graph API' },
    ],
    secrets: [
      { key: 'accessToken', label: 'Access token' },
      { key: 'appSecret', label: 'App secret' },
      { key: 'verifyToken', label: 'Webhook verify token' },
    ],
  },
  messenger: {
    address: 'Page id',
    connect: 'Meta app → Messenger (or Instagram) → Webhooks: paste this callback URL and the verify token below, subscribe the page to messages, message_deliveries and message_reads.',
    settings: [
      { key: 'apiBaseUrl', label: 'API base URL', type: 'text', hint: 'Default: the real Graph API' },
      { key: 'humanAgentTag', label: 'Reply with the HUMAN_AGENT tag up to 7 days', type: 'checkbox' },
    ],
    secrets: [
      { key: 'pageToken', label: 'Page token' },
      { key: 'appSecret', label: 'App secret' },
      { key: 'verifyToken', label: 'Webhook verify token' },
    ],
  },
  telegram: {
    address: 'Bot id (digits before the colon of the token)',
    connect: 'Call setWebhook with this URL and secret_token set to the webhook secret below (see README).',
    settings: [{ key: 'apiBaseUrl', label: 'API base URL', type: 'text', hint: 'Default: the real Bot API' }],
    secrets: [
      { key: 'botToken', label: 'Bot token' },
      { key: 'webhookSecret', label: 'Webhook secret' },
    ],
  },
};
const CHANNEL_ORDER: InboxChannel[] = ['email', 'whatsapp', 'messenger', 'telegram'];

interface Draft {
  channel: InboxChannel;
  name: string;
  address: string;
  queueId: string;
  enabled: boolean;
  settings: Record<string, string | boolean>;
  /** Typed secrets (sent when not empty), and the stored ones to remove. */
  secrets: Record<string, string>;
  clear: Set<string>;
}

function draftOf(i: Inbox | null, channel: InboxChannel): Draft {
  const settings: Record<string, string | boolean> = {};
  for (const f of FORMS[channel].settings) {
    const v = i?.settings[f.key];
    settings[f.key] = f.type === 'checkbox' ? v === true : v === undefined || v === null ? '' : String(v);
  }
  return { channel, name: i?.name ?? '', address: i?.address ?? '', queueId: i?.queueId ? String(i.queueId) : '', enabled: i?.enabled ?? true, settings, secrets: {}, clear: new Set() };
}

/** Form values → the API's settings: empty text left out, numbers as numbers. */
function settingsOf(d: Draft): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FORMS[d.channel].settings) {
    const v = d.settings[f.key];
    if (f.type === 'checkbox') out[f.key] = v === true;
    else if (typeof v === 'string' && v.trim() !== '') out[f.key] = f.type === 'number' ? Number(v) : v.trim();
  }
  return out;
}

function secretsOf(d: Draft): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of d.clear) out[k] = null;
  for (const [k, v] of Object.entries(d.secrets)) if (v !== '') out[k] = v;
  return out;
}

export function Inboxes({ queues, fail, toast }: { queues: Queue[]; fail: (e: unknown) => void; toast: (text: string, kind?: 'error' | 'info') => void }) {
  const [items, setItems] = useState<Inbox[] | null>(null);
  const [editing, setEditing] = useState<Inbox | 'new' | null>(null);
  const reload = () => api.inboxes().then((r) => setItems(r.items), fail);
  useEffect(() => {
    void reload();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  if (!items) return <p className="muted">Loading…</p>;
  const queueName = (id: number | null) => (id ? (queues.find((q) => q.id === id)?.name ?? `#${id}`) : 'First queue');
  return (
    <>
      <div className="admin-card">
        <h2>Inboxes</h2>
        <p className="muted">Each inbox is one address, number, page or bot customers write to. Its name is shown beside the channel icon in the conversation list.</p>
        <table className="admin-table" aria-label="Inboxes">
          <thead>
            <tr>
              <th>Name</th>
              <th>Channel</th>
              <th>Address</th>
              <th>Queue</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.id} data-inbox-id={i.id}>
                <td>{i.name}</td>
                <td>
                  <span className="conv-channel">
                    <ChannelIcon channel={i.channel} /> {CHANNELS[i.channel]?.name ?? i.channel}
                  </span>
                </td>
                <td>{i.address}</td>
                <td>{queueName(i.queueId)}</td>
                <td>
                  {!i.enabled ? <span className="muted">Off</span> : i.lastError ? <span className="danger-text" title={i.lastError}>Problem: {i.lastError}</span> : 'On'}
                </td>
                <td>
                  <button className="btn small" onClick={() => setEditing(i)}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
            {!items.length && <EmptyRow columns={6}>No inboxes yet.</EmptyRow>}
          </tbody>
        </table>
        <div className="form-actions">
          <button className="btn primary" onClick={() => setEditing('new')}>
            Add an inbox
          </button>
        </div>
      </div>
      {editing && (
        <InboxForm
          key={editing === 'new' ? 'new' : editing.id}
          inbox={editing === 'new' ? null : editing}
          queues={queues}
          onDone={(saved) => {
            setEditing(null);
            if (saved) {
              toast(saved, 'info');
              void reload();
            }
          }}
          fail={fail}
        />
      )}
    </>
  );
}

function InboxForm({ inbox, queues, onDone, fail }: { inbox: Inbox | null; queues: Queue[]; onDone: (saved: string | null) => void; fail: (e: unknown) => void }) {
  const [d, setD] = useState<Draft>(() => draftOf(inbox, inbox?.channel ?? 'email'));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = FORMS[d.channel];

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!d.name.trim() || !d.address.trim()) return setError('Enter a name and the address.');
    setBusy(true);
    setError(null);
    try {
      const common = { name: d.name.trim(), queueId: d.queueId ? Number(d.queueId) : null, enabled: d.enabled, settings: settingsOf(d), secrets: secretsOf(d) };
      if (inbox) await api.updateInbox(inbox.id, { ...common, address: d.address.trim() });
      else await api.createInbox({ ...common, channel: d.channel, address: d.address.trim() } as never);
      onDone(`Inbox ${d.name.trim()} saved.`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }
  async function remove() {
    if (!inbox) return;
    try {
      await api.deleteInbox(inbox.id);
      onDone(`Inbox ${inbox.name} deleted; its conversations stay.`);
    } catch (err) {
      fail(err);
    }
  }

  return (
    <div className="admin-card">
      <h2>{inbox ? `Edit ${inbox.name}` : 'Add an inbox'}</h2>
      <form className="admin-form" aria-label={inbox ? `Edit inbox ${inbox.name}` : 'New inbox'} onSubmit={(e) => void save(e)} noValidate>
        {!inbox && (
          <label className="field">
            <span>Channel</span>
            <select value={d.channel} onChange={(e) => setD(draftOf(null, e.target.value as InboxChannel))}>
              {CHANNEL_ORDER.map((c) => (
                <option key={c} value={c}>
                  {CHANNELS[c]?.name ?? c}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>Display name</span>
          <input required maxLength={80} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />
        </label>
        <label className="field">
          <span>{form.address}</span>
          <input required maxLength={254} value={d.address} onChange={(e) => setD({ ...d, address: e.target.value })} />
        </label>
        <label className="field">
          <span>Queue it feeds</span>
          <select value={d.queueId} onChange={(e) => setD({ ...d, queueId: e.target.value })}>
            <option value="">First queue</option>
            {queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.target.checked })} /> Receiving and sending on
        </label>
        {form.settings.map((f) =>
          f.type === 'checkbox' ? (
            <label key={f.key} className="check">
              <input type="checkbox" checked={d.settings[f.key] === true} onChange={(e) => setD({ ...d, settings: { ...d.settings, [f.key]: e.target.checked } })} /> {f.label}
            </label>
          ) : (
            <label key={f.key} className="field">
              <span>{f.label}</span>
              <input
                type={f.type}
                placeholder={f.hint}
                value={String(d.settings[f.key] ?? '')}
                onChange={(e) => setD({ ...d, settings: { ...d.settings, [f.key]: e.target.value } })}
              />
            </label>
          ),
        )}
        {form.secrets.map((s) => {
          const stored = inbox?.secretsSet.includes(s.key) && !d.clear.has(s.key);
          return (
            <label key={s.key} className="field">
              <span>
                {s.label} {stored ? <span className="muted small">(stored; type to replace)</span> : <span className="muted small">(not set)</span>}
              </span>
              <input type="password" autoComplete="new-password" value={d.secrets[s.key] ?? ''} onChange={(e) => setD({ ...d, secrets: { ...d.secrets, [s.key]: e.target.value } })} />
              {stored && (
                <button type="button" className="btn small" onClick={() => setD({ ...d, clear: new Set([...d.clear, s.key]) })}>
                  Remove {s.label.toLowerCase()}
                </button>
              )}
            </label>
          );
        })}
        {inbox && <ConnectPanel inbox={inbox} form={form} />}
        {error && (
          <div className="form-errors" role="alert">
            <p>{error}</p>
          </div>
        )}
        <div className="form-actions">
          <button className="btn primary" type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save inbox'}
          </button>
          <button className="btn" type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          {inbox && (
            <button className="btn danger" type="button" onClick={() => void remove()}>
              Delete inbox
            </button>
          )}
        </div>
      </form>
    </div>
  );
}

/** The webhook URL to paste at the provider, Test connection, and (WhatsApp) Sync templates. */
function ConnectPanel({ inbox, form }: { inbox: Inbox; form: ChannelForm }) {
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const path = webhookPathOf(inbox.channel, inbox.address);
  const run = async (what: () => Promise<{ ok: boolean; text: string }>) => {
    setBusy(true);
    try {
      setResult(await what());
    } catch (err) {
      setResult({ ok: false, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inbox-connect" aria-label="Connect at the provider">
      {path && (
        <label className="field">
          <span>Webhook URL to paste at the provider</span>
          <input readOnly value={`${window.location.origin}${path}`} onFocus={(e) => e.target.select()} />
          {form.connect && <small className="muted">{form.connect}</small>}
        </label>
      )}
      {inbox.channel !== 'email' && (
        <div className="form-actions">
          <button type="button" className="btn" disabled={busy} onClick={() => void run(async () => { const r = await api.testInbox(inbox.id); return { ok: r.ok, text: r.detail }; })}>
            Test connection
          </button>
          {form.templates && (
            <button type="button" className="btn" disabled={busy} onClick={() => void run(async () => { const r = await api.syncInboxTemplates(inbox.id); return { ok: true, text: `${r.items.length} template${r.items.length === 1 ? '' : 's'} synced (${r.items.filter((t) => t.status === 'APPROVED').length} approved).` }; })}>
              Sync templates
            </button>
          )}
        </div>
      )}
      {result && (
        <p role="status" className={result.ok ? 'muted' : 'danger-text'}>
          {result.text}
        </p>
      )}
    </div>
  );
}
