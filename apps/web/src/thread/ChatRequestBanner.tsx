import { useEffect, useState } from 'react';
import type { ChatRequestInfo } from '@switchboard/client';
import type { Conversation } from '../types.ts';
import { api } from '../api.ts';
import { fullTime } from '../ui.tsx';
import { isChatRequest } from '../actions/conversation.ts';

/** Seed 003: the callback's phone and preferred time, and where the chat came from. */
export function ChatRequestBanner({ c }: { c: Conversation }) {
  const [info, setInfo] = useState<ChatRequestInfo | null>(null);
  const wanted = isChatRequest(c);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    api.chatRequest(c.id).then((r) => live && setInfo(r), () => {});
    return () => {
      live = false;
    };
  }, [c.id, c.status, wanted]);
  if (!wanted || !info || (!info.callback && !info.ticketId && !info.completedBy)) return null;
  return (
    <div className="chat-request" role="region" aria-label="Chat request">
      {info.callback && (
        <p>
          <strong>Callback requested</strong>
          <span aria-hidden="true"> · </span>
          Phone: <a href={`tel:${info.callback.phone.replace(/[^+\d]/g, '')}`}>{info.callback.phone}</a>
          {info.callback.preferredTime && (
            <>
              <span aria-hidden="true"> · </span>
              Preferred time: {info.callback.preferredTime}
            </>
          )}
          <span className="muted"> (asked {fullTime(info.callback.requestedAt)})</span>
        </p>
      )}
      {info.ticketId && <p>{info.origin === 'ticket' ? `Chat started from ticket #${info.ticketId}` : `Ticket #${info.ticketId}`}</p>}
      {info.completedBy && info.completedAt && (
        <p className="muted">
          {info.endedWith === 'completed' ? 'Completed' : info.endedWith === 'ticket' ? 'Ended with a new ticket' : 'Ended'} by {info.completedBy.name}, {fullTime(info.completedAt)}
        </p>
      )}
    </div>
  );
}
