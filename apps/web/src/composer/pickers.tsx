import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { CannedMessage } from '@switchboard/client';
import { api } from '../api.ts';
import { CannedList, useCannedSearch } from './Picker.tsx';
import { MAX_LENGTH } from './limits.ts';

/** A hand-picked set of everyday emoji with their names (for screen readers and the tooltip). */
export const EMOJI: ReadonlyArray<readonly [string, string]> = [
  ['😀', 'grinning face'], ['😃', 'smiling face with big eyes'], ['😊', 'smiling face with smiling eyes'], ['🙂', 'slightly smiling face'],
  ['😉', 'winking face'], ['😍', 'smiling face with heart-eyes'], ['😂', 'face with tears of joy'], ['🤔', 'thinking face'],
  ['😅', 'grinning face with sweat'], ['😇', 'smiling face with halo'], ['😎', 'smiling face with sunglasses'], ['🤗', 'hugging face'],
  ['😐', 'neutral face'], ['😕', 'confused face'], ['😢', 'crying face'], ['😮', 'face with open mouth'],
  ['🙁', 'slightly frowning face'], ['😴', 'sleeping face'], ['🙄', 'face with rolling eyes'], ['😬', 'grimacing face'],
  ['👍', 'thumbs up'], ['👎', 'thumbs down'], ['👌', 'OK hand'], ['👋', 'waving hand'],
  ['🙏', 'folded hands'], ['👏', 'clapping hands'], ['💪', 'flexed biceps'], ['🤝', 'handshake'],
  ['❤️', 'red heart'], ['🎉', 'party popper'], ['✅', 'check mark button'], ['❌', 'cross mark'],
  ['⭐', 'star'], ['🔥', 'fire'], ['💡', 'light bulb'], ['⏰', 'alarm clock'],
  ['📦', 'package'], ['📞', 'telephone receiver'], ['📧', 'e-mail'], ['🚀', 'rocket'],
];

const EMOJI_COLUMNS = 8;

/** The emoji grid of seed 002's composer: arrow keys move, Enter inserts at the caret, Esc closes. */
export function EmojiPicker({ onPick, onClose }: { onPick: (ch: string) => void; onClose: () => void }) {
  const [at, setAt] = useState(0);
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    grid.current?.querySelector<HTMLButtonElement>('button[tabindex="0"]')?.focus();
  }, [at]);
  // A click elsewhere closes it (the toggle button toggles by itself).
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      const t = e.target as HTMLElement;
      if (!grid.current?.contains(t) && !t.closest?.('[data-emoji-toggle]')) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);
  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: EMOJI_COLUMNS, ArrowUp: -EMOJI_COLUMNS };
    if (e.key in moves) {
      e.preventDefault();
      setAt((i) => Math.max(0, Math.min(EMOJI.length - 1, i + moves[e.key]!)));
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      setAt(e.key === 'Home' ? 0 : EMOJI.length - 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  }
  return (
    <div className="emoji-picker" role="group" aria-label="Emoji" ref={grid} onKeyDown={onKey}>
      {EMOJI.map(([ch, name], i) => (
        <button
          key={ch}
          type="button"
          className="emoji"
          tabIndex={i === at ? 0 : -1}
          aria-label={name}
          title={name}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(ch)}
          onFocus={() => setAt(i)}
        >
          {ch}
        </button>
      ))}
    </div>
  );
}

/**
 * Searchable canned messages (seed 004: "type /, search by keyword, select template") and the
 * agent's own quick replies (seed 002's lightning bolt: create and send). Shared ones come from
 * administrators; "New quick reply" adds one only its author sees, which they may edit or delete.
 */
export function CannedPicker({ onPick, onClose }: { onPick: (m: CannedMessage) => void; onClose: () => void }) {
  const [items, setItems] = useState<CannedMessage[] | null>(null);
  const search = useCannedSearch(items);
  const { setQ, setAt, selected } = search;
  const [form, setForm] = useState<{ id: number | null; title: string; body: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const load = () => api.cannedMessages().then((r) => setItems(r.items), () => setItems([]));

  useEffect(() => {
    input.current?.focus();
    void load();
  }, []);

  // The list holds shared ones and the viewer's own, so any owner is this agent.
  const mine = selected && selected.ownerId !== null ? selected : null;

  function backToList() {
    setForm(null);
    setError(null);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.ownerDocument.getElementById(input.current.getAttribute('aria-activedescendant') ?? '')?.scrollIntoView({ block: 'nearest' });
    });
  }

  async function save() {
    if (!form || busy || !form.title.trim() || !form.body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const input = { title: form.title.trim(), body: form.body.trim() };
      const saved = form.id === null ? await api.createCannedMessage({ ...input, personal: true }) : await api.updateCannedMessage(form.id, input);
      // Back to the list with the saved reply chosen: Enter sends it into the reply.
      const r = await api.cannedMessages();
      setItems(r.items);
      setQ('');
      setAt(Math.max(0, r.items.findIndex((m) => m.id === saved.id)));
      backToList();
    } catch (e) {
      setError((e as Error).message || 'The quick reply was not saved. Try again.');
    } finally {
      setBusy(false);
    }
  }
  async function remove(m: CannedMessage) {
    setError(null);
    try {
      await api.deleteCannedMessage(m.id);
      await load();
    } catch (e) {
      setError((e as Error).message || 'The quick reply was not deleted. Try again.');
    }
    input.current?.focus();
  }

  return (
    <div
      className="canned-picker"
      role="group"
      aria-label="Quick replies"
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        if (form) backToList();
        else onClose();
      }}
    >
      {form ? (
        // A div, not a <form>: it sits inside the composer's form, and forms do not nest.
        <div className="quick-form" role="form" aria-label={form.id === null ? 'New quick reply' : 'Edit quick reply'}>
          <label className="field">
            <span>Title</span>
            <input
              autoFocus
              required
              maxLength={120}
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.target.value })}
              onKeyDown={(e) => {
                if (e.key !== 'Enter') return;
                e.preventDefault();
                void save();
              }}
            />
          </label>
          <label className="field">
            <span>Text</span>
            <textarea required rows={3} maxLength={MAX_LENGTH} value={form.body} onChange={(e) => setForm({ ...form, body: e.target.value })} />
          </label>
          <p className="muted small">
            Only you see your quick replies. {'{{first_name}}'}, {'{{email}}'} and {'{{agent_name}}'} are filled in when used.
          </p>
          {error && (
            <p className="composer-error" role="alert">
              {error}
            </p>
          )}
          <div className="quick-actions">
            <button type="button" className="btn small" onClick={backToList}>
              Cancel
            </button>
            <button type="button" className="btn primary small" disabled={busy || !form.title.trim() || !form.body.trim()} onClick={() => void save()}>
              Save quick reply
            </button>
          </div>
        </div>
      ) : (
        <>
          <CannedList
            search={search}
            items={items}
            input={input}
            idPrefix="canned"
            searchLabel="Search canned messages"
            placeholder="Search quick replies and canned messages…"
            listLabel="Canned messages list"
            empty="No quick replies yet. Add your own with New quick reply."
            onPick={onPick}
            row={(m) => (
              <>
                <strong>
                  {m.title}
                  {m.ownerId !== null && <span className="badge mine">Mine</span>}
                </strong>
                <span className="muted">{m.body}</span>
              </>
            )}
          />
          {error && (
            <p className="composer-error" role="alert">
              {error}
            </p>
          )}
          <div className="quick-actions">
            <button type="button" className="btn small" onClick={() => { setError(null); setForm({ id: null, title: '', body: '' }); }}>
              New quick reply
            </button>
            {mine && (
              <>
                <button type="button" className="btn ghost small" aria-label={`Edit quick reply ${mine.title}`} onClick={() => { setError(null); setForm({ id: mine.id, title: mine.title, body: mine.body }); }}>
                  Edit
                </button>
                <button type="button" className="btn ghost small danger" aria-label={`Delete quick reply ${mine.title}`} onClick={() => void remove(mine)}>
                  Delete
                </button>
              </>
            )}
          </div>
        </>
      )}
    </div>
  );
}

/**
 * Seed 001's Reply Template button: the templates administrators approved, searchable, each shown as
 * the customer will read it. Outside WhatsApp's 24-hour window choosing one sends it at once (the
 * server fills it again, so the approved text is what goes out); otherwise it goes into the reply.
 */
export function TemplatePicker({ sends, preview, onPick, onClose }: { sends: boolean; preview: (m: CannedMessage) => string; onPick: (m: CannedMessage) => void; onClose: () => void }) {
  const [items, setItems] = useState<CannedMessage[] | null>(null);
  const search = useCannedSearch(items);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    api.cannedMessages().then((r) => setItems(r.items.filter((m) => m.template)), () => setItems([]));
  }, []);
  return (
    <div
      className="canned-picker"
      role="group"
      aria-label="Reply templates"
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        onClose();
      }}
    >
      <CannedList
        search={search}
        items={items}
        input={input}
        idPrefix="template"
        searchLabel="Search reply templates"
        placeholder="Search reply templates…"
        listLabel="Reply templates list"
        empty="No reply templates yet. Administrators add them under Canned messages."
        onPick={onPick}
        row={(m) => (
          <>
            <strong>{m.title}</strong>
            <span className="muted">{preview(m)}</span>
          </>
        )}
      />
      <p className="muted small picker-hint">{sends ? 'Choosing a template sends it to the customer as it is.' : 'Choosing a template puts it in your reply.'}</p>
    </div>
  );
}
