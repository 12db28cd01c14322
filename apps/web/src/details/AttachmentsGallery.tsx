import { useState } from 'react';
import { addMessage } from '@switchboard/client';
import type { Message } from '../types.ts';
import type { Update } from '../stores/conversations.ts';
import { api } from '../api.ts';

/**
 * Seed 002 "Show attachments": images and files of this conversation, in separate tabs. Each can be
 * downloaded or re-sent into the conversation: the stored file is attached again (no new upload), as
 * a reply the server checks like any other (the agent in charge, a customer not blocked, WhatsApp's
 * 24-hour window).
 */
export function AttachmentsGallery({ conversationId, messages, update, fail }: { conversationId: number; messages: Message[]; update: Update; fail: (e: unknown) => void }) {
  const [tab, setTab] = useState<'images' | 'files'>('images');
  const [resending, setResending] = useState<string | null>(null);
  const all = messages.flatMap((m) => m.attachments.map((a, i) => ({ ...a, key: `${m.id}-${i}`, at: m.createdAt })));
  const safe = (url: string) => (/^https?:\/\//i.test(url) || url.startsWith('/') ? url : undefined);
  const images = all.filter((a) => a.contentType.startsWith('image/'));
  const files = all.filter((a) => !a.contentType.startsWith('image/'));
  const shown = tab === 'images' ? images : files;

  async function resend(a: (typeof all)[number]) {
    setResending(a.key);
    try {
      const m = await api.postMessage(conversationId, {
        attachments: [{ name: a.name, contentType: a.contentType, size: a.size, url: a.url }],
        clientId: `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
      });
      update((s) => addMessage(s, m));
    } catch (e) {
      fail(e);
    } finally {
      setResending(null);
    }
  }
  // Images get a Download button (the picture itself opens it); a file's name already downloads it.
  const actions = (a: (typeof all)[number], download: boolean) => (
    <span className="gallery-actions">
      {download && (
        <a className="btn ghost icon small" href={safe(a.url)} download={a.name} aria-label={`Download ${a.name}`} title={`Download ${a.name}`}>
          <span aria-hidden="true">⬇</span>
        </a>
      )}
      <button type="button" className="btn ghost icon small" disabled={resending !== null} aria-label={`Re-send ${a.name}`} title={`Send ${a.name} again in this conversation`} onClick={() => void resend(a)}>
        <span aria-hidden="true">{resending === a.key ? '…' : '↻'}</span>
      </button>
    </span>
  );
  return (
    <section className="card" aria-label="Attachments">
      <h3>Attachments</h3>
      <div className="mini-tabs" role="tablist" aria-label="Attachment kinds">
        <button role="tab" aria-selected={tab === 'images'} className={tab === 'images' ? 'on' : ''} onClick={() => setTab('images')}>
          Images ({images.length})
        </button>
        <button role="tab" aria-selected={tab === 'files'} className={tab === 'files' ? 'on' : ''} onClick={() => setTab('files')}>
          Files ({files.length})
        </button>
      </div>
      <div role="tabpanel" aria-label={tab === 'images' ? 'Images' : 'Files'}>
        {!shown.length && <p className="muted small">{tab === 'images' ? 'No images yet.' : 'No files yet.'}</p>}
        {tab === 'images' ? (
          <ul className="gallery">
            {shown.map((a) => (
              <li key={a.key} aria-label={a.name}>
                {safe(a.url)?.startsWith('/api/v1/') ? (
                  <a href={safe(a.url)} target="_blank" rel="noreferrer noopener" title={a.name}>
                    <img src={safe(a.url)} alt={a.name} loading="lazy" />
                  </a>
                ) : (
                  <a href={safe(a.url)} target="_blank" rel="noreferrer noopener" className="gallery-file">
                    {a.name}
                  </a>
                )}
                {actions(a, true)}
              </li>
            ))}
          </ul>
        ) : (
          <ul className="file-list">
            {shown.map((a) => (
              <li key={a.key} aria-label={a.name}>
                <a href={safe(a.url)} target="_blank" rel="noreferrer noopener" download={a.name}>
                  📎 {a.name}
                </a>
                <span className="muted small"> {Math.max(1, Math.round(a.size / 1024))} KB</span>
                {actions(a, false)}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
