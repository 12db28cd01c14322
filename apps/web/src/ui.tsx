import { useId, useRef, type ReactNode } from 'react';
import { useFocusTrap } from './focusTrap.ts';
import type { Channel, DeliveryStatus, Message } from './types.ts';

export const CHANNELS: Record<Channel, { name: string; color: string }> = {
  web: { name: 'Web chat', color: '#4f46e5' },
  portal: { name: 'Portal', color: '#0891b2' },
  email: { name: 'Email', color: '#d97706' },
  whatsapp: { name: 'WhatsApp', color: '#16a34a' },
  messenger: { name: 'Messenger', color: '#2563eb' },
  telegram: { name: 'Telegram', color: '#0ea5e9' },
  api: { name: 'API', color: '#64748b' },
};

const CHANNEL_PATHS: Record<Channel, string> = {
  web: 'M4 5h16v11H8l-4 4z',
  portal: 'M4 4h16v16H4zM4 9h16',
  email: 'M3 6h18v12H3zM3 6l9 7 9-7',
  whatsapp: 'M12 3a9 9 0 0 0-7.8 13.5L3 21l4.6-1.2A9 9 0 1 0 12 3z',
  messenger: 'M12 3C7 3 3 6.7 3 11.3c0 2.6 1.3 4.9 3.3 6.4V21l3-1.7c.9.3 1.8.4 2.7.4 5 0 9-3.7 9-8.4S17 3 12 3zm-5 11 4-4 2 2 4-4-4 4-2-2z',
  telegram: 'M21 4 3 11l6 2 2 6 3-4 5 4z',
  api: 'M8 7l-5 5 5 5M16 7l5 5-5 5',
};

export function ChannelIcon({ channel, size = 14 }: { channel: Channel; size?: number }) {
  const meta = CHANNELS[channel] ?? CHANNELS.api;
  return (
    <svg className="channel-icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke={meta.color} strokeWidth="2" strokeLinejoin="round" strokeLinecap="round">
      <path d={CHANNEL_PATHS[channel] ?? CHANNEL_PATHS.api} />
    </svg>
  );
}

/** Drawn, not emoji: an emoji needs a colour font, and a browser without one shows an empty box. */
const LINE_ICONS = {
  bell: ['M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9', 'M10.3 21a1.94 1.94 0 0 0 3.4 0'],
  smile: ['M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M8 14s1.5 2 4 2 4-2 4-2', 'M9 9h.01', 'M15 9h.01'],
} as const;

export function LineIcon({ name, size = 18 }: { name: keyof typeof LINE_ICONS; size?: number }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" width={size} height={size} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      {LINE_ICONS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}

const STATUS_LABEL: Record<DeliveryStatus, string> = { queued: 'Queued', sent: 'Sent', delivered: 'Delivered', read: 'Read', failed: 'Failed' };

/** Clock = queued, one tick = sent or delivered, two ticks = read, red cross = failed (reason in the title). */
export function DeliveryIcon({ message }: { message: Message }) {
  const s = message.status;
  const title = s === 'failed' ? `Failed: ${message.failureReason ?? 'unknown reason'}` : STATUS_LABEL[s];
  const common = { width: 16, height: 16, viewBox: '0 0 24 24', fill: 'none', strokeWidth: 2.2, strokeLinecap: 'round' as const, strokeLinejoin: 'round' as const };
  return (
    <span className={`delivery delivery-${s}`} title={title} role="img" aria-label={title} data-status={s}>
      {s === 'queued' && (
        <svg {...common} stroke="currentColor">
          <circle cx="12" cy="12" r="8" />
          <path d="M12 8v4l3 2" />
        </svg>
      )}
      {(s === 'sent' || s === 'delivered') && (
        <svg {...common} stroke="currentColor">
          <path d="M5 12.5l4.5 4.5L19 7.5" />
        </svg>
      )}
      {s === 'read' && (
        <svg {...common} width={20} viewBox="0 0 28 24" stroke="currentColor">
          <path d="M3 12.5l4.5 4.5L17 7.5M12 16l1 1 9.5-9.5" />
        </svg>
      )}
      {s === 'failed' && (
        <svg {...common} stroke="currentColor">
          <path d="M6 6l12 12M18 6L6 18" />
        </svg>
      )}
    </span>
  );
}

export function relativeTime(at: number, now = Date.now()): string {
  const d = Math.max(0, now - at);
  const min = Math.floor(d / 60_000);
  if (min < 1) return 'now';
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h}h`;
  const days = Math.floor(h / 24);
  if (days < 7) return `${days}d`;
  return new Date(at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export function fullTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? (parts[parts.length - 1]![0] ?? '') : '')).toUpperCase();
}

/** Initials on a colour of the name; OKLCH keeps every hue equally dark, so white text stays above 4.5:1. */
export function Avatar({ name, size = 36 }: { name: string; size?: number }) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span className="avatar" aria-hidden="true" style={{ width: size, height: size, background: `oklch(52% 0.12 ${h})`, fontSize: size * 0.38 }}>
      {initials(name)}
    </span>
  );
}

/** A modal dialog: focus moves in and stays in (Tab cycles), Esc or the backdrop closes it, focus returns to the opener. */
export function Modal({ title, onClose, children, footer }: { title: string; onClose: () => void; children: ReactNode; footer: ReactNode }) {
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useFocusTrap(ref, onClose);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className="modal" role="dialog" aria-modal="true" aria-labelledby={id} tabIndex={-1}>
        <h2 id={id}>{title}</h2>
        <div className="modal-body">{children}</div>
        <div className="modal-footer">{footer}</div>
      </div>
    </div>
  );
}

/** A copy of `set` with `id` in it (`on`) or not: for React state, which must not be changed in place. */
export function toggled<T>(set: Set<T>, id: T, on: boolean): Set<T> {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

export function Badge({ count, label }: { count: number; label: string }) {
  if (count <= 0) return null;
  return (
    <span className="badge" aria-label={label} title={label}>
      {count > 99 ? '99+' : count}
    </span>
  );
}

export function Chip({ name, color, onRemove, removeLabel }: { name: string; color: string; onRemove?: () => void; removeLabel?: string }) {
  return (
    <span className="chip" style={{ ['--chip' as string]: color }}>
      <span className="chip-dot" aria-hidden="true" />
      {name}
      {onRemove && (
        <button type="button" className="chip-x" onClick={onRemove} aria-label={removeLabel ?? `Remove ${name}`}>
          ×
        </button>
      )}
    </span>
  );
}
