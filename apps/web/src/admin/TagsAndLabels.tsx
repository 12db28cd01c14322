import { useEffect, useState } from 'react';
import type { LabelDefinition, TagWithKind } from '@switchboard/client';
import type { Directory } from '../stores/directory.ts';
import { api } from '../api.ts';
import { Chip, Modal } from '../ui.tsx';
import { Card } from './parts.tsx';

type Toast = (text: string, kind?: 'error' | 'info') => void;


type Renamable = { id: number; name: string; color: string; builtin?: boolean };

/** One tag or label with Rename and Delete; built-in labels can be renamed, not deleted. */
function DirectoryItem({ item, what, onSave, onDelete }: { item: Renamable; what: string; onSave: (patch: { name: string; color: string }) => Promise<boolean>; onDelete: () => void }) {
  const [edit, setEdit] = useState<{ name: string; color: string } | null>(null);
  if (edit)
    return (
      <li aria-label={item.name}>
        <form
          className="inline-form tight"
          onSubmit={(e) => {
            e.preventDefault();
            void onSave(edit).then((ok) => ok && setEdit(null));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEdit(null);
          }}
        >
          <input aria-label={`New name for ${item.name}`} required maxLength={60} autoFocus value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} />
          <input aria-label={`Color of ${item.name}`} type="color" value={edit.color} onChange={(e) => setEdit({ ...edit, color: e.target.value })} />
          <button className="btn small primary" type="submit">
            Save
          </button>
          <button className="btn small" type="button" onClick={() => setEdit(null)}>
            Cancel
          </button>
        </form>
      </li>
    );
  return (
    <li aria-label={item.name}>
      <Chip name={item.name} color={item.color} />
      {item.builtin && <span className="muted small">built-in</span>}
      <span className="directory-actions">
        <button className="btn small" aria-label={`Rename ${what} ${item.name}`} onClick={() => setEdit({ name: item.name, color: item.color })}>
          Rename
        </button>
        {!item.builtin && (
          <button className="btn small danger" aria-label={`Delete ${what} ${item.name}`} onClick={onDelete}>
            Delete
          </button>
        )}
      </span>
    </li>
  );
}

export function TagsAndLabels({ dir, reload, fail, toast }: { dir: Directory; reload: () => void; fail: (e: unknown) => void; toast: Toast }) {
  const [tag, setTag] = useState({ name: '', kind: 'customer' as TagWithKind['kind'], color: '#0ea5e9' });
  const [label, setLabel] = useState({ name: '', color: '#f59e0b' });
  const [labels, setLabels] = useState<LabelDefinition[]>(dir.labels);
  useEffect(() => setLabels(dir.labels), [dir.labels]);
  const [deleting, setDeleting] = useState<{ kind: 'customer' | 'conversation' | 'label'; item: Renamable } | null>(null);
  // Resolves true once saved; a refusal (a name taken) is shown and the field stays open.
  const saved = (p: Promise<unknown>) =>
    p.then(
      () => (reload(), true),
      (e) => (fail(e), false),
    );
  const saveTag = (t: Renamable) => (patch: { name: string; color: string }) => saved(api.updateTag(t.id, patch));
  const saveLabel = (l: Renamable) => (patch: { name: string; color: string }) => saved(api.updateLabel(l.id, patch));
  async function remove() {
    if (!deleting) return;
    const { kind, item } = deleting;
    setDeleting(null);
    try {
      if (kind === 'label') await api.deleteLabel(item.id);
      else await api.deleteTag(item.id);
      toast(`${item.name} deleted.`, 'info');
      reload();
    } catch (e) {
      fail(e);
    }
  }
  const whereUsed = deleting?.kind === 'customer' ? 'every customer who has it' : 'every conversation that has it';
  return (
    <>
      <Card title="Customer tags">
        <ul className="directory-list" aria-label="Customer tags">
          {dir.customerTags.map((t) => (
            <DirectoryItem key={t.id} item={t} what="customer tag" onSave={saveTag(t)} onDelete={() => setDeleting({ kind: 'customer', item: t })} />
          ))}
          {!dir.customerTags.length && <li className="muted">None yet.</li>}
        </ul>
      </Card>
      <Card title="Conversation tags">
        <ul className="directory-list" aria-label="Conversation tags">
          {dir.conversationTags.map((t) => (
            <DirectoryItem key={t.id} item={t} what="conversation tag" onSave={saveTag(t)} onDelete={() => setDeleting({ kind: 'conversation', item: t })} />
          ))}
          {!dir.conversationTags.length && <li className="muted">None yet.</li>}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            api.createTag(tag).then(() => {
              setTag({ ...tag, name: '' });
              reload();
            }, fail);
          }}
        >
          <input aria-label="New tag name" placeholder="New tag name" required value={tag.name} onChange={(e) => setTag({ ...tag, name: e.target.value })} />
          <select aria-label="Tag kind" value={tag.kind} onChange={(e) => setTag({ ...tag, kind: e.target.value as TagWithKind['kind'] })}>
            <option value="customer">Customer tag</option>
            <option value="conversation">Conversation tag</option>
          </select>
          <input aria-label="Tag color" type="color" value={tag.color} onChange={(e) => setTag({ ...tag, color: e.target.value })} />
          <button className="btn" type="submit">
            Add tag
          </button>
        </form>
      </Card>
      <Card title="Labels">
        <ul className="directory-list" aria-label="Labels">
          {labels.map((l) => (
            <DirectoryItem key={l.id} item={l} what="label" onSave={saveLabel(l)} onDelete={() => setDeleting({ kind: 'label', item: l })} />
          ))}
        </ul>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            api.createLabel(label).then(() => {
              setLabel({ ...label, name: '' });
              reload();
            }, fail);
          }}
        >
          <input aria-label="New label name" placeholder="New label name" required value={label.name} onChange={(e) => setLabel({ ...label, name: e.target.value })} />
          <input aria-label="Label color" type="color" value={label.color} onChange={(e) => setLabel({ ...label, color: e.target.value })} />
          <button className="btn" type="submit">
            Add label
          </button>
        </form>
      </Card>
      {deleting && (
        <Modal
          title={`Delete ${deleting.item.name}?`}
          onClose={() => setDeleting(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDeleting(null)}>
                Cancel
              </button>
              <button className="btn danger" onClick={() => void remove()}>
                Delete
              </button>
            </>
          }
        >
          <p>It is taken off {whereUsed}. This cannot be undone.</p>
        </Modal>
      )}
    </>
  );
}
