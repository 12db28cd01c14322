import { useEffect, useState } from 'react';

/** "… is typing", from the stream's typing.updated frames. */
export function TypingIndicator({ name, until }: { name: string; until: number | undefined }) {
  const [, tick] = useState(0);
  const active = until !== undefined && until > Date.now();
  // Hide by itself when no fresh frame came (a lost "stopped typing").
  useEffect(() => {
    if (until === undefined) return;
    const ms = until - Date.now();
    if (ms <= 0) return;
    const t = setTimeout(() => tick((x) => x + 1), ms + 20);
    return () => clearTimeout(t);
  }, [until]);
  // The slot has no height: the line floats over the end of the history, so nothing jumps.
  return (
    <div className="typing-slot">
      <div className={`typing-indicator${active ? ' on' : ''}`} role="status" aria-live="polite">
        {active && (
          <>
            <span className="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            {name} is typing…
          </>
        )}
      </div>
    </div>
  );
}
