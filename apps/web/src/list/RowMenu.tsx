import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Conversation } from '../types.ts';
import type { Directory } from '../stores/directory.ts';
import { api } from '../api.ts';
import { ROW_ACTIONS } from '../actions/conversation.ts';
import { labelOf } from '../actions/types.ts';

export interface RowMenuAt {
  conversation: Conversation;
  x: number;
  y: number;
}

/** The row's context menu (seed 004: right-click a conversation → Add label → choose one). */
export function RowMenu({ at, dir, onClose, onAddLabel }: { at: RowMenuAt; dir: Directory; onClose: (refocus: boolean) => void; onAddLabel: (c: Conversation, labelId: number) => Promise<void> }) {
  const ref = useRef<HTMLDivElement>(null);
  const [labelsOpen, setLabelsOpen] = useState(false);
  const [labels, setLabels] = useState<Array<{ id: number; name: string; color: string }> | null>(null);
  const [pos, setPos] = useState({ left: at.x, top: at.y });
  const c = at.conversation;
  const ctx = { c, canLabel: true };
  const has = new Set(c.labels.map((l) => l.id));
  const shown = labels ?? dir.labels;

  // Keep the menu inside the window.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ left: Math.max(4, Math.min(at.x, window.innerWidth - r.width - 4)), top: Math.max(4, Math.min(at.y, window.innerHeight - r.height - 4)) });
  }, [at.x, at.y, labelsOpen, shown.length]);

  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
  }, [labelsOpen, labels]);

  useEffect(() => {
    const away = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose(false);
    };
    const gone = () => onClose(false);
    document.addEventListener('mousedown', away);
    window.addEventListener('resize', gone);
    return () => {
      document.removeEventListener('mousedown', away);
      window.removeEventListener('resize', gone);
    };
  }, [onClose]);

  function openLabels() {
    setLabelsOpen(true);
    api.labels().then((r) => setLabels(r.items), () => setLabels(dir.labels));
  }

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const items = [...(ref.current?.querySelectorAll<HTMLElement>(labelsOpen ? '.row-submenu [role="menuitem"]' : '.row-menu-root > [role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1) + items.length) % items.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose(true);
    } else if (e.key === 'ArrowLeft' && labelsOpen) {
      e.preventDefault();
      setLabelsOpen(false);
    } else if (e.key === 'ArrowRight' && !labelsOpen && ROW_ACTIONS.some((a) => a.submenu === 'labels' && a.allowed(ctx))) {
      e.preventDefault();
      openLabels();
    } else if (e.key === 'Tab') {
      onClose(false);
    }
  }

  const name = c.contact?.name ?? 'Unknown customer';
  return (
    <div ref={ref} className="row-menu" style={{ left: pos.left, top: pos.top }} onKeyDown={onKey} onContextMenu={(e) => e.preventDefault()}>
      <div role="menu" aria-label={`Actions for ${name}`} className="row-menu-root menu-panel">
        {ROW_ACTIONS.filter((a) => a.allowed(ctx)).map((a) =>
          a.submenu === 'labels' ? (
            <button key={a.name} role="menuitem" aria-haspopup="menu" aria-expanded={labelsOpen} tabIndex={-1} onClick={() => (labelsOpen ? setLabelsOpen(false) : openLabels())}>
              {labelOf(a, ctx)} <span aria-hidden="true">›</span>
            </button>
          ) : (
            <button
              key={a.name}
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                onClose(true);
                a.perform(ctx);
              }}
            >
              {labelOf(a, ctx)}
            </button>
          ),
        )}
      </div>
      {labelsOpen && (
        <div role="menu" aria-label="Labels" className="row-submenu menu-panel">
          {!shown.length && <p className="muted small">No labels yet. An administrator creates them.</p>}
          {shown.map((l) => {
            const on = has.has(l.id);
            return (
              <button
                key={l.id}
                role="menuitem"
                tabIndex={-1}
                aria-disabled={on}
                title={on ? 'Already on this conversation' : undefined}
                onClick={() => {
                  if (on) return;
                  onClose(true);
                  void onAddLabel(c, l.id);
                }}
              >
                <span className="chip-dot" style={{ background: l.color }} aria-hidden="true" />
                <span className="tag-name">{l.name}</span>
                {on && <span aria-hidden="true">✓</span>}
              </button>
            );
          })}
        </div>
      )}
    </div>
  );
}
