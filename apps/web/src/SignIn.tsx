import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '@switchboard/client';
import type { Me } from '@switchboard/client';
import { api, messageOf } from './api.ts';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (me: Me) => void; notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const errorId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setBusy(true);
    try {
      const me = await api.login(email.trim(), password);
      onSignedIn(me);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.code === 'invalid_credentials') setError('Wrong email or password. Check them and try again.');
      else if (err instanceof ApiError && err.code === 'validation_failed') setError('Enter a valid email address and your password.');
      else setError(messageOf(err));
      setPassword('');
      passwordRef.current?.focus();
    }
  }

  return (
    <main className="signin">
      <section className="signin-card" aria-labelledby="signin-title">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">
            <svg viewBox="0 0 32 32" width="36" height="36">
              <rect width="32" height="32" rx="9" fill="currentColor" />
              <path d="M9 11h14M9 16h9M9 21h12" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
            </svg>
          </span>
          <span>Switchboard</span>
        </div>
        <h1 id="signin-title">Sign in to your workspace</h1>
        <p className="muted">Every customer conversation, one place.</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={submit} noValidate aria-describedby={error ? errorId : undefined}>
          <label className="field">
            <span>Email</span>
            <input
              type="email"
              name="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              ref={passwordRef}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </label>
          <div className="form-error" id={errorId} role="alert" aria-live="assertive">
            {error && (
              <>
                <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2.2">
                  <circle cx="12" cy="12" r="9" />
                  <path d="M12 7.5v5.5M12 16.5v.01" strokeLinecap="round" />
                </svg>
                <span>{error}</span>
              </>
            )}
          </div>
          <button className="btn primary wide" type="submit" disabled={busy || !email || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </section>
    </main>
  );
}
