import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { addMessage, fillTemplate, setDraft, type CannedMessage, type SensitiveFinding } from '@switchboard/client';
import { CHANNELS, fullTime } from './ui.tsx';
import type { Contact, Conversation } from './types.ts';
import type { Update } from './Workspace.tsx';
import { api } from './api.ts';
import { CannedPicker, EmojiPicker, TemplatePicker } from './composer/pickers.tsx';
import { AttachmentPreview } from './composer/attachmentPreview.tsx';

export { MAX_LENGTH } from './composer/limits.ts';
import { MAX_LENGTH } from './composer/limits.ts';

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
