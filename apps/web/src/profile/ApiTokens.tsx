import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { profileApi, type TokenSummary } from './api.ts';
import { fullTime } from '../ui.tsx';

/** Personal API tokens (Bearer) for integrations: the secret is shown once, right after creating it. */
export function ApiTokens({ fail, toast }: { fail: (e: unknown) => void; toast: (text: string, kind?: 'error' | 'info') => void }) {
  const [items, setItems] = useState<TokenSummary[] | null>(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const load = useCallback(() => {
    profileApi.tokens().then((r) => setItems(r.items), fail);
  }, [fail]);
  useEffect(load, [load]);

  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const t = await profileApi.createToken(name.trim());
      setCreated(t);
      setName('');
      load();
    } catch (err) {
      fail(err);
    }
  }
  async function revoke(t: TokenSummary) {
    try {
      await profileApi.revokeToken(t.id);
      if (created?.name === t.name) setCreated(null);
      toast(`Token “${t.name}” revoked.`, 'info');
      load();
    } catch (err) {
      fail(err);
    }
  }

  return (
    <div className="admin-card">
      <h2>Personal API tokens</h2>
      <p className="muted">For scripts and integrations: send it as <code>Authorization: Bearer …</code>. A token acts as you.</p>
      {created && (
        <div className="token-created" role="status">
          <p>
            Copy the token “{created.name}” now: it is not shown again.
          </p>
          <input readOnly aria-label="New token" value={created.token} onFocus={(e) => e.currentTarget.select()} />
          <button className="btn small" onClick={() => void navigator.clipboard?.writeText(created.token).then(() => toast('Copied.', 'info'), () => {})}>
            Copy
          </button>
        </div>
      )}
      <table className="admin-table" aria-label="Your API tokens">
        <thead>
          <tr>
            <th>Name</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items?.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{fullTime(t.createdAt)}</td>
              <td>{t.lastUsedAt ? fullTime(t.lastUsedAt) : 'Never'}</td>
              <td>
                <button className="btn small danger" aria-label={`Revoke token ${t.name}`} onClick={() => void revoke(t)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
          {items && !items.length && (
            <tr>
              <td colSpan={4} className="muted">
                No tokens yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <form className="inline-form" aria-label="Create an API token" onSubmit={(e) => void create(e)}>
        <input aria-label="Token name" placeholder="What it is for, e.g. CRM sync" required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        <button className="btn primary" type="submit" disabled={!name.trim()}>
          Create token
        </button>
      </form>
    </div>
  );
}
