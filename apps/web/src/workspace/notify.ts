/**
 * New offers and customer messages (seed 002: "a notification appears showing the message text"):
 * a browser notification once the agent allowed them, and a short sound. In-app toasts are the
 * workspace's own.
 */
import { preferences } from '../profile/preferences.ts';

let audio: AudioContext | null = null;

/** A short two-note chime made on the spot (no sound file to ship). */
export function chime(): void {
  if (!preferences().sound) return; // the agent turned sounds off on their profile
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    audio ??= new Ctx();
    const now = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.2);
    }
  } catch {
    // No sound is better than an error.
  }
}

export type Permission = 'default' | 'granted' | 'denied' | 'unsupported';

/** The Permissions API's last answer; `Notification.permission` until it has given one. */
let known: Permission | null = null;

export function permission(): Permission {
  if (typeof Notification === 'undefined') return 'unsupported';
  return known ?? (Notification.permission as Permission);
}

/**
 * Follows the notification permission through the Permissions API, which also reports a change
 * the agent makes later in the browser's site settings (the "Enable notifications" button then
 * goes or comes back without a reload). `Notification.permission` is only a snapshot, and
 * Chromium's headless shell pins it at "denied" whatever the site setting says.
 * Returns the unsubscribe function.
 */
export function watchPermission(onChange: (p: Permission) => void): () => void {
  if (typeof Notification === 'undefined' || !navigator.permissions?.query) return () => {};
  let status: PermissionStatus | null = null;
  let stopped = false;
  const report = () => {
    if (!status) return;
    known = status.state === 'prompt' ? 'default' : status.state;
    onChange(known);
  };
  navigator.permissions.query({ name: 'notifications' }).then(
    (s) => {
      if (stopped) return;
      status = s;
      s.addEventListener('change', report);
      report();
    },
    () => {
      // A browser that cannot be asked: keep Notification.permission's answer.
    },
  );
  return () => {
    stopped = true;
    status?.removeEventListener('change', report);
  };
}

export async function askPermission(): Promise<Permission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return (await Notification.requestPermission()) as Permission;
  } catch {
    return permission();
  }
}

/** Shows a browser notification if allowed; clicking it focuses the tab and runs `onClick`. */
export function notify(title: string, body: string, tag: string, onClick?: () => void): void {
  if (permission() !== 'granted') return;
  const wanted = tag.startsWith('offer-') ? preferences().notifyOffers : preferences().notifyMessages;
  if (!wanted) return; // turned off on the profile page

  try {
    const n = new Notification(title, { body: body.slice(0, 200), tag });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}
