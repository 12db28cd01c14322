import { useEffect, useId, useRef, useState } from 'react';

export interface MenuItem {
  name: string;
  label: string;
  perform: () => void;
}

/** A header button that opens a menu of actions (seed 003's End chat → End / End with a new ticket). */
export function ActionMenu({ label, items, disabled }: { label: string; items: MenuItem[]; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const wrap = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    wrap.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  return (
    <div className="end-menu-wrap" ref={wrap}>
      <button ref={button} className="btn" disabled={disabled} aria-haspopup="menu" aria-expanded={open} aria-controls={open ? menuId : undefined} onClick={() => setOpen(!open)}>
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div
          id={menuId}
          className="end-menu"
          role="menu"
          aria-label={label}
          onKeyDown={(e) => {
            const all = [...(wrap.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
            const at = all.indexOf(document.activeElement as HTMLElement);
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              all[(at + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus();
            } else if (e.key === 'Escape' || e.key === 'Tab') {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
              }
              close();
            }
          }}
        >
          {items.map((item) => (
            <button
              key={item.name}
              role="menuitem"
              className="end-menu-item"
              onClick={() => {
                setOpen(false);
                item.perform();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
