import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { addMessage, fillTemplate, setDraft, type AttachmentLimits, type CannedMessage, type SensitiveFinding } from '@switchboard/client';
import { CHANNELS, Modal, fullTime } from './ui.tsx';
import type { Contact, Conversation } from './types.ts';
import type { Update } from './Workspace.tsx';
import { api } from './api.ts';
import { CannedList, useCannedSearch } from './Picker.tsx';

export const MAX_LENGTH = 2000;

interface Props {
  c: Conversation;
  contact: Contact | undefined;
  agentName: string;
  update: Update;
  fail: (e: unknown) => void;
  /** The message this reply quotes (seed 002's rounded arrow), sent as replyToId. */
  quote?: { id: number; who: string; excerpt: string } | null;
  clearQuote?: () => void;
}

/** How often "typing" is said again while the agent keeps typing, and when silence means "stopped". */
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

/**
 * Seed 004's WhatsApp 24-hour window, as the server sees it: asked when the conversation opens and
 * whenever the customer writes, then followed on the server's clock (the browser's may differ), so
 * the composer notices the moment it closes. `closed` is false until the server has answered.
 */
function useMessagingWindow(id: number, lastCustomerMessageAt: number | null) {
  const [w, setW] = useState<{ closesAt: number | null; offset: number } | null>(null);
  const [, tick] = useState(0);
  const refresh = useCallback(() => {
    api.messagingWindow(id).then((r) => setW({ closesAt: r.closesAt, offset: r.now - Date.now() }), () => {});
  }, [id]);
  useEffect(() => {
    setW(null);
    refresh();
  }, [refresh, lastCustomerMessageAt]);
  useEffect(() => {
    const ms = w && w.closesAt !== null ? w.closesAt - (Date.now() + w.offset) : 0;
    if (ms <= 0) return;
    const t = setTimeout(() => tick((n) => n + 1), Math.min(ms + 50, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [w]);
  return { closed: w !== null && w.closesAt !== null && w.closesAt <= Date.now() + w.offset, refresh };
}

/** The text with each finding wrapped in <mark>, for the layer behind the textarea. */
function highlighted(text: string, findings: SensitiveFinding[]): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  for (const f of findings) {
    if (f.start < at || f.end > text.length) continue;
    out.push(text.slice(at, f.start));
    out.push(
      <mark key={f.start} className="sensitive-mark">
        {text.slice(f.start, f.end)}
      </mark>,
    );
    at = f.end;
  }
  out.push(text.slice(at) + '\n');
  return out;
}

export function Composer({ c, contact, agentName, update, fail, quote = null, clearQuote = () => {} }: Props) {
  const [text, setText] = useState(() => c.draft?.body ?? '');
  const [internal, setInternal] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [picker, setPicker] = useState(false);
  const [templatePicker, setTemplatePicker] = useState(false);
  const [emoji, setEmoji] = useState(false);
  const [check, setCheck] = useState<{ text: string; findings: SensitiveFinding[] }>({ text: '', findings: [] });
  const [warned, setWarned] = useState(false);
  const pending = useRef<{ timer: ReturnType<typeof setTimeout>; body: string } | null>(null);
  const saved = useRef(c.draft?.body ?? '');
  const touched = useRef(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const layer = useRef<HTMLDivElement>(null);
  const blocked = Boolean(c.contact?.blocked);
  const [attaching, setAttaching] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const messagingWindow = useMessagingWindow(c.id, c.lastCustomerMessageAt);
  // Outside the window only a reply template reaches the customer; notes are never held back.
  const freeFormBlocked = messagingWindow.closed && !internal && !blocked;

  // The draft may arrive after the composer mounted (conversation fetched on reload).
  useEffect(() => {
    if (!touched.current && c.draft?.body && text === '') {
      setText(c.draft.body);
      saved.current = c.draft.body;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c.draft?.body]);

  const flush = useCallback(() => {
    const p = pending.current;
    if (!p) return;
    clearTimeout(p.timer);
    pending.current = null;
    if (p.body === saved.current) return;
    saved.current = p.body;
    api.saveDraft(c.id, p.body).catch(() => {});
  }, [c.id]);

  // Save what is typed a moment after the last key, and at once when leaving the conversation.
  useEffect(() => () => flush(), [flush]);
  useEffect(() => {
    const onHide = () => flush();
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, [flush]);

  // Sensitive data (seed 001): checked a moment after typing stops; internal notes never reach customers.
  useEffect(() => {
    if (internal || text.trim() === '') {
      setCheck({ text, findings: [] });
      return;
    }
    if (check.text === text) return;
    const t = setTimeout(() => {
      api.checkSensitive(text).then((r) => setCheck({ text, findings: r.findings }), () => {});
    }, 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text, internal]);

  // Typing indicator for the customer: said when typing a reply (never a note), repeated while it goes
  // on, and "stopped" after a pause, on sending, on switching to a note, and on leaving.
  const typingSince = useRef(0);
  const typingIdle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stopTyping = useCallback(() => {
    if (typingIdle.current) clearTimeout(typingIdle.current);
    typingIdle.current = null;
    if (!typingSince.current) return;
    typingSince.current = 0;
    api.typing(c.id, false).catch(() => {});
  }, [c.id]);
  const typed = (body: string, note: boolean) => {
    if (note || blocked || body.trim() === '') {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - typingSince.current >= TYPING_REPEAT_MS) {
      typingSince.current = now;
      api.typing(c.id, true).catch(() => {});
    }
    if (typingIdle.current) clearTimeout(typingIdle.current);
    typingIdle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };
  useEffect(() => () => stopTyping(), [stopTyping]);
  useEffect(() => {
    if (internal) stopTyping();
  }, [internal, stopTyping]);

  // Choosing a message to quote puts the caret in the reply.
  useEffect(() => {
    if (quote) ref.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a newly chosen message moves the caret, not a re-render
  }, [quote?.id]);

  // Alt+N: write an internal note (seed 004's Ctrl+N belongs to the browser).
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.code !== 'KeyN' || document.querySelector('[role="dialog"]')) return;
      e.preventDefault();
      setInternal((v) => !v);
      ref.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  function change(body: string) {
    touched.current = true;
    setText(body);
    setError(null);
    setWarned(false);
    update((s) => setDraft(s, c.id, body, Date.now()));
    if (pending.current) clearTimeout(pending.current.timer);
    pending.current = { body, timer: setTimeout(flush, 600) };
    typed(body, internal);
  }

  const length = text.length;
  const tooLong = length > MAX_LENGTH;
  const empty = text.trim() === '';
  const findings = !internal && check.text === text ? check.findings : [];

  async function send(anyway = false) {
    if (sending || empty || tooLong || (blocked && !internal) || freeFormBlocked) return;
    const body = text;
    if (!internal && !anyway) {
      // Never send on a stale check: ask again if the text moved on since.
      let found = check.text === body ? check.findings : null;
      if (!found) {
        try {
          found = (await api.checkSensitive(body)).findings;
          setCheck({ text: body, findings: found });
        } catch {
          found = [];
        }
      }
      if (found.length) {
        setWarned(true);
        return;
      }
    }
    setSending(true);
    setError(null);
    try {
      stopTyping();
      const m = await api.postMessage(c.id, { body, internal, ...(quote ? { replyToId: quote.id } : {}), clientId: `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}` });
      clearQuote();
      update((s) => setDraft(addMessage(s, m), c.id, '', Date.now()));
      setText('');
      setWarned(false);
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = null;
      if (saved.current !== '') {
        saved.current = '';
        api.saveDraft(c.id, '').catch(() => {});
      }
      setInternal(false);
    } catch (e) {
      const code = (e as { code?: string }).code;
      setError(code ? (e as Error).message : 'The message was not sent. Try again.');
      if (code === 'outside_messaging_window') messagingWindow.refresh();
      if (!code) fail(e);
    } finally {
      setSending(false);
      ref.current?.focus();
    }
  }

  /** Opens or closes the reply templates (from the composer bar, or the closed-window banner). */
  function toggleTemplates() {
    setPicker(false);
    setEmoji(false);
    setTemplatePicker((v) => !v);
  }

  /** Sends a reply template as it is: the server fills its variables, so the approved text is what goes out. */
  async function sendTemplate(m: CannedMessage) {
    setTemplatePicker(false);
    setSending(true);
    setError(null);
    try {
      stopTyping();
      const sent = await api.postMessage(c.id, { templateId: m.id, ...(quote ? { replyToId: quote.id } : {}), clientId: `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}` });
      clearQuote();
      update((s) => addMessage(s, sent));
    } catch (e) {
      const code = (e as { code?: string }).code;
      setError(code ? (e as Error).message : 'The template was not sent. Try again.');
      if (!code) fail(e);
    } finally {
      setSending(false);
      ref.current?.focus();
    }
  }

  /** Seed 001's Reply Template: outside the window it is sent at once, otherwise it goes into the reply to finish. */
  function pickTemplate(m: CannedMessage) {
    if (freeFormBlocked) {
      void sendTemplate(m);
      return;
    }
    setTemplatePicker(false);
    insertAtCaret(fillTemplate(m.body, { contact: contact ?? c.contact, agentName }));
  }

  /** Puts text at the caret (or over the selection) and the caret after it. */
  function insertAtCaret(piece: string) {
    const el = ref.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + piece + text.slice(end);
    change(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + piece.length, start + piece.length);
    });
  }

  function insert(m: CannedMessage) {
    setPicker(false);
    insertAtCaret(fillTemplate(m.body, { contact: contact ?? c.contact, agentName }));
  }

  async function cleanUp() {
    try {
      const r = await api.cleanUpInput(text);
      change(r.text);
    } catch (e) {
      fail(e);
    }
    ref.current?.focus();
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Escape' && quote) {
      // Esc drops the quote first; the next Esc closes the conversation as usual.
      e.preventDefault();
      e.stopPropagation();
      clearQuote();
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key === '/') {
      e.preventDefault();
      setPicker(true);
      return;
    }
    if (e.key === '/' && text === '' && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      setPicker(true);
      return;
    }
    if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
    if (e.shiftKey && !e.ctrlKey && !e.metaKey) return; // Shift+Enter: a line break
    e.preventDefault();
    void send();
  }

  return (
    <form
      className={`composer${internal ? ' is-internal' : ''}${dragging ? ' dragging' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={(e) => {
        if (![...e.dataTransfer.types].includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const f = e.dataTransfer.files[0];
        if (f && !freeFormBlocked) setAttaching(f);
      }}
    >
      {dragging && <div className="drop-hint">Drop the file to attach it</div>}
      {attaching && (
        <AttachmentPreview
          file={attaching}
          c={c}
          caption={text}
          onClose={() => {
            setAttaching(null);
            ref.current?.focus();
          }}
          onSent={() => {
            setAttaching(null);
            change('');
            ref.current?.focus();
          }}
          update={update}
        />
      )}
      {blocked && (
        <p className="composer-warning" role="status">
          This customer is blocked: messages cannot be sent to or received from them. Internal notes still work.
        </p>
      )}
      {emoji && (
        <EmojiPicker
          onPick={(ch) => {
            setEmoji(false);
            insertAtCaret(ch);
          }}
          onClose={() => {
            setEmoji(false);
            ref.current?.focus();
          }}
        />
      )}
      {picker && <CannedPicker onPick={insert} onClose={() => { setPicker(false); ref.current?.focus(); }} />}
      {templatePicker && (
        <TemplatePicker
          sends={freeFormBlocked}
          preview={(m) => fillTemplate(m.body, { contact: contact ?? c.contact, agentName })}
          onPick={pickTemplate}
          onClose={() => {
            setTemplatePicker(false);
            ref.current?.focus();
          }}
        />
      )}
      {freeFormBlocked && (
        <div className="window-banner" role="status" id={`window-${c.id}`}>
          <p>
            <strong>The 24-hour reply window on {CHANNELS[c.channel]?.name ?? c.channel} has closed.</strong>{' '}
            {c.lastCustomerMessageAt ? `The customer last wrote on ${fullTime(c.lastCustomerMessageAt)}.` : 'The customer has not written yet.'} Until they write again,
            only an approved reply template can be sent. Internal notes still work.
          </p>
          <button
            type="button"
            className="btn primary small"
            disabled={sending}
            aria-haspopup="true"
            aria-expanded={templatePicker}
            onClick={toggleTemplates}
          >
            Reply template
          </button>
        </div>
      )}
      {warned && findings.length > 0 && (
        <div className="sensitive-warning" role="alert">
          <div>
            <strong>Check your reply before sending.</strong>
            <ul>
              {findings.map((f) => (
                <li key={f.start}>
                  <mark className="sensitive-mark">{f.text}</mark> — {f.reason}
                </li>
              ))}
            </ul>
          </div>
          <button type="button" className="btn danger small" onClick={() => void send(true)}>
            Send anyway
          </button>
        </div>
      )}
      {quote && (
        <div className="quote-bar" role="group" aria-label="Quoted message">
          <div className="quote-bar-text">
            <span className="quote-bar-who">Replying to {quote.who}</span>
            <span className="quote-bar-excerpt">{quote.excerpt}</span>
          </div>
          <button
            type="button"
            className="btn ghost icon small"
            aria-label="Remove quote"
            title="Remove quote (Esc)"
            onClick={() => {
              clearQuote();
              ref.current?.focus();
            }}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
      <label className="sr-only" htmlFor={`composer-${c.id}`}>
        {internal ? 'Internal note' : 'Reply'}
      </label>
      <div className="composer-input">
        <div className="composer-layer" ref={layer} aria-hidden="true">
          {highlighted(text, findings)}
        </div>
        <textarea
          id={`composer-${c.id}`}
          ref={ref}
          rows={3}
          value={text}
          placeholder={internal ? 'Write an internal note — only agents see it' : 'Write a reply… (Enter sends, Shift+Enter for a new line, / for canned messages)'}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKey}
          onScroll={(e) => {
            if (layer.current) layer.current.scrollTop = e.currentTarget.scrollTop;
          }}
          aria-invalid={tooLong || findings.length > 0 || undefined}
          aria-describedby={`counter-${c.id}`}
          aria-keyshortcuts="Control+Enter Control+/ Alt+N"
        />
        <button
          type="button"
          className="btn ghost icon quick-toggle"
          onClick={() => {
            setEmoji(false);
            setPicker((v) => !v);
          }}
          aria-haspopup="true"
          aria-expanded={picker}
          aria-label="Quick replies and canned messages"
          aria-keyshortcuts="Control+/"
          title="Quick replies and canned messages: send one, or add your own (Ctrl+/)"
        >
          <span aria-hidden="true">⚡</span>
        </button>
        <button
          type="button"
          className="btn ghost icon emoji-toggle"
          onClick={() => {
            setPicker(false);
            setEmoji((v) => !v);
          }}
          aria-haspopup="true"
          aria-expanded={emoji}
          aria-label="Insert emoji"
          data-emoji-toggle
          title="Insert emoji"
        >
          <span aria-hidden="true">🙂</span>
        </button>
      </div>
      <div className="composer-bar">
        <label className="toggle" title="Internal note (Alt+N)">
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
          <span className="toggle-track" aria-hidden="true" />
          <span>Internal note</span>
        </label>
        <input
          ref={fileInput}
          type="file"
          hidden
          aria-label="Choose a file to attach"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) setAttaching(f);
            e.target.value = '';
          }}
        />
        <button
          type="button"
          className="btn ghost small"
          onClick={() => fileInput.current?.click()}
          disabled={blocked || freeFormBlocked}
          title={freeFormBlocked ? 'Outside the 24-hour window only a reply template can be sent' : 'Attach a file (or drop it here)'}
        >
          Attach file
        </button>
        {!freeFormBlocked && (
          <button
            type="button"
            className="btn ghost small"
            disabled={blocked && !internal}
            aria-haspopup="true"
            aria-expanded={templatePicker}
            title="Choose one of the reply templates your administrators approved"
            onClick={toggleTemplates}
          >
            Reply template
          </button>
        )}
        <button type="button" className="btn ghost small" onClick={() => void cleanUp()} disabled={empty} title="Reformat pasted text: remove invisible characters, odd spaces and what your administrators listed">
          Clean up input
        </button>
        {findings.length > 0 && !warned && (
          <span className="sensitive-hint" role="status">
            {findings.length === 1 ? '1 sensitive item highlighted' : `${findings.length} sensitive items highlighted`}
          </span>
        )}
        {error && (
          <span className="composer-error" role="alert">
            {error}
          </span>
        )}
        <span className="spacer" />
        <span id={`counter-${c.id}`} className={`counter${tooLong ? ' over' : length > MAX_LENGTH * 0.9 ? ' near' : ''}`} aria-live="polite">
          {length} / {MAX_LENGTH}
        </span>
        <button
          className="btn primary"
          type="submit"
          disabled={sending || empty || tooLong || (blocked && !internal) || freeFormBlocked}
          title={freeFormBlocked ? 'Outside the 24-hour window only a reply template can be sent' : undefined}
          aria-describedby={freeFormBlocked ? `window-${c.id}` : undefined}
        >
          {internal ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
  );
}

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
function EmojiPicker({ onPick, onClose }: { onPick: (ch: string) => void; onClose: () => void }) {
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
function CannedPicker({ onPick, onClose }: { onPick: (m: CannedMessage) => void; onClose: () => void }) {
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
function TemplatePicker({ sends, preview, onPick, onClose }: { sends: boolean; preview: (m: CannedMessage) => string; onPick: (m: CannedMessage) => void; onClose: () => void }) {
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

const MB = 1024 * 1024;
const KIND_NAMES = { image: 'Images', audio: 'Audio files', video: 'Videos', file: 'Files' } as const;
const LIMIT_CHANNEL_NAMES: Record<string, string> = { messenger: 'Facebook and Instagram', whatsapp: 'WhatsApp Business', telegram: 'Telegram', web: 'web chat', portal: 'the portal' };
let limitsOnce: Promise<AttachmentLimits> | null = null;
const size = (n: number) => (n >= MB ? `${Math.round((n / MB) * 10) / 10} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** Seed 001: "It is not sent until you click Send in the Preview window." */
function AttachmentPreview({ file, c, caption, onClose, onSent, update }: { file: File; c: Conversation; caption: string; onClose: () => void; onSent: () => void; update: Update }) {
  const [limits, setLimits] = useState<AttachmentLimits | null>(null);
  const [text, setText] = useState(caption);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const url = useMemo(() => (file.type.startsWith('image/') ? URL.createObjectURL(file) : null), [file]);
  useEffect(() => () => { if (url) URL.revokeObjectURL(url); }, [url]);
  useEffect(() => {
    limitsOnce ??= api.attachmentLimits();
    limitsOnce.then(setLimits, () => setLimits({}));
  }, []);

  // A first look with the browser's guess; the server sniffs the bytes and has the last word.
  const kind = file.type.startsWith('image/') ? 'image' : file.type.startsWith('audio/') ? 'audio' : file.type.startsWith('video/') ? 'video' : 'file';
  const limit = limits?.[c.channel]?.[kind];
  const channelName = LIMIT_CHANNEL_NAMES[c.channel] ?? CHANNELS[c.channel]?.name ?? c.channel;
  const tooBig = limit !== undefined && file.size > limit ? `${KIND_NAMES[kind]} sent on ${channelName} can be at most ${size(limit)}; this one is ${size(file.size)}.` : null;

  async function send() {
    setBusy(true);
    setError(null);
    try {
      const a = await api.uploadAttachment(c.id, file, file.name);
      const m = await api.postMessage(c.id, { body: text.trim(), attachments: [a], clientId: `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}` });
      update((s) => setDraft(addMessage(s, m), c.id, '', Date.now()));
      onSent();
    } catch (e) {
      setError((e as Error).message || 'The file was not sent. Try again.');
      setBusy(false);
    }
  }

  return (
    <Modal
      title="Send attachment"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={busy || Boolean(tooBig) || !limits} onClick={() => void send()}>
            {busy ? 'Sending…' : 'Send'}
          </button>
        </>
      }
    >
      <div className="attach-preview">
        {url ? <img src={url} alt={`Preview of ${file.name}`} /> : <span className="file-icon" aria-hidden="true">📄</span>}
        <div>
          <strong className="attach-name">{file.name}</strong>
          <div className="muted small">{size(file.size)}</div>
        </div>
      </div>
      {(tooBig || error) && (
        <p className="composer-warning" role="alert">
          {tooBig ?? error}
        </p>
      )}
      <label className="field">
        <span>Caption (optional)</span>
        <textarea rows={2} maxLength={MAX_LENGTH} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
    </Modal>
  );
}
