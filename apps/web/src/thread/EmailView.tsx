import { useEffect, useMemo, useRef, useState } from 'react';
import type { EmailDetails, EmailOriginal } from '@switchboard/client';
import type { Conversation, Message } from '../types.ts';
import { api, messageOf } from '../api.ts';

/**
 * Email in the thread (issue 12 items 3 and 5). A message shows only the new text of its email;
 * quoted history and signature are folded away, and the original — whole text, or the HTML in a
 * sandboxed frame — is one click away. Copied (CC) addresses are shown, and said not to be
 * written to: Switchboard answers the customer alone (seed 004: no CC/BCC).
 */

/** The email details of a conversation's messages, fetched again when a message arrives. */
export function useEmails(c: Conversation, lastId: number): Map<number, EmailDetails> {
  const [items, setItems] = useState<EmailDetails[]>([]);
  const isEmail = c.channel === 'email';
  useEffect(() => {
    if (!isEmail) return;
    let live = true;
    api.emails(c.id).then(
      (r) => live && setItems(r.items),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [c.id, isEmail, lastId]);
  return useMemo(() => new Map(isEmail ? items.map((e) => [e.messageId, e]) : []), [items, isEmail]);
}

export function EmailExtras({ c, m, info }: { c: Conversation; m: Message; info: EmailDetails }) {
  const [open, setOpen] = useState(false);
  const [original, setOriginal] = useState<EmailOriginal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = () => {
    setOpen((o) => !o);
    if (original) return;
    api.emailOriginal(c.id, m.id).then(setOriginal, (e) => setError(messageOf(e)));
  };
  return (
    <div className="email-extras">
      {info.cc.length > 0 && (
        <p className="email-cc">
          <span className="email-cc-label">Cc:</span> {info.cc.join(', ')}
          <span className="muted"> · not copied on replies</span>
        </p>
      )}
      {info.hasOriginal && (
        <button type="button" className="btn ghost small email-toggle" aria-expanded={open} onClick={toggle}>
          {open ? 'Hide original email' : 'Show original email'}
        </button>
      )}
      {open && (
        <div className="email-original">
          {error && <p role="alert">{error}</p>}
          {!original && !error && <p className="muted">Loading the original…</p>}
          {original && (original.html ? <EmailFrame html={original.html} remoteImages={info.remoteImages} /> : <pre className="email-text">{original.text}</pre>)}
          <a className="muted small" href={`/api/v1/conversations/${c.id}/emails/${m.id}/raw`} download>
            Download the raw email (.eml)
          </a>
        </div>
      )}
    </div>
  );
}

/** Moves every remote image's address aside, so nothing is fetched until the agent allows it. */
function withoutRemoteImages(html: string): string {
  // DOMParser's document is inert: parsing it loads nothing.
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const img of doc.querySelectorAll('img')) {
    const src = img.getAttribute('src') ?? '';
    if (/^(https?:)?\/\//i.test(src)) {
      img.removeAttribute('src');
      // Without its size, an image not loaded is just its alt text, not a tall empty box.
      img.removeAttribute('width');
      img.removeAttribute('height');
      img.setAttribute('data-blocked-src', src);
      img.setAttribute('alt', img.getAttribute('alt') || 'Blocked image');
    }
  }
  return doc.body.innerHTML;
}

/**
 * The email's HTML, already sanitized on ingest, in a frame that cannot run scripts (sandbox
 * without allow-scripts), whose own CSP loads nothing from elsewhere — only our stored inline
 * images ('self') — until the agent allows remote images; links open in a new tab.
 */
export function EmailFrame({ html, remoteImages }: { html: string; remoteImages: boolean }) {
  const [allowed, setAllowed] = useState(false);
  const [height, setHeight] = useState(120);
  const ref = useRef<HTMLIFrameElement>(null);
  const srcDoc = useMemo(() => {
    const csp = `default-src 'none'; img-src 'self' data:${allowed ? ' http: https:' : ''}; style-src 'unsafe-inline'; form-action 'none'`;
    const body = allowed ? html : withoutRemoteImages(html);
    return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><base target="_blank"><style>html{background:#fff;color:#1f2328}body{margin:10px;font:14px/1.45 system-ui,sans-serif;overflow-wrap:anywhere}img{max-width:100%;height:auto}img[data-blocked-src]{outline:1px dashed #aaa;font-size:12px;color:#666}table{max-width:100%}</style></head><body>${body}</body></html>`;
  }, [html, allowed]);
  // Same origin (allow-same-origin without allow-scripts), so the frame can be sized to its content.
  const fit = () => {
    const doc = ref.current?.contentDocument;
    if (doc?.documentElement) setHeight(Math.min(Math.max(doc.documentElement.scrollHeight, 40), 900));
  };
  return (
    <div className="email-frame">
      {remoteImages && !allowed && (
        <p className="email-images-blocked" role="note">
          Remote images are blocked, so the sender cannot tell you opened this email.{' '}
          <button type="button" className="btn ghost small" onClick={() => setAllowed(true)}>
            Show remote images
          </button>
        </p>
      )}
      <iframe ref={ref} title="Original email" sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox" srcDoc={srcDoc} style={{ height }} onLoad={fit} />
    </div>
  );
}
