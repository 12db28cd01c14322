import { useEffect, useRef, useState } from 'react';

import type { Notice } from '../stores/notifications.ts';
import { LineIcon } from '../ui.tsx';

export type { Notice };

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * The header's notification centre (issue 4): the offers and messages that rang this session, newest
 * first, with a count of those not seen yet. Opening it marks them seen; choosing one opens its
 * conversation. Esc or a click elsewhere closes it.
 */
export function NotificationCentre({ notices, seen, onSeen, onOpen, onClear }: { notices: Notice[]; seen: number; onSeen: () => void; onOpen: (conversationId: number) => void; onClear: () => void }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const fresh = notices.filter((n) => n.id > seen).length;

  useEffect(() => {
    if (!open) return;
    onSeen();
    const onDown = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    box.current?.querySelector<HTMLElement>('.notice button, .notice-empty')?.focus();
    return () => document.removeEventListener('mousedown', onDown);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);
  // New ones while it is open are seen at once.
  useEffect(() => {
    if (open && fresh) onSeen();
  }, [open, fresh, onSeen]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div
      className="notice-centre"
      ref={box}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={button}
        type="button"
        className="btn ghost icon notice-toggle"
        aria-label={fresh ? `Notifications, ${fresh} new` : 'Notifications'}
        aria-expanded={open}
        aria-haspopup="true"
        title="Notifications"
        onClick={() => setOpen((v) => !v)}
      >
        <LineIcon name="bell" />
        {fresh > 0 && (
          <span className="badge notice-count" aria-hidden="true">
            {fresh > 99 ? '99+' : fresh}
          </span>
        )}
      </button>
      {open && (
        <div className="notice-panel" role="region" aria-label="Notification centre">
          <div className="notice-head">
            <strong>Notifications</strong>
            <button type="button" className="btn ghost small" disabled={!notices.length} onClick={onClear}>
              Clear all
            </button>
          </div>
          {notices.length ? (
            <ul className="notice-list">
              {notices.map((n) => (
                <li key={n.id} className="notice">
                  <button
                    type="button"
                    onClick={() => {
                      setOpen(false);
                      onOpen(n.conversationId);
                    }}
                  >
                    <span className="notice-title">
                      <span aria-hidden="true">{n.kind === 'offer' ? '📥 ' : n.kind === 'request' ? '🤝 ' : '💬 '}</span>
                      {n.title}
                    </span>
                    <span className="notice-body muted">{n.body}</span>
                    <time className="muted small" dateTime={new Date(n.at).toISOString()}>
                      {time(n.at)}
                    </time>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="notice-empty muted" tabIndex={-1}>
              Nothing yet. New offers and customers’ messages show here.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
