import { useEffect, useRef, useState } from 'react';
import type { LiveView } from '@switchboard/protocol';
import { api } from '../api.ts';
import { reportFrames } from './frames.ts';
import { count, duration } from './format.ts';

/**
 * The supervisor's live view: per queue, who waits and for how long, offers out, agents online,
 * available, at capacity and in wrap-up, and today's figures so far. It moves with the stream:
 * `queue.counts` frames patch the waiting and offer counts at once, and any conversation, offer or
 * presence frame asks for a fresh snapshot (at most one in flight, coalesced), never on a timer.
 */
export function Live() {
  const [live, setLive] = useState<LiveView | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let gone = false;
    const load = () => api.request<LiveView>('GET', '/reports/live').then((v) => !gone && setLive(v), () => {});
    void load();
    const stop = reportFrames.listen((frame) => {
      const type = frame.type;
      if (frame.type === 'queue.counts') {
        const c = frame.data;
        setLive((l) => l && { ...l, queues: l.queues.map((q) => (q.queueId === c.queueId ? { ...q, waiting: c.waiting, offersOut: c.offered } : q)) });
      }
      if (type === 'queue.counts' || type === 'presence.updated' || type.startsWith('conversation.') || type.startsWith('offer.')) {
        if (pending.current) return;
        pending.current = setTimeout(() => {
          pending.current = null;
          void load();
        }, 250);
      }
    });
    // The longest wait grows by itself: a local clock, no request.
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      gone = true;
      stop();
      clearInterval(tick);
      if (pending.current) clearTimeout(pending.current);
    };
  }, []);

  if (!live) return <p className="muted">Loading the live view…</p>;
  const t = live.today;
  return (
    <section className="report-live" aria-label="Live view">
      <h2>Live</h2>
      <table className="report-table" aria-label="Queues now">
        <thead>
          <tr>
            <th scope="col">Queue</th><th scope="col">Waiting</th><th scope="col">Longest wait</th><th scope="col">Offers out</th>
            <th scope="col">Online</th><th scope="col">Available</th><th scope="col">At capacity</th><th scope="col">In wrap-up</th>
          </tr>
        </thead>
        <tbody>
          {live.queues.map((q) => (
            <tr key={q.queueId} data-queue={q.name}>
              <th scope="row">{q.name}</th>
              <td data-testid="live-waiting">{count(q.waiting)}</td>
              <td>{q.longestWaitSince == null ? '—' : duration(Math.max(0, now - q.longestWaitSince))}</td>
              <td>{count(q.offersOut)}</td>
              <td>{q.agentsOnline}</td>
              <td>{q.agentsAvailable}</td>
              <td>{q.agentsAtCapacity}</td>
              <td>{q.agentsInWrapUp}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="report-today" data-testid="live-today">
        Today so far: <strong>{count(t.counts.created)}</strong> conversations, <strong>{count(t.counts.resolved)}</strong> resolved,{' '}
        <strong>{count(t.counts.abandoned)}</strong> abandoned; first response {duration(t.durations.firstResponse.median)} (median), wait {duration(t.durations.wait.median)} (median).
      </p>
    </section>
  );
}
