import { useEffect, useState, type FormEvent } from 'react';
import type { WidgetSettingsView } from '@switchboard/client';
import { api } from '../api.ts';
import { Card, SaveFooter, useSaving, type Toast } from './parts.tsx';
import './widgetAppearance.css';

type PreChat = WidgetSettingsView['preChatForm'];
interface Form {
  title: string;
  greeting: string;
  color: string;
  preChatForm: PreChat;
  identityVerification: boolean;
  secretSet: boolean;
  /** A new identity secret to save; empty: keep the one set. */
  newSecret: string;
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/** A random secret for the site's server to sign user ids with (never shown again once saved). */
function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * How the chat widget looks and whom it asks (issue 14): title, greeting, colour, the pre-chat
 * form and identity verification, with a preview. The server keeps the secret write-only.
 */
export function WidgetAppearance({ fail, toast }: { fail: (e: unknown) => void; toast: Toast }) {
  const [f, setF] = useState<Form | null>(null);
  const { errors, busy, submit } = useSaving();
  const load = (w: WidgetSettingsView) => setF({ title: w.title, greeting: w.greeting, color: w.color, preChatForm: w.preChatForm, identityVerification: w.identityVerification, secretSet: w.identitySecretSet, newSecret: '' });
  useEffect(() => {
    api.widgetSettings().then(load, fail);
  }, [fail]);
  if (!f) return <p className="muted">Loading…</p>;
  const set = (patch: Partial<Form>) => setF({ ...f, ...patch });

  async function save(e: FormEvent) {
    e.preventDefault();
    const problems: string[] = [];
    if (!f!.title.trim()) problems.push('Give the chat a title.');
    if (!HEX.test(f!.color)) problems.push('The colour must be like #2563eb.');
    if (f!.newSecret && f!.newSecret.length < 16) problems.push('The identity secret must be at least 16 characters.');
    if (f!.identityVerification && !f!.secretSet && !f!.newSecret) problems.push('Identity verification needs a secret: generate one first.');
    await submit(
      problems,
      async () => {
        load(
          await api.updateWidgetSettings({
            title: f!.title.trim(),
            greeting: f!.greeting.trim(),
            color: f!.color,
            preChatForm: f!.preChatForm,
            identityVerification: f!.identityVerification,
            ...(f!.newSecret ? { identitySecret: f!.newSecret } : {}),
          }),
        );
        toast('Widget saved. Visitors see it at once.', 'info');
      },
      'The widget settings were not saved. Try again.',
    );
  }

  return (
    <Card title="Chat widget">
      <div className="widget-appearance">
        <form className="admin-form wide" aria-label="Chat widget" onSubmit={(e) => void save(e)} noValidate>
          <label className="field">
            <span>Title</span>
            <input value={f.title} maxLength={80} onChange={(e) => set({ title: e.target.value })} />
          </label>
          <label className="field">
            <span>Greeting</span>
            <textarea rows={2} value={f.greeting} maxLength={300} onChange={(e) => set({ greeting: e.target.value })} />
          </label>
          <div className="field">
            <span id="widget-colour">Colour</span>
            <div className="inline-form tight">
              <input type="color" aria-labelledby="widget-colour" value={HEX.test(f.color) ? f.color : '#2563eb'} onChange={(e) => set({ color: e.target.value })} />
              <input aria-label="Colour (hex)" value={f.color} maxLength={7} onChange={(e) => set({ color: e.target.value.trim() })} />
            </div>
          </div>
          <label className="field">
            <span>Pre-chat form (name and email before the chat)</span>
            <select value={f.preChatForm} onChange={(e) => set({ preChatForm: e.target.value as PreChat })}>
              <option value="off">Off: start chatting at once</option>
              <option value="optional">Optional: asked, may be skipped</option>
              <option value="required">Required</option>
            </select>
          </label>
          <fieldset className="members">
            <legend>Identity verification</legend>
            <label className="check">
              <input type="checkbox" checked={f.identityVerification} onChange={(e) => set({ identityVerification: e.target.checked })} />
              Require signed user ids (setUser with an HMAC-SHA256 hash of the id)
            </label>
            <p className="muted small">{f.secretSet ? 'A secret is set. Generating a new one replaces it: update your site’s server too.' : 'No secret is set yet.'}</p>
            <div className="inline-form tight">
              <button type="button" className="btn" onClick={() => set({ newSecret: randomSecret() })}>
                {f.secretSet ? 'Generate a new secret' : 'Generate a secret'}
              </button>
            </div>
            {f.newSecret && (
              <label className="field">
                <span>New identity secret (copy it to your site’s server now: it is not shown after saving)</span>
                <input readOnly value={f.newSecret} onFocus={(e) => e.currentTarget.select()} />
              </label>
            )}
          </fieldset>
          <SaveFooter errors={errors} busy={busy} label="Save widget" />
        </form>
        <WidgetPreview title={f.title} greeting={f.greeting} color={HEX.test(f.color) ? f.color : '#2563eb'} preChat={f.preChatForm} />
      </div>
    </Card>
  );
}

function WidgetPreview({ title, greeting, color, preChat }: { title: string; greeting: string; color: string; preChat: PreChat }) {
  return (
    <figure className="widget-preview" aria-label="Widget preview">
      <div className="widget-preview-head" style={{ background: color }}>
        {title || 'Chat with us'}
      </div>
      <div className="widget-preview-body">
        {greeting && <p className="widget-preview-bubble">{greeting}</p>}
        {preChat !== 'off' && (
          <div className="widget-preview-form">
            <span>Name{preChat === 'optional' ? ' (optional)' : ''}</span>
            <span>Email{preChat === 'optional' ? ' (optional)' : ''}</span>
          </div>
        )}
        <span className="widget-preview-send" style={{ background: color }}>
          Start chat
        </span>
      </div>
      <figcaption className="muted small">Preview</figcaption>
    </figure>
  );
}
