import { useRef } from 'react';
import type { Conversation } from '../types.ts';
import { MAX_LENGTH } from './limits.ts';

interface Props {
  c: Conversation;
  internal: boolean;
  setInternal: (on: boolean) => void;
  blocked: boolean;
  freeFormBlocked: boolean;
  onFile: (f: File) => void;
  templatePicker: boolean;
  toggleTemplates: () => void;
  cleanUp: () => void;
  empty: boolean;
  /** Sensitive items marked in the text (before the agent tried to send). */
  highlightedCount: number;
  error: string | null;
  length: number;
  sending: boolean;
}

/** The bar under the reply: note switch, attach, templates, clean-up, the counter and Send. */
export function ComposerBar({ c, internal, setInternal, blocked, freeFormBlocked, onFile, templatePicker, toggleTemplates, cleanUp, empty, highlightedCount, error, length, sending }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);
  const tooLong = length > MAX_LENGTH;
  return (
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
          if (f) onFile(f);
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
      <button type="button" className="btn ghost small" onClick={cleanUp} disabled={empty} title="Reformat pasted text: remove invisible characters, odd spaces and what your administrators listed">
        Clean up input
      </button>
      {highlightedCount > 0 && (
        <span className="sensitive-hint" role="status">
          {highlightedCount === 1 ? '1 sensitive item highlighted' : `${highlightedCount} sensitive items highlighted`}
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
  );
}
