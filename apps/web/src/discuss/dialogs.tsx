import { useEffect, useState } from 'react';
import type { AgentPresence, RecipientType, RequestType } from '@switchboard/protocol';
import { Modal } from '../ui.tsx';
import { STATUS_LABEL } from '../routing/statuses.ts';
import { discussApi } from './api.ts';
import { useDiscuss } from './state.tsx';

/**
 * Seed 000's one entry point: Assign | Discuss, then the user type (User = agent, Manager =
 * supervisor or admin), then the colleague, each with live status and load.
 */
export function AssignDiscussDialog({ conversationId, live, onClose }: { conversationId: number; live: Record<number, AgentPresence>; onClose: () => void }) {
  const { upsert, deps } = useDiscuss();
  const [type, setType] = useState<RequestType>('discuss');
  const [userType, setUserType] = useState<RecipientType>('user');
  const [targets, setTargets] = useState<AgentPresence[] | null>(null);
  const [pick, setPick] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setTargets(null);
    setPick(null);
    discussApi.targets(conversationId, userType).then((r) => setTargets(r.items), deps.fail);
  }, [conversationId, userType, deps.fail]);

  const shown = (targets ?? []).map((a) => live[a.userId] ?? a).sort((a, b) => Number(b.status === 'available') - Number(a.status === 'available') || a.name.localeCompare(b.name));
  async function submit() {
    if (pick === null) return;
    setBusy(true);
    try {
      const r = await discussApi.send(conversationId, type, pick, userType);
      upsert(r);
      deps.toast(type === 'discuss' ? `Discuss request sent to ${r.recipient.name}.` : `Assign request sent to ${r.recipient.name}.`, 'info');
      onClose();
    } catch (e) {
      deps.fail(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      title="Assign or discuss"
      onClose={onClose}
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={busy || pick === null} onClick={() => void submit()}>
            {type === 'discuss' ? 'Discuss' : 'Assign'}
          </button>
        </>
      }
    >
      <div className="segmented" role="radiogroup" aria-label="Request">
        {(['assign', 'discuss'] as const).map((t) => (
          <label key={t} className={type === t ? 'on' : ''}>
            <input type="radio" name="request-type" checked={type === t} onChange={() => setType(t)} />
            {t === 'assign' ? 'Assign' : 'Discuss'}
          </label>
        ))}
      </div>
      <p className="muted small">{type === 'discuss' ? 'Consult a colleague privately; the customer does not see it.' : 'Ask a colleague to take this conversation over. It moves when they accept.'}</p>
      <label className="field">
        <span>Assign To</span>
        <select aria-label="Assign To" value={userType} onChange={(e) => setUserType(e.target.value as RecipientType)}>
          <option value="user">User</option>
          <option value="manager">Manager</option>
        </select>
      </label>
      <span className="field-label">Select User</span>
      <ul className="agent-pick" aria-label="Select User">
        {targets === null && <li className="muted">Loading…</li>}
        {shown.map((a) => {
          const cap = a.capacity ?? 5;
          return (
            <li key={a.userId}>
              <label className={`agent-row${pick === a.userId ? ' on' : ''}`} data-agent-id={a.userId}>
                <input type="radio" name="request-user" checked={pick === a.userId} onChange={() => setPick(a.userId)} aria-label={`${a.name}, ${STATUS_LABEL[a.status]}, ${a.load} of ${cap}`} />
                <span className={`status-dot st-${a.status}`} aria-hidden="true" />
                <span className="agent-name">{a.name}</span>
                <span className="muted agent-status">{STATUS_LABEL[a.status]}</span>
                <span className={`agent-load${a.load >= cap ? ' full' : ''}`} title="Active conversations against capacity">
                  {a.load} / {cap}
                </span>
              </label>
            </li>
          );
        })}
        {targets !== null && !shown.length && <li className="muted">Nobody of this type works in this conversation’s queue.</li>}
      </ul>
    </Modal>
  );
}

export const REJECT_PRESETS = ['Busy with another case', 'Not my area', 'Going off shift'];
export const WITHDRAW_PRESETS = ['Issue resolved', 'Found the answer', 'Sent by mistake'];

/** Seed 000's reason pop-up (reject and withdraw): a few presets and free text; a reason is required. */
export function ReasonDialog({ title, action, presets, onClose, onSubmit }: { title: string; action: string; presets: string[]; onClose: () => void; onSubmit: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await onSubmit(reason.trim());
      onClose();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn primary" disabled={busy || !reason.trim()} onClick={() => void submit().catch(() => {})}>
            {action}
          </button>
        </>
      }
    >
      <div className="reason-presets" role="group" aria-label="Reasons">
        {presets.map((p) => (
          <button key={p} type="button" className={`chip${reason === p ? ' on' : ''}`} aria-pressed={reason === p} onClick={() => setReason(p)}>
            {p}
          </button>
        ))}
      </div>
      <label className="field">
        <span>Reason</span>
        <textarea rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="Say why" />
      </label>
    </Modal>
  );
}

/** Seed 000: End Discussion asks "Was the issue resolved?". */
export function EndDiscussionDialog({ onClose, onEnd }: { onClose: () => void; onEnd: (resolved: boolean) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const end = (resolved: boolean) => {
    setBusy(true);
    onEnd(resolved).then(onClose, () => setBusy(false));
  };
  return (
    <Modal
      title="End discussion"
      onClose={onClose}
      footer={
        <>
          <button className="btn" onClick={onClose}>
            Cancel
          </button>
          <button className="btn" disabled={busy} onClick={() => end(false)}>
            No
          </button>
          <button className="btn primary" disabled={busy} onClick={() => end(true)}>
            Yes
          </button>
        </>
      }
    >
      <p>Was the issue resolved?</p>
    </Modal>
  );
}
