import { useEffect, useState } from 'react';
import type { EngagementTrackingRecord, RequestSettings, RequestStatus, RequestType } from '@switchboard/protocol';
import { discussApi } from './api.ts';
import { STATUS_NAMES, span, when } from './Tracking.tsx';

type Rec = EngagementTrackingRecord;
interface Named {
  id: number;
  name: string;
}

/** Settings → Assign/Discuss settings (seed 000): the two request timeouts, in seconds to hours. */
export function RequestSettingsForm({ fail, toast }: { fail: (e: unknown) => void; toast: (t: string, k?: 'info' | 'error') => void }) {
  const [s, setS] = useState<RequestSettings | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    discussApi.settings().then(setS, fail);
  }, [fail]);
  if (!s) return <p className="muted">Loading…</p>;
  const field = (key: keyof RequestSettings, label: string) => (
    <label className="field">
      <span>{label} (seconds)</span>
      <input
        type="number"
        min={10}
        max={86400}
        aria-label={label}
        value={Math.round(s[key] / 1000)}
        onChange={(e) => setS({ ...s, [key]: Math.round(Number(e.target.value) * 1000) })}
      />
    </label>
  );
  return (
    <form
      className="admin-card"
      aria-label="Assign/Discuss settings"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        discussApi
          .saveSettings(s)
          .then((saved) => {
            setS(saved);
            toast('Assign/Discuss settings saved.', 'info');
          }, fail)
          .finally(() => setBusy(false));
      }}
    >
      <h2>Assign/Discuss settings</h2>
      <p className="muted small">A request nobody answers in time becomes Timed Out. From 10 seconds to 24 hours; 120 seconds by default.</p>
      {field('discussTimeoutMs', 'Discuss request timeout duration')}
      {field('assignTimeoutMs', 'Assign request timeout duration')}
      <button className="btn primary" disabled={busy}>
        Save
      </button>
    </form>
  );
}

const day = (s: string, end = false) => (s ? new Date(`${s}T${end ? '23:59:59.999' : '00:00:00'}`).getTime() : undefined);

/** The tracking list for supervisors and admins: filters, a page of records, and a CSV export. */
export function TrackingList({ users, queues, fail }: { users: Named[]; queues: Named[]; fail: (e: unknown) => void }) {
  const [type, setType] = useState<RequestType | ''>('');
  const [status, setStatus] = useState<RequestStatus | ''>('');
  const [userId, setUserId] = useState<number | ''>('');
  const [queueId, setQueueId] = useState<number | ''>('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const [items, setItems] = useState<Rec[] | null>(null);
  const query = { type: type || undefined, status: status || undefined, userId: userId || undefined, queueId: queueId || undefined, since: day(since), until: day(until, true) };
  const key = JSON.stringify(query);
  useEffect(() => {
    setItems(null);
    discussApi.list({ ...query, limit: 200 }).then((r) => setItems(r.items), fail);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, fail]);
  const csv = `/api/v1/engagement-records.csv?${new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString()}`;
  const qName = (id: number | null) => queues.find((q) => q.id === id)?.name ?? '—';
  return (
    <div className="admin-card tracking-list">
      <h2>Engagement Tracking Records</h2>
      <div className="tracking-filters" role="group" aria-label="Filters">
        <select aria-label="Type" value={type} onChange={(e) => setType(e.target.value as RequestType | '')}>
          <option value="">Any type</option>
          <option value="assign">Assign</option>
          <option value="discuss">Discuss</option>
        </select>
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as RequestStatus | '')}>
          <option value="">Any status</option>
          {Object.entries(STATUS_NAMES).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <select aria-label="User" value={userId} onChange={(e) => setUserId(e.target.value ? Number(e.target.value) : '')}>
          <option value="">Anyone</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <select aria-label="Queue" value={queueId} onChange={(e) => setQueueId(e.target.value ? Number(e.target.value) : '')}>
          <option value="">Any queue</option>
          {queues.map((q) => (
            <option key={q.id} value={q.id}>
              {q.name}
            </option>
          ))}
        </select>
        <label className="small">
          From <input type="date" aria-label="From" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label className="small">
          To <input type="date" aria-label="To" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <a className="btn" href={csv} download>
          Export CSV
        </a>
      </div>
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : items.length ? (
        <div className="table-wrap">
          <table className="tracking-table">
            <thead>
              <tr>
                <th>Requested</th>
                <th>Type</th>
                <th>Conversation</th>
                <th>Queue</th>
                <th>Initiator</th>
                <th>Recipient</th>
                <th>Status</th>
                <th>Reason</th>
                <th>Resolved</th>
                <th>Wait</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-record-id={r.id}>
                  <td>{when(r.requestedAt)}</td>
                  <td>{r.type === 'discuss' ? 'Discuss' : 'Assign'}</td>
                  <td>
                    #{r.conversationId} {r.conversationSubject}
                  </td>
                  <td>{qName(r.queueId)}</td>
                  <td>{r.initiator.name}</td>
                  <td>
                    {r.recipient.name} ({r.recipientType === 'user' ? 'User' : 'Manager'})
                  </td>
                  <td>{STATUS_NAMES[r.status]}</td>
                  <td>{r.rejectReason ?? r.withdrawReason ?? ''}</td>
                  <td>{r.resolved === null ? '' : r.resolved ? 'Yes' : 'No'}</td>
                  <td>{span(r.waitMs)}</td>
                  <td>{span(r.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No records match.</p>
      )}
    </div>
  );
}
