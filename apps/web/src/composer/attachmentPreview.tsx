import { useEffect, useMemo, useState } from 'react';
import { addMessage, setDraft, type AttachmentLimits } from '@switchboard/client';
import { CHANNELS, Modal } from '../ui.tsx';
import type { Conversation } from '../types.ts';
import type { Update } from '../stores/conversations.ts';
import { api } from '../api.ts';
import { MAX_LENGTH } from './limits.ts';

const MB = 1024 * 1024;
const KIND_NAMES = { image: 'Images', audio: 'Audio files', video: 'Videos', file: 'Files' } as const;
const LIMIT_CHANNEL_NAMES: Record<string, string> = { messenger: 'Facebook and Instagram', whatsapp: 'WhatsApp Business', telegram: 'Telegram', web: 'web chat', portal: 'the portal' };
let limitsOnce: Promise<AttachmentLimits> | null = null;
const size = (n: number) => (n >= MB ? `${Math.round((n / MB) * 10) / 10} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** Seed 001: "It is not sent until you click Send in the Preview window." */
export function AttachmentPreview({ file, c, caption, onClose, onSent, update }: { file: File; c: Conversation; caption: string; onClose: () => void; onSent: () => void; update: Update }) {
  const [limits, setLimits] = useState<AttachmentLimits | null>(null);
  const [text, setText] = useState(caption);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = useMemo(() => (file.type.startsWith('image/') ? URL.createObjectURL(file) : null), [file]);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  useEffect(() => {
    limitsOnce ??= api.attachmentLimits();
    limitsOnce.then(setLimits, () => setLimits({}));
  }, []);

  // A first look with the browser's guess; the server sniffs the bytes and has the last word.
  const kind = file.type.startsWith('image/') ? 'image' : file.type.startsWith('audio/') ? 'audio' : file.type.startsWith('video/') ? 'video' : 'file';
  const limit = limits?.[c.channel]?.[kind];
  const channelName = LIMIT_CHANNEL_NAMES[c.channel] ?? CHANNELS[c.channel]?.name ?? c.channel;
  const tooBig = limit !== undefined && file.size > limit ? `${KIND_NAMES[kind]} sent on ${channelName} can be at most ${size(limit)}; this one is ${size(file.size)}.` : null;

  async function send() {
    setBusy(true);
    setError(null);
    try {
      const a = await api.uploadAttachment(c.id, file, file.name);
      const m = await api.postMessage(c.id, { body: text.trim(), attachments: [a], clientId: `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}` });
      update((s) => setDraft(addMessage(s, m), c.id, '', Date.now()));
      onSent();
    } catch (e) {
      setError((e as Error).message || 'The file was not sent. Try again.');
      setBusy(false);
    }
  }

  return (
    <Modal
      title="Send attachment"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={busy || Boolean(tooBig) || !limits} onClick={() => void send()}>
            {busy ? 'Sending…' : 'Send'}
          </button>
        </>
      }
    >
      <div className="attach-preview">
        {url ? <img src={url} alt={`Preview of ${file.name}`} /> : <span className="file-icon" aria-hidden="true">📄</span>}
        <div>
          <strong className="attach-name">{file.name}</strong>
          <div className="muted small">{size(file.size)}</div>
        </div>
      </div>
      {(tooBig || error) && (
        <p className="composer-warning" role="alert">
          {tooBig ?? error}
        </p>
      )}
      <label className="field">
        <span>Caption (optional)</span>
        <textarea rows={2} maxLength={MAX_LENGTH} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
    </Modal>
  );
}
