import { useState, type FormEvent } from 'react';
import { ApiError } from '@switchboard/client';
import { profileApi } from './api.ts';

/** Changing one's own password: the current one is asked; the server ends the user's other sessions. */
export function PasswordForm({ toast }: { toast: (text: string, kind?: 'error' | 'info') => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function save(e: FormEvent) {
    e.preventDefault();
    setError('');
    if (next !== repeat) return setError('The new passwords do not match.');
    setBusy(true);
    try {
      await profileApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      toast('Password changed. Your other sessions were signed out.', 'info');
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'wrong_password' ? 'The current password is not right.' : err instanceof Error ? err.message : 'The password was not changed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="admin-card">
      <h2>Password</h2>
      <form className="admin-form" aria-label="Change your password" onSubmit={(e) => void save(e)}>
        <label className="field">
          <span>Current password</span>
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label className="field">
          <span>New password</span>
          <input type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label className="field">
          <span>Repeat the new password</span>
          <input type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        <div>
          <button className="btn primary" type="submit" disabled={busy}>
            Change password
          </button>
        </div>
      </form>
      {error && (
        <div className="form-errors" role="alert">
          <p>{error}</p>
        </div>
      )}
    </div>
  );
}
