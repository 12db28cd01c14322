import { useState } from 'react';
import type { QueueRouting } from '@switchboard/client';

type Settings = QueueRouting['settings'];
const MIN = 60_000;

/**
 * The queue fields about how conversations end by themselves (issue 14): a chat request nobody
 * joins becomes abandoned after (seed 003), and the customer's words that resolve a conversation.
 */
export function QueueClosingFields({ settings: s, set }: { settings: Settings; set: (patch: Partial<Settings>) => void }) {
  // Typed as text, split on save-worthy commas: keeps the field editable mid-word.
  const [keywords, setKeywords] = useState(s.resolveKeywords.join(', '));
  return (
    <>
      <label className="field">
        <span>Abandon a chat request nobody joins after (minutes, empty: never)</span>
        <input
          type="number"
          min={0}
          step="any"
          value={s.abandonAfterMs === null ? '' : String(Math.round((s.abandonAfterMs / MIN) * 100) / 100)}
          onChange={(e) => set({ abandonAfterMs: e.target.value === '' ? null : Math.max(1, Math.round(Number(e.target.value) * MIN)) })}
        />
      </label>
      <label className="field">
        <span>Resolve keywords (comma-separated: a customer message like “thanks” resolves)</span>
        <input
          value={keywords}
          placeholder="thanks, thank you, solved"
          onChange={(e) => {
            setKeywords(e.target.value);
            set({ resolveKeywords: [...new Set(e.target.value.split(',').map((k) => k.trim()).filter(Boolean))].slice(0, 20) });
          }}
        />
      </label>
    </>
  );
}
