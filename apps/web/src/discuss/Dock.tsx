import { useEffect, useRef, useState } from 'react';
import type { DiscussionMessage, EngagementTrackingRecord } from '@switchboard/protocol';
import { api } from '../api.ts';
import { discussApi } from './api.ts';
import { EndDiscussionDialog, ReasonDialog, REJECT_PRESETS, WITHDRAW_PRESETS } from './dialogs.tsx';
import { isActiveDiscussion, requestSentence, useDiscuss } from './state.tsx';

type Rec = EngagementTrackingRecord;
const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Seconds left before a pending request times out, ticking. */
function Countdown({ until }: { until: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const h = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(h);
  }, []);
  const s = Math.max(0, Math.round((until - Date.now()) / 1000));
  return <span className="muted small">{s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s left` : `${s} s left`}</span>;
}

/**
 * Everything seed 000 shows outside the conversation itself, on every open workspace: requests
 * waiting for my answer (Accept / Reject), my pending requests (Withdraw) and my discussion panels.
 */
export function DiscussDock() {
  const d = useDiscuss();
  const me = d.deps.me.id;
  const all = Object.values(d.records).sort((a, b) => a.id - b.id);
  const incoming = all.filter((r) => r.status === 'pending' && r.recipient.id === me);
  const outgoing = all.filter((r) => r.status === 'pending' && r.initiator.id === me);
  const active = all.filter((r) => isActiveDiscussion(r) && (r.initiator.id === me || r.recipient.id === me));
  if (!incoming.length && !outgoing.length && !active.length) return null;
  return (
    <div className="discuss-dock" aria-label="Requests and discussions">
      {incoming.map((r) => (
        <IncomingCard key={r.id} r={r} />
      ))}
      {outgoing.map((r) => (
        <OutgoingCard key={r.id} r={r} />
      ))}
      {active.map((r) => (
        <DiscussionPanel key={r.id} r={r} />
      ))}
    </div>
  );
}

function IncomingCard({ r }: { r: Rec }) {
  const d = useDiscuss();
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const accept = async () => {
    setBusy(true);
    try {
      const done = await discussApi.accept(r);
      d.upsert(done);
      d.deps.openConversation(r.conversationId);
    } catch (e) {
      d.deps.fail(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="discuss-card incoming" role="alert" aria-label={requestSentence(r)} data-request-id={r.id}>
      <p className="discuss-card-title">{requestSentence(r)}</p>
      <p className="muted small">
        About {r.conversationSubject} · <Countdown until={r.expiresAt} />
      </p>
      <div className="discuss-card-actions">
        <button className="btn primary" disabled={busy} onClick={() => void accept()}>
          Accept
        </button>
        <button className="btn danger" disabled={busy} onClick={() => setRejecting(true)}>
          Reject
        </button>
      </div>
      {rejecting && (
        <ReasonDialog
          title={`Reject the ${r.type} request`}
          action="Reject"
          presets={REJECT_PRESETS}
          onClose={() => setRejecting(false)}
          onSubmit={async (reason) => {
            try {
              d.upsert(await discussApi.reject(r, reason));
            } catch (e) {
              d.deps.fail(e);
              throw e;
            }
          }}
        />
      )}
    </section>
  );
}

function OutgoingCard({ r }: { r: Rec }) {
  const d = useDiscuss();
  const [withdrawing, setWithdrawing] = useState(false);
  return (
    <section className="discuss-card outgoing" aria-label={`Your ${r.type} request to ${r.recipient.name}`} data-request-id={r.id}>
      <p className="discuss-card-title">
        {r.type === 'discuss' ? 'Discuss' : 'Assign'} request to {r.recipient.name}: <span className="status-pill">Pending</span>
      </p>
      <p className="muted small">
        About {r.conversationSubject} · <Countdown until={r.expiresAt} />
      </p>
      <div className="discuss-card-actions">
        <button className="btn" onClick={() => setWithdrawing(true)}>
          Withdraw
        </button>
      </div>
      {withdrawing && (
        <ReasonDialog
          title={`Withdraw the ${r.type} request`}
          action="Withdraw"
          presets={WITHDRAW_PRESETS}
          onClose={() => setWithdrawing(false)}
          onSubmit={async (reason) => {
            try {
              d.upsert(await discussApi.withdraw(r, reason));
            } catch (e) {
              d.deps.fail(e);
              throw e;
            }
          }}
        />
      )}
    </section>
  );
}

const TYPING_REPEAT_MS = 3000;

/** Seed 000's Discussion Panel: the private thread of initiator and consultant, in real time. */
function DiscussionPanel({ r }: { r: Rec }) {
  const d = useDiscuss();
  const me = d.deps.me.id;
  const initiator = r.initiator.id === me;
  const other = initiator ? r.recipient : r.initiator;
  const [text, setText] = useState('');
  const [files, setFiles] = useState<DiscussionMessage['attachments']>([]);
  const [busy, setBusy] = useState(false);
  const [ending, setEnding] = useState(false);
  const [open, setOpen] = useState(true);
  const list = useRef<HTMLOListElement>(null);
  const typingSent = useRef(0);
  const messages = d.messages[r.id] ?? [];
  const typing = d.typing[r.id];

  useEffect(() => d.loadMessages(r.id), [r.id, d.loadMessages]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [messages.length]);

  const send = async () => {
    if (!text.trim() && !files.length) return;
    setBusy(true);
    try {
      const m = await discussApi.post(r.id, text.trim(), files, `${r.id}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
      d.onFrame({ type: 'discussion.message', seq: 0, at: m.createdAt, data: { message: m } }, false);
      setText('');
      setFiles([]);
      typingSent.current = 0;
      discussApi.typing(r.id, false).catch(() => {});
    } catch (e) {
      d.deps.fail(e);
    } finally {
      setBusy(false);
    }
  };
  const onType = (v: string) => {
    setText(v);
    const now = Date.now();
    if (v && now - typingSent.current > TYPING_REPEAT_MS) {
      typingSent.current = now;
      discussApi.typing(r.id, true).catch(() => {});
    }
  };
  const attach = async (list: FileList | null) => {
    if (!list) return;
    setBusy(true);
    try {
      for (const f of [...list]) {
        const a = await api.uploadAttachment(r.conversationId, f, f.name);
        setFiles((all) => [...all, a]);
      }
    } catch (e) {
      d.deps.fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="discuss-panel" aria-label={`Discussion with ${other.name}`} data-request-id={r.id}>
      <header className="discuss-panel-head">
        <button className="btn ghost small" aria-expanded={open} onClick={() => setOpen((v) => !v)} title={open ? 'Minimise' : 'Open'}>
          {open ? '▾' : '▸'}
        </button>
        <div className="discuss-panel-title">
          <strong>Discussion with {other.name}</strong>
          <span className="muted small">About {r.conversationSubject} · private</span>
        </div>
        <button className="btn ghost small" onClick={() => d.deps.openConversation(r.conversationId)}>
          Open conversation
        </button>
        {initiator ? (
          <button className="btn small" onClick={() => setEnding(true)}>
            End Discussion
          </button>
        ) : (
          <button
            className="btn small"
            onClick={() =>
              void discussApi.leave(r.id).then(
                (x) => d.upsert(x),
                (e) => d.deps.fail(e),
              )
            }
          >
            Leave
          </button>
        )}
      </header>
      {open && (
        <>
          <ol className="discuss-messages" ref={list} aria-label="Discussion messages" aria-live="polite">
            {messages.map((m) => (
              <li key={m.id} className={`discuss-msg${m.sender.id === me ? ' mine' : ''}`}>
                <span className="discuss-msg-who small muted">
                  {m.sender.id === me ? 'You' : m.sender.name} · {clock(m.createdAt)}
                </span>
                {m.body && <span className="discuss-msg-body">{m.body}</span>}
                {m.attachments.map((a) => (
                  <a key={a.url} href={a.url} target="_blank" rel="noreferrer" className="discuss-file">
                    📎 {a.name}
                  </a>
                ))}
              </li>
            ))}
            {!messages.length && <li className="muted small">Say hello — {r.conversationSubject} does not see this.</li>}
          </ol>
          {typing && typing.until > Date.now() && <p className="muted small discuss-typing">{typing.name} is typing…</p>}
          {files.length > 0 && (
            <p className="small discuss-files">
              {files.map((f) => (
                <span key={f.url} className="chip">
                  📎 {f.name}
                </span>
              ))}
            </p>
          )}
          <form
            className="discuss-compose"
            onSubmit={(e) => {
              e.preventDefault();
              void send();
            }}
          >
            <label className="btn ghost small discuss-attach" title="Attach a file">
              📎
              <input type="file" hidden multiple onChange={(e) => void attach(e.target.files)} aria-label="Attach a file to the discussion" />
            </label>
            <textarea
              rows={1}
              maxLength={2000}
              value={text}
              aria-label={`Message ${other.name}`}
              placeholder={`Message ${other.name} privately`}
              onChange={(e) => onType(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  void send();
                }
              }}
            />
            <button className="btn primary small" disabled={busy || (!text.trim() && !files.length)}>
              Send
            </button>
          </form>
        </>
      )}
      {ending && (
        <EndDiscussionDialog
          onClose={() => setEnding(false)}
          onEnd={async (resolved) => {
            try {
              d.upsert(await discussApi.end(r.id, resolved));
            } catch (e) {
              d.deps.fail(e);
              throw e;
            }
          }}
        />
      )}
    </section>
  );
}
