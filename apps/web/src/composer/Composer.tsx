import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { addMessage, fillTemplate, setDraft, type CannedMessage } from '@switchboard/client';
import type { Contact, Conversation } from '../types.ts';
import type { Update } from '../stores/conversations.ts';
import { api } from '../api.ts';
import { CannedPicker, EmojiPicker, TemplatePicker } from './pickers.tsx';
import { AttachmentPreview } from './attachmentPreview.tsx';
import { useMessagingWindow } from './useMessagingWindow.ts';
import { ComposerInput } from './ComposerInput.tsx';
import { useTypingSignal } from './useTypingSignal.ts';
import { ComposerNotices } from './ComposerNotices.tsx';
import { ComposerBar } from './ComposerBar.tsx';
import { useSensitiveCheck } from './useSensitiveCheck.ts';

export { MAX_LENGTH } from './limits.ts';
import { MAX_LENGTH } from './limits.ts';

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




export function Composer({ c, contact, agentName, update, fail, quote = null, clearQuote = () => {} }: Props) {
  const [text, setText] = useState(() => c.draft?.body ?? '');
  const [internal, setInternal] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [picker, setPicker] = useState(false);
  const [templatePicker, setTemplatePicker] = useState(false);
  const [emoji, setEmoji] = useState(false);
  const [check, setCheck] = useSensitiveCheck(text, internal);
  const [warned, setWarned] = useState(false);
  const pending = useRef<{ timer: ReturnType<typeof setTimeout>; body: string } | null>(null);
  const saved = useRef(c.draft?.body ?? '');
  const touched = useRef(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const blocked = Boolean(c.contact?.blocked);
  const [attaching, setAttaching] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
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



  const { typed, stopTyping } = useTypingSignal(c.id, blocked, internal);

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
      <ComposerNotices
        c={c}
        freeFormBlocked={freeFormBlocked}
        sending={sending}
        templatePicker={templatePicker}
        toggleTemplates={toggleTemplates}
        findings={warned ? findings : []}
        sendAnyway={() => void send(true)}
        quote={quote}
        dropQuote={() => {
          clearQuote();
          ref.current?.focus();
        }}
      />
      <ComposerInput
        id={c.id}
        textRef={ref}
        internal={internal}
        text={text}
        findings={findings}
        invalid={tooLong || findings.length > 0}
        onChange={change}
        onKeyDown={onKey}
        picker={picker}
        emoji={emoji}
        togglePicker={() => {
          setEmoji(false);
          setPicker((v) => !v);
        }}
        toggleEmoji={() => {
          setPicker(false);
          setEmoji((v) => !v);
        }}
      />
      <ComposerBar
        c={c}
        internal={internal}
        setInternal={setInternal}
        blocked={blocked}
        freeFormBlocked={freeFormBlocked}
        onFile={setAttaching}
        templatePicker={templatePicker}
        toggleTemplates={toggleTemplates}
        cleanUp={() => void cleanUp()}
        empty={empty}
        highlightedCount={findings.length > 0 && !warned ? findings.length : 0}
        error={error}
        length={length}
        sending={sending}
      />
    </form>
  );
}
