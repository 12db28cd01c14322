import { useEffect, useState } from 'react';
import type { EngagementTrackingRecord, RequestStatus } from '@switchboard/protocol';
import { discussApi } from './api.ts';
import { useDiscuss } from './state.tsx';

type Rec = EngagementTrackingRecord;

export const STATUS_NAMES: Record<RequestStatus, string> = {
  pending: 'Pending',
  accepted: 'Accepted',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  timed_out: 'Timed Out',
  cancelled: 'Cancelled',
  ended: 'Ended',
  left: 'Left',
};
const STEP_NAMES: Record<Rec['steps'][number]['step'], string> = { requested: 'Requested', ...STATUS_NAMES, pending: undefined } as never;
export const when = (at: number) => new Date(at).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
export const span = (ms: number | null) => (ms == null ? '—' : ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);
const CAUSES: Record<string, string> = { ended_by_initiator: 'ended by the initiator', left_by_consultant: 'the consultant left', initiator_lost_conversation: 'the initiator lost the conversation' };

/** One Engagement Tracking Record: who, what, its status and every step with its time. */
export function RecordView({ r }: { r: Rec }) {
  return (
    <article className="tracking-record" data-record-id={r.id} aria-label={`${r.type === 'discuss' ? 'Discuss' : 'Assign'} request ${r.id}`}>
      <p className="tracking-head">
        <strong>{r.type === 'discuss' ? 'Discuss' : 'Assign'}</strong> · {r.initiator.name} → {r.recipient.name} ({r.recipientType === 'user' ? 'User' : 'Manager'})
        <span className={`status-pill request-${r.status}`}>{STATUS_NAMES[r.status]}</span>
      </p>
      <dl className="tracking-facts small">
        {r.rejectReason && (
          <>
            <dt>Reject reason</dt>
            <dd>{r.rejectReason}</dd>
          </>
        )}
        {r.withdrawReason && (
          <>
            <dt>Withdraw reason</dt>
            <dd>{r.withdrawReason}</dd>
          </>
        )}
        {r.resolved !== null && (
          <>
            <dt>Resolved</dt>
            <dd>{r.resolved ? 'Yes' : 'No'}</dd>
          </>
        )}
        {r.endCause && r.endCause !== 'ended_by_initiator' && (
          <>
            <dt>Ended because</dt>
            <dd>{CAUSES[r.endCause]}</dd>
          </>
        )}
        <dt>Wait</dt>
        <dd>{span(r.waitMs)}</dd>
        {r.type === 'discuss' && (
          <>
            <dt>Duration</dt>
            <dd>{span(r.durationMs)}</dd>
          </>
        )}
      </dl>
      <ol className="tracking-steps small">
        {r.steps.map((s, i) => (
          <li key={i}>
            <time dateTime={new Date(s.at).toISOString()}>{when(s.at)}</time> {STEP_NAMES[s.step] ?? s.step}
            {s.by ? ` by ${s.by.name}` : ' (automatically)'}
            {s.reason ? `: ${s.reason}` : ''}
          </li>
        ))}
      </ol>
    </article>
  );
}

/** The right panel's Tracking section: this conversation's records, refetched when one changes. */
export function TrackingSection({ conversationId }: { conversationId: number }) {
  const { version } = useDiscuss();
  const [items, setItems] = useState<Rec[] | null>(null);
  useEffect(() => {
    let gone = false;
    discussApi.ofConversation(conversationId).then(
      (r) => !gone && setItems(r.items),
      () => !gone && setItems([]),
    );
    return () => {
      gone = true;
    };
  }, [conversationId, version]);
  if (!items?.length) return null;
  return (
    <section className="card tracking" aria-label="Tracking">
      <h3>Tracking</h3>
      {[...items].reverse().map((r) => (
        <RecordView key={r.id} r={r} />
      ))}
    </section>
  );
}
