import type { VisitorMessage } from '@switchboard/client';
import { send, startChat, typed, upload, waitingAction } from './chat.ts';
import { CLIP, h, icon, SMILE } from './dom.ts';
import { fileLink } from './files.ts';
import { t } from './i18n.ts';
import { changed, client, mode, s } from './state.ts';

/** The chat's parts: the pre-chat form, the thread, the waiting card, the end of a chat, the composer. */
const EMOJI = ['😀', '😂', '😊', '😍', '🤔', '😢', '😡', '👍', '👎', '🙏', '👏', '🎉', '❤️', '🔥', '✅', '❌', '🚀', '☕', '📦', '💡'];

function hours() {
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
}

function status() {
  const c = s.config!;
  // Outside office hours the administrators' away message, when they wrote one (always as text).
  const text = !c.openNow ? c.awayMessage || t('closed') : c.agentsAvailable ? t('online') : t('away');
  return h('div', { class: `status ${c.openNow && c.agentsAvailable ? 'on' : 'off'}`, role: 'status' }, text);
}

/**
 * What the customer typed into the request form. The frame draws itself anew on every change (the
 * stream going live, an agent coming online), so the fields keep their text here, not in the DOM.
 */
const formText: Record<string, string> = {};
function kept<E extends HTMLInputElement | HTMLTextAreaElement>(el: E): E {
  el.value = formText[el.name] ?? '';
  el.addEventListener('input', () => (formText[el.name] = el.value));
  return el;
}

export function requestForm(opts: { subject?: boolean; ticketId?: number } = {}): HTMLFormElement {
  const c = s.config!;
  const ask = c.preChatForm !== 'off' && !s.user;
  const required = c.preChatForm === 'required';
  const name = kept(h('input', { name: 'name', 'aria-label': t('name'), placeholder: t('name'), required, autocomplete: 'name' }));
  const email = kept(h('input', { name: 'email', type: 'email', 'aria-label': t('email'), placeholder: t('email'), required, autocomplete: 'email' }));
  const subject = kept(h('input', { name: 'subject', 'aria-label': t('subject'), placeholder: t('subject'), required: true }));
  const message = kept(h('textarea', { name: 'message', 'aria-label': t('message'), placeholder: t('message'), rows: 3 }));
  return h(
    'form',
    {
      class: 'prechat',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void startChat({ message: message.value, name: ask ? name.value.trim() || undefined : undefined, email: ask ? email.value.trim() || undefined : undefined, subject: opts.subject ? subject.value.trim() : undefined, ticketId: opts.ticketId }).then(() => {
          // Sent: a later request starts from an empty form; refused, the text stays to send again.
          if (!s.error) for (const k of Object.keys(formText)) delete formText[k];
        });
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

export function chatView(): HTMLDivElement {
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
          h('button', { type: 'button', onclick: () => waitingAction((id) => client.keepWaiting(id)) }, t('keepWaiting')),
          h('button', { type: 'button', onclick: () => waitingAction((id) => client.leave(id)) }, t('leave')),
          h('button', { type: 'button', onclick: () => ((s.showCallback = !s.showCallback), changed()) }, t('callback')),
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
  const again = () => {
    s.conv = null;
    s.msgs.clear();
    s.view = mode === 'portal' ? 'request' : 'chat';
    changed();
  };
  return h('div', { class: 'ended', role: 'status' }, h('p', {}, text), h('button', { type: 'button', class: 'primary', onclick: again }, t('newChat')));
}

function callbackForm() {
  const phone = h('input', { name: 'phone', type: 'tel', 'aria-label': t('phone'), placeholder: t('phone'), required: true, autocomplete: 'tel' });
  const when = h('input', { name: 'when', 'aria-label': t('when'), placeholder: t('when'), required: true });
  const submit = (e: Event) => {
    e.preventDefault();
    void waitingAction((id) => client.requestCallback(id, { phone: phone.value, preferredTime: when.value }));
  };
  return h('form', { class: 'callback', onsubmit: submit }, phone, when, h('button', { type: 'submit', class: 'primary' }, t('requestCallback')));
}

/** What the customer is writing survives every redraw. */
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
    ? h('div', { class: 'emoji', role: 'listbox', 'aria-label': t('emoji') }, ...EMOJI.map((e) => h('button', { type: 'button', role: 'option', onclick: () => ((draft += e), (s.showEmoji = false), changed(), focusComposer()) }, e)))
    : null;
  return h(
    'div',
    { class: 'composer' },
    emoji,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'icon', 'aria-label': t('emoji'), onclick: () => ((s.showEmoji = !s.showEmoji), changed()) }, icon(SMILE)),
      h('button', { type: 'button', class: 'icon', 'aria-label': t('attach'), onclick: () => file.click() }, icon(CLIP)),
      file,
      input,
      h('button', { type: 'button', class: 'primary', onclick: submit }, t('send')),
    ),
  );
}

export function focusComposer(): void {
  (document.querySelector('.composer textarea') as HTMLTextAreaElement | null)?.focus();
}
