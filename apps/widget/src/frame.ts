import type { Ticket, VisitorConversation, VisitorMessage, VisitorServerFrame, WidgetConfig } from '@switchboard/protocol';
import { setLocale, t } from './i18n.ts';
import './frame.css';

/**
 * The chat UI in the iframe. It talks to the visitor API with its own token (kept in this origin's
 * storage, so a reload restores the chat), resumes the customer stream after a drop (`hello
 * {lastSeq}`, then fetches messages after the last one it has), and sends each message with a
 * client id so a retry is never stored twice.
 */
type User = { id: string; hash?: string; name?: string; email?: string } | null;
const params = new URLSearchParams(location.search);
const mode = params.get('mode') === 'portal' ? 'portal' : 'widget';
const STORE = 'sb_visitor';
const EMOJI = ['😀', '😂', '😊', '😍', '🤔', '😢', '😡', '👍', '👎', '🙏', '👏', '🎉', '❤️', '🔥', '✅', '❌', '🚀', '☕', '📦', '💡'];

const s = {
  config: null as WidgetConfig | null,
  token: null as string | null,
  user: null as User,
  attributes: {} as Record<string, string>,
  page: params.get('page') ?? '',
  contactName: '',
  conv: null as VisitorConversation | null,
  msgs: new Map<number, VisitorMessage>(),
  pending: new Map<string, { body: string; attachments: VisitorMessage['attachments'] }>(),
  lastSeq: undefined as number | undefined,
  online: false,
  typing: null as string | null,
  view: (mode === 'portal' ? 'request' : 'chat') as 'chat' | 'request' | 'tickets' | 'ticket',
  tickets: [] as Ticket[],
  ticket: null as Ticket | null,
  open: mode === 'portal',
  showCallback: false,
  showEmoji: false,
  error: '',
  started: false,
};

// ---------------------------------------------------------------- API

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}
async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`/api/v1${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(s.token ? { 'x-visitor-token': s.token } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) throw new HttpError(r.status, data?.error?.code ?? 'error', data?.error?.message ?? r.statusText);
  return data as T;
}

let fromHost: { token: string; userId: string | null } | null = null;
const saved = (): { token: string; userId: string | null } | null => {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? 'null') ?? fromHost;
  } catch {
    return fromHost;
  }
};
const hostOrigin = params.get('host');
/**
 * Messages go to the embedding page's origin only (the one the loader told us), never `'*'`: if
 * another page framed us, the browser drops them. Which sites may frame us at all is the server's
 * `frame-ancestors` (the widget settings' site origins).
 */
const toHost = (msg: object) => {
  if (hostOrigin && parent !== window) parent.postMessage({ sb: true, ...msg }, hostOrigin);
};
const save = () => {
  const entry = { token: s.token, userId: s.user?.id ?? null };
  try {
    localStorage.setItem(STORE, JSON.stringify(entry));
  } catch {
    /* storage may be blocked here: the page keeps a copy */
  }
  toHost({ type: 'token', ...entry });
};

async function session(): Promise<void> {
  const old = saved();
  if (old?.token && (old.userId ?? null) === (s.user?.id ?? null)) {
    s.token = old.token;
    try {
      const me = await api('GET', '/widget/me');
      return applyMe(me);
    } catch (e) {
      if (!(e instanceof HttpError) || e.status !== 401) throw e;
    }
  }
  s.token = null;
  const created = await api('POST', '/widget/sessions', {
    ...(s.user ? { user: s.user } : {}),
    ...(s.page ? { pageUrl: s.page } : {}),
    locale: navigator.language,
    ...(Object.keys(s.attributes).length ? { attributes: s.attributes } : {}),
  });
  s.token = created.token;
  save();
  applyMe(created);
}

function applyMe(me: { contact: { name: string }; conversation: VisitorConversation | null }) {
  s.contactName = me.contact.name;
  s.conv = me.conversation;
}

async function loadMessages(after?: number) {
  if (!s.conv) return;
  const page = await api<{ items: VisitorMessage[] }>('GET', `/widget/conversations/${s.conv.id}/messages?limit=200${after ? `&after=${after}` : ''}`);
  if (!after) s.msgs.clear();
  for (const m of page.items) addMessage(m);
}

function addMessage(m: VisitorMessage) {
  if (s.conv && m.conversationId !== s.conv.id) return;
  if (m.clientId) s.pending.delete(m.clientId);
  s.msgs.set(m.id, m);
}

// ---------------------------------------------------------------- stream (resumes after drops)

let ws: WebSocket | null = null;
let retry = 0;
function connect() {
  if (!s.token) return;
  // The lasting visitor token never goes into a URL (access logs keep URLs): a one-time ticket does.
  api<{ ticket: string }>('POST', '/widget/stream-ticket').then(
    ({ ticket }) => openStream(ticket),
    () => {
      s.online = false;
      render();
      setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
    },
  );
}

function openStream(ticket: string) {
  const url = `${location.origin.replace(/^http/, 'ws')}/api/v1/widget/stream?ticket=${encodeURIComponent(ticket)}`;
  const sock = new WebSocket(url);
  ws = sock;
  sock.onopen = () => sock.send(JSON.stringify({ type: 'hello', ...(s.lastSeq !== undefined ? { lastSeq: s.lastSeq } : {}) }));
  sock.onmessage = (ev) => {
    // The server's frames follow VisitorServerFrame: its tests check every frame they receive against it.
    let f: VisitorServerFrame;
    try {
      f = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    if (f.type === 'ready' || f.type === 'resync') {
      const first = s.lastSeq === undefined;
      s.lastSeq = f.seq;
      s.online = true;
      retry = 0;
      // Whatever happened while we were away: fetch messages after the newest we hold.
      if (!first || f.type === 'resync') void catchUp();
      render();
      return;
    }
    if (f.type === 'pong' || f.type === 'error') return;
    if ('seq' in f) s.lastSeq = f.seq;
    onEvent(f);
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    s.online = false;
    render();
    setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
  };
}

async function catchUp() {
  if (!s.conv) return;
  s.conv = await api('GET', `/widget/conversations/${s.conv.id}`);
  const ids = [...s.msgs.keys()];
  await loadMessages(ids.length ? Math.max(...ids) : undefined);
  render();
}

let typingTimer: ReturnType<typeof setTimeout> | null = null;
function onEvent(f: Extract<VisitorServerFrame, { data: unknown }>) {
  if (f.type === 'message.created' || f.type === 'message.updated') {
    const d = f.data;
    if (s.conv && d.message.conversationId !== s.conv.id && f.type === 'message.created' && d.message.from === 'customer') {
      // The customer wrote to an ended chat and a new one was started for it.
      void api<VisitorConversation>('GET', `/widget/conversations/${d.message.conversationId}`).then((c) => {
        s.conv = c;
        s.msgs.clear();
        return loadMessages().then(render);
      });
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
    if (d.typing) typingTimer = setTimeout(() => ((s.typing = null), render()), 6000);
  }
  render();
}

let readTimer: ReturnType<typeof setTimeout> | null = null;
let readUpTo = 0;
function markRead() {
  if (!s.open || document.visibilityState === 'hidden' || !s.conv) return;
  const agentIds = [...s.msgs.values()].filter((m) => m.from === 'agent' && m.status !== 'read').map((m) => m.id);
  const top = agentIds.length ? Math.max(...agentIds) : 0;
  if (top <= readUpTo) return;
  if (readTimer) clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    readUpTo = top;
    void api('POST', `/widget/conversations/${s.conv!.id}/read`, { upToMessageId: top }).catch(() => {});
  }, 300);
}
function unread(): number {
  return [...s.msgs.values()].filter((m) => m.from === 'agent' && m.status !== 'read').length;
}

// ---------------------------------------------------------------- actions

const newClientId = () => `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

async function send(body: string, attachments: VisitorMessage['attachments'] = []) {
  if (!s.conv) return;
  const clientId = newClientId();
  s.pending.set(clientId, { body, attachments });
  render();
  const convId = s.conv.id;
  // Retried with the same client id until the server answers: stored once, never lost.
  for (let attempt = 0; ; attempt++) {
    try {
      const m = await api<VisitorMessage>('POST', `/widget/conversations/${convId}/messages`, { body, attachments, clientId });
      if (m.conversationId !== convId) {
        s.conv = await api('GET', `/widget/conversations/${m.conversationId}`);
        s.msgs.clear();
        await loadMessages();
      }
      addMessage(m);
      s.pending.delete(clientId);
      break;
    } catch (e) {
      if (e instanceof HttpError && e.status < 500 && e.status !== 429) {
        s.pending.delete(clientId);
        s.error = e.message;
        break;
      }
      await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** attempt)));
    }
  }
  render();
}

async function startChat(form: { message: string; name?: string; email?: string; subject?: string; ticketId?: number }) {
  s.error = '';
  try {
    s.conv = await api('POST', '/widget/conversations', {
      ...(form.message.trim() ? { message: form.message } : {}),
      ...(form.name ? { name: form.name } : {}),
      ...(form.email ? { email: form.email } : {}),
      ...(form.subject ? { subject: form.subject } : {}),
      ...(form.ticketId ? { ticketId: form.ticketId } : {}),
      origin: mode === 'portal' ? 'portal' : 'widget',
    });
    s.started = true;
    s.view = 'chat';
    await loadMessages();
  } catch (e) {
    s.error = (e as Error).message;
  }
  render();
}

async function convAction(path: string, body: unknown = {}) {
  if (!s.conv) return;
  try {
    s.conv = await api('POST', `/widget/conversations/${s.conv.id}/${path}`, body);
    s.showCallback = false;
    await loadMessages();
  } catch (e) {
    s.error = (e as Error).message;
  }
  render();
}

async function upload(file: File) {
  const c = s.config!;
  if (!c.attachmentTypes.includes(file.type)) return ((s.error = t('badType')), render());
  if (file.size > c.maxAttachmentBytes) return ((s.error = t('tooBig')), render());
  const data = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(',')[1] ?? '');
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
  try {
    const att = await api('POST', '/widget/uploads', { name: file.name, contentType: file.type, data });
    await send('', [att]);
  } catch (e) {
    s.error = (e as Error).message;
    render();
  }
}

let lastTyping = 0;
let stopTyping: ReturnType<typeof setTimeout> | null = null;
function typed() {
  if (!ws || ws.readyState !== WebSocket.OPEN || !s.conv) return;
  const now = Date.now();
  if (now - lastTyping > 2000) {
    lastTyping = now;
    ws.send(JSON.stringify({ type: 'typing', conversationId: s.conv.id, typing: true }));
  }
  if (stopTyping) clearTimeout(stopTyping);
  stopTyping = setTimeout(() => {
    lastTyping = 0;
    if (ws?.readyState === WebSocket.OPEN && s.conv) ws.send(JSON.stringify({ type: 'typing', conversationId: s.conv.id, typing: false }));
  }, 3000);
}

// ---------------------------------------------------------------- view

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, any> = {}, ...kids: Array<Node | string | null | false | undefined>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') (el as any)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids) if (kid != null && kid !== false) el.append(kid);
  return el;
}

const hours = () => {
  const c = s.config!;
  const names = t('days').split(',');
  const order = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  const idx = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
  return h(
    'div',
    { class: 'hours', 'aria-label': t('officeHours') },
    h('strong', {}, `${t('officeHours')} (${c.officeHours.timezone})`),
    h(
      'ul',
      {},
      ...order.map((d) => {
        const iv = c.officeHours.days[d] ?? [];
        return h('li', {}, h('span', {}, names[idx[d]]!), h('span', {}, iv.length ? iv.map((i) => `${i.open}–${i.close}`).join(', ') : t('closedDay')));
      }),
    ),
  );
};

function status() {
  const c = s.config!;
  // Outside office hours the administrators' away message, when they wrote one (always as text).
  const text = !c.openNow ? c.awayMessage || t('closed') : c.agentsAvailable ? t('online') : t('away');
  return h('div', { class: `status ${c.openNow && c.agentsAvailable ? 'on' : 'off'}`, role: 'status' }, text);
}

function requestForm(opts: { subject?: boolean; ticketId?: number } = {}) {
  const c = s.config!;
  const ask = c.preChatForm !== 'off' && !s.user;
  const required = c.preChatForm === 'required';
  const name = h('input', { name: 'name', 'aria-label': t('name'), placeholder: t('name'), required, autocomplete: 'name' });
  const email = h('input', { name: 'email', type: 'email', 'aria-label': t('email'), placeholder: t('email'), required, autocomplete: 'email' });
  const subject = h('input', { name: 'subject', 'aria-label': t('subject'), placeholder: t('subject'), required: true });
  const message = h('textarea', { name: 'message', 'aria-label': t('message'), placeholder: t('message'), rows: 3 });
  return h(
    'form',
    {
      class: 'prechat',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void startChat({ message: message.value, name: ask ? name.value.trim() || undefined : undefined, email: ask ? email.value.trim() || undefined : undefined, subject: opts.subject ? subject.value.trim() : undefined, ticketId: opts.ticketId });
      },
    },
    h('p', { class: 'greeting' }, c.greeting),
    status(),
    !c.alwaysOpen && hours(),
    ask && name,
    ask && email,
    opts.subject && subject,
    message,
    h('button', { type: 'submit', class: 'primary' }, t('start')),
  );
}

// ---------------------------------------------------------------- files

/**
 * Files are read with the visitor token, a header an <img> or a link cannot send (the server gives
 * each customer their own conversation's files only), then shown from memory: a picture inline,
 * anything else as a download under its name.
 */
const fileBlobs = new Map<string, string>();
const fileFetches = new Set<string>();
function fileLink(a: { url: string; name: string; contentType: string }, content: Node | string, cls?: string) {
  const blob = fileBlobs.get(a.url);
  const image = typeof content !== 'string' && content instanceof HTMLImageElement;
  if (blob && image) content.src = blob;
  if (!blob && !fileFetches.has(a.url)) {
    fileFetches.add(a.url);
    void fetch(a.url, { headers: s.token ? { 'x-visitor-token': s.token } : {} })
      .then(async (r) => {
        if (!r.ok) return;
        fileBlobs.set(a.url, URL.createObjectURL(await r.blob()));
        render();
      })
      .catch(() => {});
  }
  return h('a', { ...(blob ? { href: blob } : {}), ...(image ? { target: '_blank', rel: 'noopener' } : { download: a.name }), ...(cls ? { class: cls } : {}) }, content);
}

function bubble(m: VisitorMessage | { pending: true; body: string; attachments: VisitorMessage['attachments'] }) {
  if ('from' in m && m.from === 'system') return h('li', { class: 'system' }, m.body);
  const mine = !('from' in m) || m.from === 'customer';
  const files = m.attachments.map((a) => (a.contentType.startsWith('image/') ? fileLink(a, h('img', { alt: a.name })) : fileLink(a, `📎 ${a.name}`, 'file')));
  const meta = 'pending' in m ? '…' : m.from === 'agent' ? (m.name ?? '') : '';
  return h(
    'li',
    { class: `msg ${mine ? 'mine' : 'theirs'}${'pending' in m ? ' pending' : ''}`, ...('id' in m ? { 'data-message-id': m.id } : {}) },
    meta && h('span', { class: 'who' }, meta),
    // The message this one answers, as the agent quoted it.
    'quote' in m && m.quote ? h('blockquote', { class: 'quote' }, m.quote.body) : null,
    m.body && h('div', { class: 'body' }, m.body),
    ...files,
  );
}

function chatView() {
  const c = s.conv!;
  const list = h('ul', { class: 'thread', 'aria-live': 'polite', 'aria-label': 'Messages' }, ...[...s.msgs.values()].sort((a, b) => a.id - b.id).map(bubble), ...[...s.pending.values()].map((p) => bubble({ pending: true, ...p })));
  const open = c.status === 'queued' || c.status === 'active' || c.status === 'pending' || c.status === 'wrap_up' || c.status === 'closed';
  const parts: Array<Node | false | null> = [list];
  if (s.typing) parts.push(h('div', { class: 'typing', role: 'status' }, t('typing', { name: s.typing })));
  if (c.waiting && c.status === 'queued') {
    parts.push(
      h(
        'div',
        { class: 'waiting', role: 'status' },
        h('p', {}, t('waiting')),
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', onclick: () => convAction('keep-waiting') }, t('keepWaiting')),
          h('button', { type: 'button', onclick: () => convAction('leave') }, t('leave')),
          h('button', { type: 'button', onclick: () => ((s.showCallback = !s.showCallback), render()) }, t('callback')),
        ),
        s.showCallback && callbackForm(),
      ),
    );
  }
  if (c.status === 'abandoned') parts.push(ended(t('left')));
  else if (c.status === 'callback') parts.push(ended(t('callbackSet', { phone: c.callback?.phone ?? '', when: c.callback?.preferredTime ?? '' })));
  else if (c.status === 'resolved') parts.push(ended(t('ended')));
  if (open || c.status === 'callback') parts.push(composer());
  return h('div', { class: 'chat' }, ...parts);
}

function ended(text: string) {
  return h('div', { class: 'ended', role: 'status' }, h('p', {}, text), h('button', { type: 'button', class: 'primary', onclick: () => ((s.conv = null), s.msgs.clear(), (s.view = mode === 'portal' ? 'request' : 'chat'), render()) }, t('newChat')));
}

function callbackForm() {
  const phone = h('input', { name: 'phone', type: 'tel', 'aria-label': t('phone'), placeholder: t('phone'), required: true, autocomplete: 'tel' });
  const when = h('input', { name: 'when', 'aria-label': t('when'), placeholder: t('when'), required: true });
  return h('form', { class: 'callback', onsubmit: (e: Event) => (e.preventDefault(), void convAction('callback', { phone: phone.value, preferredTime: when.value })) }, phone, when, h('button', { type: 'submit', class: 'primary' }, t('requestCallback')));
}

let draft = '';
function composer() {
  const input = h('textarea', { 'aria-label': t('message'), placeholder: t('message'), rows: 1, value: draft });
  input.value = draft;
  const submit = () => {
    const body = input.value;
    if (!body.trim()) return;
    draft = '';
    input.value = '';
    void send(body);
  };
  input.addEventListener('input', () => ((draft = input.value), typed()));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit();
    }
  });
  const file = h('input', { type: 'file', class: 'hidden', 'aria-label': t('attach'), accept: s.config!.attachmentTypes.join(','), onchange: () => file.files?.[0] && void upload(file.files[0]) });
  const emoji = s.showEmoji
    ? h('div', { class: 'emoji', role: 'listbox', 'aria-label': t('emoji') }, ...EMOJI.map((e) => h('button', { type: 'button', role: 'option', onclick: () => ((draft += e), (s.showEmoji = false), render(), focusComposer()) }, e)))
    : null;
  return h(
    'div',
    { class: 'composer' },
    emoji,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'icon', 'aria-label': t('emoji'), onclick: () => ((s.showEmoji = !s.showEmoji), render()) }, icon(SMILE)),
      h('button', { type: 'button', class: 'icon', 'aria-label': t('attach'), onclick: () => file.click() }, icon(CLIP)),
      file,
      input,
      h('button', { type: 'button', class: 'primary', onclick: submit }, t('send')),
    ),
  );
}
// Drawn, not emoji: icons must not depend on the system's emoji font.
const SMILE = '<circle cx="12" cy="12" r="9"/><path d="M8 14s1.5 2 4 2 4-2 4-2"/><path d="M9 9h.01M15 9h.01"/>';
const CLIP = '<path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5"/>';
function icon(paths: string) {
  const span = document.createElement('span');
  span.innerHTML = `<svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${paths}</svg>`;
  return span.firstChild as Node;
}
function focusComposer() {
  (document.querySelector('.composer textarea') as HTMLTextAreaElement | null)?.focus();
}

async function showTickets() {
  s.view = 'tickets';
  s.tickets = (await api<{ items: Ticket[] }>('GET', '/widget/tickets')).items;
  render();
}
async function showTicket(id: number) {
  s.ticket = await api<Ticket>('GET', `/widget/tickets/${id}`);
  s.view = 'ticket';
  render();
}

function portalNav() {
  const tab = (view: typeof s.view, label: string, go: () => void) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(s.view === view), onclick: go }, label);
  return h('nav', { class: 'tabs', role: 'tablist' }, tab('request', t('newRequest'), () => ((s.view = s.conv && isOpen(s.conv) ? 'chat' : 'request'), render())), tab('tickets', t('myTickets'), () => void showTickets()));
}
const isOpen = (c: VisitorConversation) => ['queued', 'active', 'pending', 'wrap_up', 'callback'].includes(c.status);

function ticketView(tk: Ticket) {
  return h(
    'div',
    { class: 'ticket' },
    h('button', { type: 'button', class: 'link', onclick: () => void showTickets() }, `← ${t('back')}`),
    h('h2', {}, `#${tk.id} ${tk.subject}`),
    h('p', { class: 'meta' }, `${tk.status}${tk.assignee ? ` · ${tk.assignee.name}` : ''}`),
    tk.notes.length ? h('h3', {}, t('notes')) : null,
    h('ul', { class: 'notes' }, ...tk.notes.map((n) => h('li', {}, h('span', { class: 'who' }, n.author?.name ?? ''), n.body))),
    tk.attachments.length ? h('h3', {}, t('files')) : null,
    h('ul', { class: 'files' }, ...tk.attachments.map((a) => h('li', {}, fileLink(a, a.name)))),
    s.conv && isOpen(s.conv) ? null : h('button', { type: 'button', class: 'primary', onclick: () => void startChat({ message: '', ticketId: tk.id }) }, t('chatAboutTicket')),
  );
}

function render() {
  const app = document.getElementById('app')!;
  const scroll = app.querySelector('.thread');
  const atBottom = !scroll || scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight < 40;
  const focused = document.activeElement?.closest('.composer') != null;
  if (!s.config) {
    app.replaceChildren(h('div', { class: 'loading' }, '…'));
    return;
  }
  document.documentElement.style.setProperty('--accent', s.config.color);
  const head = h(
    'header',
    {},
    h('div', {}, h('h1', {}, s.config.title), s.conv && !s.conv.waiting && s.conv.agentName ? h('p', {}, s.conv.agentName) : null, !s.online && s.token ? h('p', { class: 'offline' }, t('reconnecting')) : null),
    mode === 'widget' ? h('button', { type: 'button', class: 'icon close', 'aria-label': t('close'), onclick: () => toHost({ type: 'close' }) }, icon('<path d="M6 6l12 12M18 6L6 18"/>')) : null,
  );
  let main: Node;
  if (mode === 'portal' && s.view === 'tickets') main = s.tickets.length ? h('ul', { class: 'tickets' }, ...s.tickets.map((tk) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => void showTicket(tk.id) }, `#${tk.id} ${tk.subject}`), h('span', { class: 'meta' }, tk.status)))) : h('p', {}, t('noTickets'));
  else if (mode === 'portal' && s.view === 'ticket' && s.ticket) main = ticketView(s.ticket);
  else if (s.conv && (s.view === 'chat' || mode === 'widget')) main = chatView();
  else main = requestForm({ subject: mode === 'portal' });
  app.replaceChildren(head, ...(mode === 'portal' ? [portalNav()] : []), s.error ? h('p', { class: 'error', role: 'alert' }, s.error) : '', main);
  const thread = app.querySelector('.thread');
  if (thread && atBottom) thread.scrollTop = thread.scrollHeight;
  if (focused) focusComposer();
  toHost({ type: 'unread', count: s.open ? 0 : unread() });
}

// ---------------------------------------------------------------- boot: wait for the page's settings

let booted = false;
async function boot() {
  booted = true;
  try {
    s.config = await api<WidgetConfig>('GET', '/widget/config');
    toHost({ type: 'color', color: s.config.color });
    await session();
    if (s.conv) {
      await loadMessages();
      if (mode === 'portal' && isOpen(s.conv)) s.view = 'chat';
    }
  } catch (e) {
    s.error = (e as Error).message;
  }
  render();
  connect();
}

addEventListener('message', (e: MessageEvent) => {
  if (e.source !== parent || e.origin !== hostOrigin || !e.data?.sb) return;
  const d = e.data;
  if (d.type === 'init') {
    s.user = d.user ?? null;
    s.attributes = d.attributes ?? {};
    if (d.locale) setLocale(d.locale);
    if (d.page) s.page = d.page;
    if (d.saved && typeof d.saved.token === 'string') fromHost = d.saved;
    if (!booted) void boot();
  } else if (d.type === 'user') {
    const changed = (d.user?.id ?? null) !== (s.user?.id ?? null);
    s.user = d.user ?? null;
    if (changed && booted) {
      ws?.close();
      ws = null;
      s.lastSeq = undefined;
      s.conv = null;
      s.msgs.clear();
      void session().then(async () => {
        await loadMessages();
        render();
        connect();
      });
    }
  } else if (d.type === 'attributes') {
    s.attributes = d.attributes ?? {};
    if (s.token) void api('PATCH', '/widget/me', { attributes: s.attributes }).catch(() => {});
  } else if (d.type === 'locale') {
    setLocale(String(d.locale));
    render();
  } else if (d.type === 'open' || d.type === 'close') {
    s.open = d.type === 'open';
    if (s.open) {
      markRead();
      focusComposer();
    }
    render();
  }
});
document.addEventListener('visibilitychange', markRead);
setLocale(navigator.language || 'en');
render();
// Opened on its own (no embedding page): boot anyway.
if (parent === window) void boot();
else toHost({ type: 'ready' });
