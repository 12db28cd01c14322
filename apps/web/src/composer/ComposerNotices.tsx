import type { SensitiveFinding } from '@switchboard/client';
import type { Conversation } from '../types.ts';
import { CHANNELS, fullTime } from '../ui.tsx';

interface Props {
  c: Conversation;
  freeFormBlocked: boolean;
  sending: boolean;
  templatePicker: boolean;
  toggleTemplates: () => void;
  /** Sensitive data found in the reply the agent tried to send (empty: no warning). */
  findings: SensitiveFinding[];
  sendAnyway: () => void;
  quote: { id: number; who: string; excerpt: string } | null;
  dropQuote: () => void;
}

/** What stands above the reply: the closed 24-hour window, the sensitive-data warning, the quoted message. */
export function ComposerNotices({ c, freeFormBlocked, sending, templatePicker, toggleTemplates, findings, sendAnyway, quote, dropQuote }: Props) {
  return (
    <>
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
      {findings.length > 0 && (
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
          <button type="button" className="btn danger small" onClick={sendAnyway}>
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
            onClick={dropQuote}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
    </>
  );
}
