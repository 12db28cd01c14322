import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { DataFrame, DiscussionMessage, EngagementTrackingRecord } from '@switchboard/protocol';
import { chime, notify } from '../workspace/notify.ts';
import { discussApi } from './api.ts';

type Rec = EngagementTrackingRecord;

/** What the workspace lends the discuss feature: who is signed in and its ways to alert. */
export interface DiscussDeps {
  me: { id: number; name: string; role: string };
  toast: (text: string, kind?: 'info' | 'error') => void;
  fail: (e: unknown) => void;
  remember: (n: { kind: 'request'; title: string; body: string; conversationId: number }) => void;
  openConversation: (id: number) => void;
}

export interface Discuss {
  deps: DiscussDeps;
  /** Requests and discussions this user is part of, by id (kept current by the stream). */
  records: Record<number, Rec>;
  messages: Record<number, DiscussionMessage[]>;
  typing: Record<number, { name: string; until: number }>;
  /** Bumped on every record frame, so the Tracking section refetches only when something changed. */
  version: number;
  onFrame(frame: DataFrame, live: boolean): void;
  upsert(r: Rec): void;
  loadMessages(id: number): void;
  /** The active discussion in which I consult on this conversation, if any (no customer-facing controls). */
  consultingOn(conversationId: number): Rec | undefined;
}

const Ctx = createContext<Discuss | null>(null);
export const DiscussContext = Ctx;

export function useDiscuss(): Discuss {
  const d = useContext(Ctx);
  if (!d) throw new Error('useDiscuss outside the workspace');
  return d;
}

/** The seed's sentence for the recipient: "Mark has requested to discuss with you." */
export function requestSentence(r: Rec): string {
  return r.type === 'discuss' ? `${r.initiator.name} has requested to discuss with you.` : `${r.initiator.name} has requested to assign you a conversation.`;
}

export const isActiveDiscussion = (r: Rec) => r.type === 'discuss' && r.status === 'accepted';

const ANSWER_TEXT: Partial<Record<Rec['status'], (r: Rec) => string>> = {
  accepted: (r) => (r.type === 'discuss' ? `${r.recipient.name} accepted your discuss request.` : `${r.recipient.name} accepted the conversation.`),
  rejected: (r) => `${r.recipient.name} rejected your ${r.type} request: ${r.rejectReason ?? ''}`,
  timed_out: (r) => `Your ${r.type} request to ${r.recipient.name} timed out.`,
  cancelled: (r) => `Your ${r.type} request to ${r.recipient.name} was cancelled: the conversation moved.`,
};

/** The workspace's discuss state: one per signed-in page, fed by the one stream. */
export function useDiscussRoot(deps: DiscussDeps): Discuss {
  const [records, setRecords] = useState<Record<number, Rec>>({});
  const [messages, setMessages] = useState<Record<number, DiscussionMessage[]>>({});
  const [typing, setTyping] = useState<Record<number, { name: string; until: number }>>({});
  const [version, setVersion] = useState(0);
  const depsRef = useRef(deps);
  depsRef.current = deps;
  const me = deps.me.id;

  const upsert = useCallback((r: Rec) => {
    setRecords((all) => ({ ...all, [r.id]: r }));
    setVersion((v) => v + 1);
  }, []);

  useEffect(() => {
    discussApi.mine().then((r) => setRecords((all) => ({ ...Object.fromEntries(r.items.map((x) => [x.id, x])), ...all })), () => {});
  }, []);

  const loadMessages = useCallback((id: number) => {
    discussApi.messages(id).then(
      (r) => setMessages((all) => ({ ...all, [id]: mergeMessages(all[id] ?? [], r.items) })),
      () => {},
    );
  }, []);

  const alert = useCallback(
    (type: string, r: Rec) => {
      const d = depsRef.current;
      if (type === 'request.created' && r.recipient.id === me) {
        const text = requestSentence(r);
        chime();
        d.toast(text, 'info');
        notify(text, `About ${r.conversationSubject}. Accept or reject it in Switchboard.`, `request-${r.id}`);
        d.remember({ kind: 'request', title: text, body: `About ${r.conversationSubject}`, conversationId: r.conversationId });
        return;
      }
      if (r.initiator.id === me && (type === 'request.answered' || type === 'request.timed_out' || type === 'request.cancelled')) {
        const text = ANSWER_TEXT[r.status]?.(r);
        if (!text) return;
        chime();
        d.toast(text, 'info');
        notify(text, `About ${r.conversationSubject}`, `request-${r.id}`);
        d.remember({ kind: 'request', title: text, body: `About ${r.conversationSubject}`, conversationId: r.conversationId });
        return;
      }
      if (type === 'request.withdrawn' && r.recipient.id === me) d.toast(`${r.initiator.name} withdrew the ${r.type} request: ${r.withdrawReason ?? ''}`, 'info');
      if (type === 'request.timed_out' && r.recipient.id === me) d.toast(`The ${r.type} request from ${r.initiator.name} timed out.`, 'info');
      if (type === 'discussion.ended' && r.recipient.id === me && r.status !== 'left') d.toast(`The discussion with ${r.initiator.name} has ended.`, 'info');
      if (type === 'discussion.ended' && r.initiator.id === me && r.status === 'left') d.toast(`${r.recipient.name} left the discussion.`, 'info');
    },
    [me],
  );

  const onFrame = useCallback(
    (frame: DataFrame, live: boolean) => {
      if (frame.type === 'request.created' || frame.type === 'request.answered' || frame.type === 'request.withdrawn' || frame.type === 'request.timed_out' || frame.type === 'request.cancelled' || frame.type === 'discussion.ended') {
        const type = frame.type;
        const r = frame.data.record;
        if (r.initiator.id !== me && r.recipient.id !== me) {
          setVersion((v) => v + 1); // a manager watching: the Tracking section refetches
          return;
        }
        upsert(r);
        if (live) alert(type, r);
      } else if (frame.type === 'discussion.message') {
        const m = frame.data.message;
        setMessages((all) => ({ ...all, [m.requestId]: mergeMessages(all[m.requestId] ?? [], [m]) }));
        setTyping((t) => {
          const { [m.requestId]: _gone, ...rest } = t;
          return rest;
        });
        if (live && m.sender.id !== me) chime();
      } else if (frame.type === 'discussion.typing') {
        const d = frame.data;
        if (d.userId === me || !live) return;
        setTyping((t) => {
          const { [d.requestId]: _gone, ...rest } = t;
          return d.typing ? { ...rest, [d.requestId]: { name: d.name, until: Date.now() + 6000 } } : rest;
        });
      }
    },
    [me, upsert, alert],
  );

  const consultingOn = useCallback((conversationId: number) => Object.values(records).find((r) => isActiveDiscussion(r) && r.conversationId === conversationId && r.recipient.id === me), [records, me]);

  return useMemo(
    () => ({ deps, records, messages, typing, version, onFrame, upsert, loadMessages, consultingOn }),
    [deps, records, messages, typing, version, onFrame, upsert, loadMessages, consultingOn],
  );
}

function mergeMessages(have: DiscussionMessage[], more: DiscussionMessage[]): DiscussionMessage[] {
  const byId = new Map(have.map((m) => [m.id, m]));
  for (const m of more) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
