import { useId, useState } from 'react';
import { upsertConversations } from '@switchboard/client';
import type { Conversation } from '../types.ts';
import type { ConversationDialog } from '../actions/conversation.ts';
import type { Directory } from '../stores/directory.ts';
import { update } from '../stores/conversations.ts';
import { fail, toast } from '../stores/notifications.ts';
import { api } from '../api.ts';
import { Modal } from '../ui.tsx';
import { TransferDialog } from './TransferDialog.tsx';

interface Props {
  c: Conversation;
  name: string;
  dir: Directory;
  dialog: ConversationDialog | null;
  setDialog: (d: ConversationDialog | null) => void;
  busy: boolean;
  run: (fn: () => Promise<unknown>, done?: string) => Promise<boolean>;
  /** The chat request's session ends (seed 003), with a ticket or without. */
  endSession: (outcome: 'plain' | 'ticket', input?: { subject?: string; note?: string }) => Promise<boolean>;
}

/** The dialogs the thread header's actions open: resolve, complete, end with a ticket, transfer, reassign. */
export function ConversationDialogs({ c, name, dir, dialog, setDialog, busy, run, endSession }: Props) {
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState<number | ''>('');
  const [subject, setSubject] = useState(() => c.subject ?? `Chat with ${name}`);
  const assigneeLabel = useId();
  const s = c.status;
  const refresh = () => api.conversation(c.id).then((fresh) => update((st) => upsertConversations(st, [fresh])), () => {});
  const complete = () =>
    void run(async () => {
      const r = await api.completeChatRequest(c.id, note.trim() || undefined);
      toast(r.warning ? 'Chat request completed without a note.' : 'Chat request completed.', 'info');
      await refresh();
    }).then((ok) => {
      if (ok) {
        setDialog(null);
        setNote('');
      }
    });
  const endWithTicket = () =>
    void endSession('ticket', { subject: subject.trim() || undefined, note: note.trim() || undefined }).then((ok) => {
      if (ok) {
        setDialog(null);
        setNote('');
      }
    });

  return (
    <>
      {dialog === 'resolve' && (
        <Modal
          title="Resolve conversation"
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button
                className="btn primary"
                disabled={busy}
                onClick={() =>
                  void run(() => api.resolve(c.id, note.trim() || undefined), 'Conversation resolved.').then((ok) => {
                    if (ok) {
                      setDialog(null);
                      setNote('');
                    }
                  })
                }
              >
                Resolve
              </button>
            </>
          }
        >
          <label className="field">
            <span>Resolution note (optional)</span>
            <textarea rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Refund processed" />
          </label>
        </Modal>
      )}
      {dialog === 'complete' && (
        <Modal
          title={s === 'callback' ? 'Complete callback request' : 'Complete abandoned chat request'}
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button className="btn primary" disabled={busy} onClick={complete}>
                {note.trim() ? 'Complete' : 'Complete without a note'}
              </button>
            </>
          }
        >
          <label className="field">
            <span>What did you do for the customer?</span>
            <textarea rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder={s === 'callback' ? 'e.g. Called back, order re-sent' : 'e.g. Replied by email with the tracking number'} />
          </label>
          {/* Always in the page, so it is read out when it changes and the dialog does not jump. */}
          <p className="complete-hint muted small" aria-live="polite">
            {note.trim() ? '\u00a0' : 'Completing without a note is allowed, but not recommended: a note tells the next person what was done.'}
          </p>
        </Modal>
      )}
      {dialog === 'end-ticket' && (
        <Modal
          title="End chat with a new ticket"
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button className="btn primary" disabled={busy || !subject.trim()} onClick={endWithTicket}>
                End and create ticket
              </button>
            </>
          }
        >
          <label className="field">
            <span>Ticket subject</span>
            <input value={subject} maxLength={300} onChange={(e) => setSubject(e.target.value)} />
          </label>
          <label className="field">
            <span>Note (optional)</span>
            <textarea rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Replacement part ordered" />
          </label>
          <p className="muted small">The chat log is attached to the ticket as a file.</p>
        </Modal>
      )}
      {dialog === 'transfer' && (
        <TransferDialog
          c={c}
          dir={dir}
          fail={fail}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            toast(text, 'info');
            api.conversation(c.id).then((fresh) => update((st) => upsertConversations(st, [fresh])), () => {});
          }}
        />
      )}
      {dialog === 'reassign' && (
        <Modal
          title="Reassign conversation"
          onClose={() => setDialog(null)}
          footer={
            <>
              <button className="btn" onClick={() => setDialog(null)}>
                Cancel
              </button>
              <button
                className="btn primary"
                disabled={busy || assignee === ''}
                onClick={() =>
                  void run(() => api.reassign(c.id, Number(assignee), note.trim() || undefined), 'Conversation reassigned.').then((ok) => {
                    if (ok) {
                      setDialog(null);
                      setNote('');
                      // The previous manager may lose sight of it (seed 002): refresh what we hold.
                      api.conversation(c.id).then((fresh) => update((st) => upsertConversations(st, [fresh])), () => {});
                    }
                  })
                }
              >
                Reassign
              </button>
            </>
          }
        >
          <label className="field">
            <span id={assigneeLabel}>New assignee</span>
            <select aria-labelledby={assigneeLabel} value={assignee} onChange={(e) => setAssignee(e.target.value ? Number(e.target.value) : '')}>
              <option value="">Choose a person…</option>
              {dir.users
                .filter((u) => u.active && u.id !== c.assigneeId)
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} — {u.status.replace(/_/g, ' ')}
                    {u.capacity ? `, capacity ${u.capacity}` : ''}
                  </option>
                ))}
            </select>
          </label>
          <label className="field">
            <span>Note for the new assignee (optional)</span>
            <textarea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. Customer needs Spanish support" />
          </label>
        </Modal>
      )}
    </>
  );
}
