import { Avatar } from '../ui.tsx';
import './avatar.css';

/** A user's picture when they chose one, else their initials (ui.tsx Avatar). */
export function UserAvatar({ name, url, size = 28 }: { name: string; url: string | null | undefined; size?: number }) {
  if (!url) return <Avatar name={name} size={size} />;
  return <img className="avatar avatar-img" src={url} alt="" width={size} height={size} style={{ width: size, height: size }} />;
}
