import { useState } from 'react';
import type { Message } from '../types.ts';
import { api } from '../api.ts';
import { Modal } from '../ui.tsx';
import type { Toast } from '../stores/notifications.ts';

/**
 * Seed 002's lightning: keep this message as a quick reply (found with `/` or the ⚡ button). It is
 * the agent's own; administrators may share it with everyone instead.
 */
export function QuickReplyDialog({ m, admin, onClose, fail, toast }: { m: Message; admin: boolean; onClose: () => void; fail: (e: unknown) => void; toast: (text: string, kind?: Toast['kind']) => void }) {
  const [title, setTitle] = useState(() => {
    const words = m.body.replace(/\s+/g, ' ').trim().split(' ').slice(0, 6).join(' ');
    return words.length > 60 ? words.slice(0, 60) : words;
  });
  const [body, setBody] = useState(m.body.slice(0, MAX_BODY));
  const [busy, setBusy] = useState(false);
  const [shared, setShared] = useState(false);
  const ok = title.trim() !== '' && body.trim() !== '';
  async function save() {
    if (!ok || busy) return;
    setBusy(true);
    try {
      await api.createCannedMessage({ title: title.trim(), body: body.trim(), personal: !shared });
      toast('Quick reply saved. Type / in an empty reply to use it.', 'info');
      onClose();
    } catch (e) {
      fail(e);
      setBusy(false);
    }
  }
  return (
    <Modal
      title="Make a quick reply"
      onClose={onClose}
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={!ok || busy} onClick={() => void save()}>
            Save quick reply
          </button>
        </>
      }
    >
      <label className="field">
        <span>Title</span>
        <input value={title} maxLength={120} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>Text</span>
        <textarea rows={5} maxLength={MAX_BODY} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {admin && (
        <label className="check">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
          <span>Share with all agents (a canned message)</span>
        </label>
      )}
      <p className="muted small">
        {shared ? 'Everyone finds it' : 'Only you find it'} under ⚡ Quick replies, or with / in an empty reply. {'{{first_name}}'} and {'{{agent_name}}'} are filled in when used.
      </p>
    </Modal>
  );
}

const MAX_BODY = 2000;
