import { ApiError, StreamClient, type StartChatInput, type VisitorConversation, type VisitorMessage, type VisitorServerFrame } from '@switchboard/client';
import { t } from './i18n.ts';
import { save, saved } from './host.ts';
import { changed, client, mode, s } from './state.ts';

/**
 * The customer's side of the chat: the visitor session (restored from the saved token after a
 * reload), the messages, the customer stream (packages/client's StreamClient: it resumes after a
 * drop with `hello {lastSeq}`), and what the customer does. Each message goes with a client id, so
 * a retry is never stored twice.
 */

/**
 * A session, asked again while the server is busy (429, 503) or out of reach: where many customers
 * share one address they meet the per-address limit, and the frame must not stay dead.
 */
export async function sessionWhenPossible(onWait: (message: string) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await session();
    } catch (e) {
      if (!(e instanceof ApiError) || ![0, 429, 503].includes(e.status)) throw e;
      onWait(e.message);
      await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** attempt)));
    }
  }
}

export async function session(): Promise<void> {
  const old = saved();
  if (old?.token && (old.userId ?? null) === (s.user?.id ?? null)) {
    client.token = old.token;
    const me = await client.me();
    if (me) return applyMe(me);
  }
  client.token = null;
  const created = await client.createSession({
    ...(s.user ? { user: s.user } : {}),
    ...(s.page ? { pageUrl: s.page } : {}),
    locale: navigator.language,
    ...(Object.keys(s.attributes).length ? { attributes: s.attributes } : {}),
  });
  save();
  applyMe(created);
}

function applyMe(me: { contact: { name: string }; conversation: VisitorConversation | null }) {
  s.contactName = me.contact.name;
  s.conv = me.conversation;
}

export async function loadMessages(after?: number): Promise<void> {
  if (!s.conv) return;
  const page = await client.messages(s.conv.id, after);
  if (!after) s.msgs.clear();
  for (const m of page.items) addMessage(m);
}

function addMessage(m: VisitorMessage) {
  if (s.conv && m.conversationId !== s.conv.id) return;
  if (m.clientId) s.pending.delete(m.clientId);
  s.msgs.set(m.id, m);
}

/** Another conversation of the customer's takes the chat's place (a new one after an ended chat). */
async function switchTo(conversationId: number) {
  s.conv = await client.conversation(conversationId);
  s.msgs.clear();
  await loadMessages();
}

// ---------------------------------------------------------------- the stream

let stream: StreamClient<VisitorServerFrame> | null = null;

/** Opens the customer stream (once there is a token); it reconnects and resumes by itself. */
export function connect(): void {
  if (!client.token || stream) return;
  let readies = 0;
  stream = new StreamClient<VisitorServerFrame>({
    // The lasting visitor token never goes into a URL (access logs keep URLs): a one-time ticket does.
    url: () => client.streamUrl(location),
    onFrame: (f) => {
      if (f.type === 'ready') {
        // Back after a drop: whatever the replay did not carry, fetch messages after the newest held.
        if (readies++ > 0) void catchUp();
        return;
      }
      if (f.type === 'resync' || f.type === 'pong' || f.type === 'error') return;
      onEvent(f);
    },
    onResync: () => void catchUp(),
    onStatus: (status) => {
      s.online = status === 'live';
      changed();
    },
  });
  stream.start();
}

/** Closes the stream (the page signed a different user in); `connect` starts afresh. */
export function disconnect(): void {
  stream?.stop();
  stream = null;
}

async function catchUp() {
  if (!s.conv) return;
  s.conv = await client.conversation(s.conv.id);
  const ids = [...s.msgs.keys()];
  await loadMessages(ids.length ? Math.max(...ids) : undefined);
  changed();
}

let typingTimer: ReturnType<typeof setTimeout> | null = null;
function onEvent(f: Extract<VisitorServerFrame, { data: unknown }>) {
  if (f.type === 'message.created' || f.type === 'message.updated') {
    const d = f.data;
    if (s.conv && d.message.conversationId !== s.conv.id && f.type === 'message.created' && d.message.from === 'customer') {
      // The customer wrote to an ended chat and a new one was started for it.
      void switchTo(d.message.conversationId).then(changed);
      return;
    }
    addMessage(d.message);
    if (d.message.from === 'agent') s.typing = null;
    if (d.conversation && s.conv && d.conversation.id === s.conv.id) s.conv = { ...s.conv, status: d.conversation.status, waiting: d.conversation.waiting };
    markRead();
  } else if (f.type === 'conversation.updated' || f.type === 'conversation.created') {
    const d = f.data;
    if (s.conv && d.conversation.id === s.conv.id) s.conv = { ...s.conv, ...d.conversation };
  } else if (f.type === 'typing.updated' && s.conv && f.data.conversationId === s.conv.id) {
    const d = f.data;
    s.typing = d.typing ? d.name : null;
    if (typingTimer) clearTimeout(typingTimer);
    if (d.typing) typingTimer = setTimeout(() => ((s.typing = null), changed()), 6000);
  }
  changed();
}

let lastTyping = 0;
let stopTyping: ReturnType<typeof setTimeout> | null = null;
/** The customer typed: "typing" at most every 2 s, and "stopped" 3 s after the last key. */
export function typed(): void {
  const conv = s.conv;
  if (!stream || !conv) return;
  const now = Date.now();
  if (now - lastTyping > 2000 && stream.send({ type: 'typing', conversationId: conv.id, typing: true })) lastTyping = now;
  if (stopTyping) clearTimeout(stopTyping);
  stopTyping = setTimeout(() => {
    lastTyping = 0;
    if (s.conv) stream?.send({ type: 'typing', conversationId: s.conv.id, typing: false });
  }, 3000);
}

// ---------------------------------------------------------------- read receipts

let readTimer: ReturnType<typeof setTimeout> | null = null;
let readUpTo = 0;
export function markRead(): void {
  const conv = s.conv;
  if (!s.open || document.visibilityState === 'hidden' || !conv) return;
  const agentIds = [...s.msgs.values()].filter((m) => m.from === 'agent' && m.status !== 'read').map((m) => m.id);
  const top = agentIds.length ? Math.max(...agentIds) : 0;
  if (top <= readUpTo) return;
  if (readTimer) clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    readUpTo = top;
    void client.markRead(conv.id, top).catch(() => {});
  }, 300);
}

export function unread(): number {
  return [...s.msgs.values()].filter((m) => m.from === 'agent' && m.status !== 'read').length;
}

// ---------------------------------------------------------------- what the customer does

const newClientId = () => `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
/** The server refused it for good (a 4xx other than 429): retrying would not help. */
const refused = (e: unknown): e is ApiError => e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429;

export async function send(body: string, attachments: VisitorMessage['attachments'] = []): Promise<void> {
  if (!s.conv) return;
  const clientId = newClientId();
  s.pending.set(clientId, { body, attachments });
  changed();
  const convId = s.conv.id;
  // Retried with the same client id until the server answers: stored once, never lost.
  for (let attempt = 0; ; attempt++) {
    try {
      const m = await client.sendMessage(convId, { body, attachments, clientId });
      if (m.conversationId !== convId) await switchTo(m.conversationId);
      addMessage(m);
      s.pending.delete(clientId);
      break;
    } catch (e) {
      if (refused(e)) {
        s.pending.delete(clientId);
        s.error = e.message;
        break;
      }
      await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** attempt)));
    }
  }
  changed();
}

export async function startChat(form: { message: string; name?: string; email?: string; subject?: string; ticketId?: number }): Promise<void> {
  s.error = '';
  try {
    const input: StartChatInput = {
      ...(form.message.trim() ? { message: form.message } : {}),
      ...(form.name ? { name: form.name } : {}),
      ...(form.email ? { email: form.email } : {}),
      ...(form.subject ? { subject: form.subject } : {}),
      ...(form.ticketId ? { ticketId: form.ticketId } : {}),
      origin: mode === 'portal' ? 'portal' : 'widget',
    };
    s.conv = await client.startConversation(input);
    s.started = true;
    s.view = 'chat';
    await loadMessages();
  } catch (e) {
    s.error = (e as Error).message;
  }
  changed();
}

/** Keep waiting, leave, or ask for a callback (seed 003), from the waiting card. */
export async function waitingAction(act: (conversationId: number) => Promise<VisitorConversation>): Promise<void> {
  if (!s.conv) return;
  try {
    s.conv = await act(s.conv.id);
    s.showCallback = false;
    await loadMessages();
  } catch (e) {
    s.error = (e as Error).message;
  }
  changed();
}

export async function upload(file: File): Promise<void> {
  const c = s.config!;
  if (!c.attachmentTypes.includes(file.type)) return ((s.error = t('badType')), changed());
  if (file.size > c.maxAttachmentBytes) return ((s.error = t('tooBig')), changed());
  const data = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
  try {
    const att = await client.upload({ name: file.name, contentType: file.type, data });
    await send('', [att]);
  } catch (e) {
    s.error = (e as Error).message;
    changed();
  }
}
