import { connect, disconnect, loadMessages, markRead, session, sessionWhenPossible, unread } from './chat.ts';
import { CROSS, h, icon } from './dom.ts';
import { keepHostCopy, toHost } from './host.ts';
import { setLocale, t } from './i18n.ts';
import { portalNav, ticketList, ticketView } from './portal.ts';
import { client, hostOrigin, isOpen, mode, onChange, s } from './state.ts';
import { chatView, focusComposer, requestForm } from './views.ts';
import './frame.css';

/**
 * The chat UI in the iframe: it draws `s` (state.ts) whole on every change, boots when the
 * embedding page sends its settings (`init`), and answers the page's later messages. The visitor
 * API and the customer stream are packages/client's (chat.ts); the token is kept in this origin's
 * storage (host.ts), so a reload restores the chat.
 */
function render() {
  const app = document.getElementById('app')!;
  const scroll = app.querySelector('.thread');
  const atBottom = !scroll || scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight < 40;
  const focused = document.activeElement?.closest('.composer') != null;
  // A field of the request form being typed in keeps the focus and caret through the redraw.
  const field = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement ? document.activeElement : null;
  const inForm = field?.closest('form.prechat') && field.name ? { name: field.name, at: field.selectionStart } : null;
  if (!s.config) {
    app.replaceChildren(h('div', { class: 'loading' }, '…'));
    return;
  }
  document.documentElement.style.setProperty('--accent', s.config.color);
  const head = h(
    'header',
    {},
    h('div', {}, h('h1', {}, s.config.title), s.conv && !s.conv.waiting && s.conv.agentName ? h('p', {}, s.conv.agentName) : null, !s.online && client.token ? h('p', { class: 'offline' }, t('reconnecting')) : null),
    mode === 'widget' ? h('button', { type: 'button', class: 'icon close', 'aria-label': t('close'), onclick: () => toHost({ type: 'close' }) }, icon(CROSS)) : null,
  );
  let main: Node;
  if (mode === 'portal' && s.view === 'tickets') main = ticketList();
  else if (mode === 'portal' && s.view === 'ticket' && s.ticket) main = ticketView(s.ticket);
  else if (s.conv && (s.view === 'chat' || mode === 'widget')) main = chatView();
  else main = requestForm({ subject: mode === 'portal' });
  app.replaceChildren(head, ...(mode === 'portal' ? [portalNav()] : []), s.error ? h('p', { class: 'error', role: 'alert' }, s.error) : '', main);
  const thread = app.querySelector('.thread');
  if (thread && atBottom) thread.scrollTop = thread.scrollHeight;
  if (focused) focusComposer();
  const again = inForm ? app.querySelector<HTMLInputElement | HTMLTextAreaElement>(`form.prechat [name="${inForm.name}"]`) : null;
  if (again && inForm) {
    again.focus();
    if (inForm.at != null && again.type !== 'email') again.setSelectionRange(inForm.at, inForm.at);
  }
  toHost({ type: 'unread', count: s.open ? 0 : unread() });
}
onChange(render);

// ---------------------------------------------------------------- boot: wait for the page's settings

let booted = false;
async function boot() {
  booted = true;
  try {
    s.config = await client.config();
    toHost({ type: 'color', color: s.config.color });
    await sessionWhenPossible((message) => ((s.error = message), render()));
    s.error = '';
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

/** The page signed a different user in (or out): a new visitor session, stream and chat. */
function userChanged() {
  disconnect();
  s.conv = null;
  s.msgs.clear();
  void session().then(async () => {
    await loadMessages();
    render();
    connect();
  });
}

addEventListener('message', (e: MessageEvent) => {
  if (e.source !== parent || e.origin !== hostOrigin || !e.data?.sb) return;
  const d = e.data;
  if (d.type === 'init') {
    s.user = d.user ?? null;
    s.attributes = d.attributes ?? {};
    if (d.locale) setLocale(d.locale);
    if (d.page) s.page = d.page;
    if (d.saved && typeof d.saved.token === 'string') keepHostCopy(d.saved);
    if (!booted) void boot();
  } else if (d.type === 'user') {
    const changed = (d.user?.id ?? null) !== (s.user?.id ?? null);
    s.user = d.user ?? null;
    if (changed && booted) userChanged();
  } else if (d.type === 'attributes') {
    s.attributes = d.attributes ?? {};
    if (client.token) void client.setAttributes(s.attributes).catch(() => {});
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
