import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Preferences, Profile } from '@switchboard/protocol';
import { profileApi } from './api.ts';
import { setPreferences } from './preferences.ts';
import { PasswordForm } from './PasswordForm.tsx';
import { ApiTokens } from './ApiTokens.tsx';
import { UserAvatar } from './UserAvatar.tsx';
import './profile.css';

type Toast = (text: string, kind?: 'error' | 'info') => void;

const PREFERENCES: Array<[keyof Preferences, string]> = [
  ['notifyOffers', 'Notify me of new offers'],
  ['notifyMessages', 'Notify me of customer messages in my conversations'],
  ['sound', 'Play a sound with each alert'],
];

/** The user's own page (issue 14): name, avatar, password, alert preferences and personal API tokens. */
export default function ProfilePage({ fail, toast, onRenamed }: { fail: (e: unknown) => void; toast: Toast; onRenamed?: (p: Profile) => void }) {
  const [profile, setProfile] = useState<Profile | null>(null);
  const [name, setName] = useState('');
  const file = useRef<HTMLInputElement>(null);
  useEffect(() => {
    profileApi.get().then((p) => {
      setProfile(p);
      setName(p.name);
    }, fail);
  }, [fail]);
  if (!profile) return <p className="muted profile-page">Loading…</p>;

  const apply = (p: Profile) => {
    setProfile(p);
    setPreferences(p.preferences);
    onRenamed?.(p);
  };
  async function rename(e: FormEvent) {
    e.preventDefault();
    try {
      apply(await profileApi.update({ name: name.trim() }));
      toast('Name saved.', 'info');
    } catch (err) {
      fail(err);
    }
  }
  async function upload(f: File | undefined) {
    if (!f) return;
    try {
      apply(await profileApi.setAvatar(f));
      toast('Picture saved.', 'info');
    } catch (err) {
      fail(err);
    } finally {
      if (file.current) file.current.value = '';
    }
  }

  return (
    <section className="profile-page" aria-label="Your profile">
      <h1 className="screen-title">Your profile</h1>
      <div className="admin-card">
        <h2>Name and picture</h2>
        <div className="profile-head">
          <UserAvatar name={profile.name} url={profile.avatarUrl} size={64} />
          <div className="profile-avatar-actions">
            <label className="btn">
              Choose a picture
              <input ref={file} className="sr-only" type="file" accept="image/png,image/jpeg,image/gif,image/webp" aria-label="Choose a picture" onChange={(e) => void upload(e.target.files?.[0])} />
            </label>
            {profile.avatarUrl && (
              <button className="btn" onClick={() => profileApi.removeAvatar().then(apply, fail)}>
                Remove picture
              </button>
            )}
            <span className="muted small">PNG, JPEG, GIF or WebP, at most 512 KB.</span>
          </div>
        </div>
        <form className="inline-form" aria-label="Your name" onSubmit={(e) => void rename(e)}>
          <label className="field">
            <span>Name</span>
            <input value={name} required maxLength={120} onChange={(e) => setName(e.target.value)} />
          </label>
          <button className="btn primary" type="submit" disabled={!name.trim() || name.trim() === profile.name}>
            Save name
          </button>
        </form>
        <p className="muted small">Signed in as {profile.email}</p>
      </div>
      <div className="admin-card">
        <h2>Notifications and sounds</h2>
        <fieldset className="profile-prefs">
          <legend className="sr-only">Alerts</legend>
          {PREFERENCES.map(([key, label]) => (
            <label key={key} className="check">
              <input
                type="checkbox"
                checked={profile.preferences[key]}
                onChange={(e) => {
                  // Shown at once; the server's answer replaces it (or the old value comes back on failure).
                  const before = profile;
                  setProfile({ ...profile, preferences: { ...profile.preferences, [key]: e.target.checked } });
                  profileApi.update({ preferences: { [key]: e.target.checked } }).then(
                    (p) => {
                      apply(p);
                      toast('Preferences saved.', 'info');
                    },
                    (err) => {
                      setProfile(before);
                      fail(err);
                    },
                  );
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <p className="muted small">Browser notifications also need your browser’s permission (the header’s “Enable notifications”).</p>
      </div>
      <PasswordForm toast={toast} />
      <ApiTokens fail={fail} toast={toast} />
    </section>
  );
}
