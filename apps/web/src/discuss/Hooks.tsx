import { useState } from 'react';
import type { AgentPresence } from '@switchboard/protocol';
import { AssignDiscussDialog } from './dialogs.tsx';
import { useDiscuss } from './state.tsx';

/** The conversation header's Assign/Discuss button (seed 000, step 1). */
export function AssignDiscussButton({ conversationId, mayRequest, live }: { conversationId: number; mayRequest: boolean; live: Record<number, AgentPresence> }) {
  const [open, setOpen] = useState(false);
  if (!mayRequest) return null;
  return (
    <>
      <button className="btn" onClick={() => setOpen(true)} title="Assign or discuss with a colleague">
        Assign/Discuss
      </button>
      {open && <AssignDiscussDialog conversationId={conversationId} live={live} onClose={() => setOpen(false)} />}
    </>
  );
}

/** In place of the composer for the consultant: she watches, she does not write to the customer. */
export function ConsultantNotice({ initiatorName }: { initiatorName: string }) {
  return (
    <div className="consultant-notice" role="note">
      You are consulting with {initiatorName} on this conversation. The customer cannot see you, and you cannot write to them; use the discussion panel.
    </div>
  );
}

/** Whether the viewer is the consultant of an active discussion on this conversation (and not in charge). */
export function useConsulting(conversationId: number, assigneeId: number | null) {
  const d = useDiscuss();
  const r = d.consultingOn(conversationId);
  return r && assigneeId !== d.deps.me.id ? r : undefined;
}
