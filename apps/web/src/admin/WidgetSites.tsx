import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.ts';

/**
 * Which sites may embed the chat widget (issue 9 item 7): the widget frame's `frame-ancestors`
 * lists these origins besides Switchboard's own. The server checks each is an origin.
 */
export function WidgetSites({ fail, toast }: { fail: (e: unknown) => void; toast: (text: string, kind?: 'error' | 'info') => void }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.widgetSettings().then((r) => setText(r.siteOrigins.join('\n')), fail);
  }, [fail]);
  if (text === null) return null;

  async function save(e: FormEvent) {
    e.preventDefault();
    setError('');
    const siteOrigins = (text ?? '').split('\n').map((x) => x.trim().replace(/\/$/, '')).filter(Boolean);
    try {
      const r = await api.updateWidgetSettings({ siteOrigins });
      setText(r.siteOrigins.join('\n'));
      toast('Sites saved. The widget can be embedded there at once.', 'info');
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="admin-card">
      <h2>Sites that embed the chat</h2>
      <p className="muted">The chat widget opens only on these sites (and on Switchboard’s own pages). Write each site’s origin on its own line, like https://shop.example.com.</p>
      <form className="admin-form wide" aria-label="Sites that embed the chat" onSubmit={(e) => void save(e)}>
        <label className="field">
          <span>Site origins (one per line)</span>
          <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        {error && (
          <div className="form-errors" role="alert">
            <p>{error}</p>
          </div>
        )}
        <div>
          <button className="btn primary" type="submit">
            Save sites
          </button>
        </div>
      </form>
    </div>
  );
}
