import { useEffect, useState, type FormEvent } from 'react';
import type { CannedMessage, ComposerRulesView } from '@switchboard/client';
import { api } from '../api.ts';
import { Card, type Toast } from './parts.tsx';

export function Canned({ fail }: { fail: (e: unknown) => void }) {
  const [items, setItems] = useState<CannedMessage[]>([]);
  const blank = { id: null, title: '', body: '', template: false, personal: false };
  const [editing, setEditing] = useState<{ id: number | null; title: string; body: string; template: boolean; personal: boolean }>(blank);
  const load = () => api.cannedMessages().then((r) => setItems(r.items), fail);
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  async function save(e: FormEvent) {
    e.preventDefault();
    try {
      // A reply template (seed 001) is a shared canned message marked by an administrator.
      const input = { title: editing.title, body: editing.body, ...(editing.personal ? {} : { template: editing.template }) };
      if (editing.id === null) await api.createCannedMessage(input);
      else await api.updateCannedMessage(editing.id, input);
      setEditing(blank);
      await load();
    } catch (err) {
      fail(err);
    }
  }
  return (
    <>
      <Card title="Canned messages">
        <ul className="canned-admin">
          {items.map((m) => (
            <li key={m.id} aria-label={m.title}>
              <div>
                <strong>{m.title}</strong>
                {m.ownerId !== null && <span className="muted small"> · your personal quick reply</span>}
                {m.template && <span className="badge template">Reply template</span>}
                <p className="muted">{m.body}</p>
              </div>
              <button className="btn small" onClick={() => setEditing({ id: m.id, title: m.title, body: m.body, template: m.template, personal: m.ownerId !== null })}>
                Edit
              </button>
              <button className="btn small danger" onClick={() => void api.deleteCannedMessage(m.id).then(load, fail)}>
                Delete
              </button>
            </li>
          ))}
          {!items.length && <li className="muted">None yet.</li>}
        </ul>
      </Card>
      <Card title={editing.id === null ? 'Add a canned message' : 'Edit canned message'}>
        <form className="admin-form wide" onSubmit={(e) => void save(e)}>
          <label className="field">
            <span>Title</span>
            <input required maxLength={120} value={editing.title} onChange={(e) => setEditing({ ...editing, title: e.target.value })} />
          </label>
          <label className="field">
            <span>Message</span>
            <textarea required rows={4} maxLength={2000} value={editing.body} onChange={(e) => setEditing({ ...editing, body: e.target.value })} />
          </label>
          {!editing.personal && (
            <label className="check">
              <input type="checkbox" checked={editing.template} onChange={(e) => setEditing({ ...editing, template: e.target.checked })} />
              <span>Reply template — approved text agents may send on WhatsApp after the customer’s 24-hour window has closed</span>
            </label>
          )}
          <p className="muted small">
            Variables: <code>{'{{first_name}}'}</code> <code>{'{{last_name}}'}</code> <code>{'{{email}}'}</code> <code>{'{{phone}}'}</code> <code>{'{{agent_name}}'}</code> and custom attributes <code>{'{{attr.key}}'}</code>.
          </p>
          <div>
            <button className="btn primary" type="submit">
              {editing.id === null ? 'Add canned message' : 'Save canned message'}
            </button>
          </div>
        </form>
      </Card>
    </>
  );
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

export function Rules({ fail, toast }: { fail: (e: unknown) => void; toast: Toast }) {
  const [rules, setRules] = useState<{ words: string; patterns: string; cleanup: string; refused: ComposerRulesView['refusedPatterns'] } | null>(null);
  useEffect(() => {
    api.composerRules().then((r: ComposerRulesView) => setRules({ words: r.sensitiveWords.join('\n'), patterns: r.sensitivePatterns.join('\n'), cleanup: r.cleanupPatterns.join('\n'), refused: r.refusedPatterns }), fail);
  }, [fail]);
  if (!rules) return <p className="muted">Loading…</p>;
  return (
    <Card title="Composer rules">
      <p className="muted">Card numbers (Luhn-checked) and social security numbers are always highlighted. Add words and patterns (regular expressions, one per line) your agents should avoid.</p>
      <form
        className="admin-form wide"
        onSubmit={(e) => {
          e.preventDefault();
          api
            .setComposerRules({ sensitiveWords: lines(rules.words), sensitivePatterns: lines(rules.patterns), cleanupPatterns: lines(rules.cleanup) })
            .then((r) => {
              setRules((now) => now && { ...now, refused: r.refusedPatterns });
              toast('Composer rules saved.', 'info');
            }, fail);
        }}
      >
        {rules.refused.map((p) => (
          <p key={p.pattern} className="form-errors" role="alert">
            Not run: <code>{p.pattern}</code> — {p.reason}
          </p>
        ))}
        <label className="field">
          <span>Words to avoid (one per line)</span>
          <textarea rows={4} value={rules.words} onChange={(e) => { const v = e.target.value; setRules((r) => r && { ...r, words: v }); }} />
        </label>
        <label className="field">
          <span>Patterns to avoid (one per line)</span>
          <textarea rows={3} value={rules.patterns} onChange={(e) => { const v = e.target.value; setRules((r) => r && { ...r, patterns: v }); }} />
        </label>
        <label className="field">
          <span>Clean up input removes (patterns, one per line)</span>
          <textarea rows={3} value={rules.cleanup} onChange={(e) => { const v = e.target.value; setRules((r) => r && { ...r, cleanup: v }); }} />
        </label>
        <div>
          <button className="btn primary" type="submit">
            Save rules
          </button>
        </div>
      </form>
    </Card>
  );
}

// ------------------------------------------------------------ channels (attachment limits)

