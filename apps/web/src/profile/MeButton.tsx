import type { User } from '../types.ts';
import { useUsers } from '../stores/users.ts';
import { navigate } from '../router/router.ts';
import { lastWorkUrl } from '../router/workRoute.ts';
import { UserAvatar } from './UserAvatar.tsx';

/** The header's name and picture: opens the profile (and goes back from it). */
export function MeButton({ me, onProfile }: { me: User; onProfile: boolean }) {
  // The directory's copy follows a rename or a new picture (directory.changed).
  const fresh = useUsers().find((u) => u.id === me.id) ?? me;
  return (
    // Named by what it shows (name, role) and then its purpose: voice control users say what they see.
    <button className="btn ghost me" aria-pressed={onProfile} title={`${fresh.name}: your profile`} onClick={() => navigate(onProfile ? lastWorkUrl() : '/profile')}>
      <UserAvatar name={fresh.name} url={fresh.avatarUrl} size={24} />
      <span className="me-name">{fresh.name}</span>{' '}
      <span className="muted me-role">{me.role}</span>
      <span className="sr-only">, your profile</span>
    </button>
  );
}
