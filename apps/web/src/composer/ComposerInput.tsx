import { useRef, type KeyboardEvent, type RefObject } from 'react';
import type { SensitiveFinding } from '@switchboard/client';
import { highlighted } from './highlighted.tsx';
import { LineIcon } from '../ui.tsx';

interface Props {
  id: number;
  textRef: RefObject<HTMLTextAreaElement | null>;
  internal: boolean;
  text: string;
  /** Sensitive data found, marked in the layer behind the text. */
  findings: SensitiveFinding[];
  invalid: boolean;
  onChange: (text: string) => void;
  onKeyDown: (e: KeyboardEvent<HTMLTextAreaElement>) => void;
  picker: boolean;
  emoji: boolean;
  togglePicker: () => void;
  toggleEmoji: () => void;
}

/** The reply's text, with sensitive data marked behind it, and the quick-reply and emoji buttons. */
export function ComposerInput({ id, textRef, internal, text, findings, invalid, onChange, onKeyDown, picker, emoji, togglePicker, toggleEmoji }: Props) {
  const layer = useRef<HTMLDivElement>(null);
  return (
    <>
      <label className="sr-only" htmlFor={`composer-${id}`}>
        {internal ? 'Internal note' : 'Reply'}
      </label>
      <div className="composer-input">
        <div className="composer-layer" ref={layer} aria-hidden="true">
          {highlighted(text, findings)}
        </div>
        <textarea
          id={`composer-${id}`}
          ref={textRef}
          rows={3}
          value={text}
          placeholder={internal ? 'Write an internal note — only agents see it' : 'Write a reply… (Enter sends, Shift+Enter for a new line, / for canned messages)'}
          onChange={(e) => onChange(e.target.value)}
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            if (layer.current) layer.current.scrollTop = e.currentTarget.scrollTop;
          }}
          aria-invalid={invalid || undefined}
          aria-describedby={`counter-${id}`}
          aria-keyshortcuts="Control+Enter Control+/ Alt+N"
        />
        <button
          type="button"
          className="btn ghost icon quick-toggle"
          onClick={togglePicker}
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
          onClick={toggleEmoji}
          aria-haspopup="true"
          aria-expanded={emoji}
          aria-label="Insert emoji"
          data-emoji-toggle
          title="Insert emoji"
        >
          <LineIcon name="smile" />
        </button>
      </div>
    </>
  );
}
