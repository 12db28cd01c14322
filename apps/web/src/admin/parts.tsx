import type { ReactNode } from 'react';
import { useState } from 'react';
import { toggled } from '../ui.tsx';

/** How an admin screen reports: an error toast for a failure, or a line of information. */
export type Toast = (text: string, kind?: 'error' | 'info') => void;

export function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="admin-card">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/**
 * A settings form's saving: `submit` shows the problems found and sends nothing while there are any;
 * otherwise it runs `send`, busy meanwhile, and shows its error's message (or `failed`) if it fails.
 */
export function useSaving() {
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(problems: string[], send: () => Promise<void>, failed: string) {
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      await send();
    } catch (err) {
      setErrors([(err as Error).message || failed]);
    } finally {
      setBusy(false);
    }
  }
  return { errors, busy, setErrors, submit };
}

/** The end of a settings form: what stops it from saving, then its Save button ("Saving…" while busy). */
export function SaveFooter({ errors, busy, label }: { errors: string[]; busy: boolean; label: string }) {
  return (
    <>
      {errors.length > 0 && (
        <div className="form-errors" role="alert">
          {errors.map((x) => (
            <p key={x}>{x}</p>
          ))}
        </div>
      )}
      <div className="form-actions">
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Saving…' : label}
        </button>
      </div>
    </>
  );
}

/** A fieldset of checkboxes choosing some of `items` by id (a user's queues, a queue's members). */
export function CheckboxSet({ legend, items, selected, onChange, empty }: { legend: string; items: Array<{ id: number; name: string }>; selected: Set<number>; onChange: (next: Set<number>) => void; empty?: string }) {
  return (
    <fieldset className="members">
      <legend>{legend}</legend>
      {items.map((it) => (
        <label key={it.id} className="check">
          <input
            type="checkbox"
            checked={selected.has(it.id)}
            onChange={(e) => onChange(toggled(selected, it.id, e.target.checked))}
          />
          {it.name}
        </label>
      ))}
      {!items.length && empty && <span className="muted">{empty}</span>}
    </fieldset>
  );
}

/** A secret the server sends once (a new token, a webhook's signing secret): shown until the admin says it is copied. */
export function ShownOnce({ lead, label, value, onCopied }: { lead: string; label: string; value: string; onCopied: () => void }) {
  return (
    <div className="form-errors webhook-secret" role="status">
      <p>
        {lead} — copy it now, it is not shown again: <code aria-label={label}>{value}</code>
      </p>
      <button className="btn small" type="button" onClick={onCopied}>
        I have copied it
      </button>
    </div>
  );
}

/** The one row an empty admin table shows, across all its columns. */
export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="muted">
        {children}
      </td>
    </tr>
  );
}
