import type { Ticket } from '@switchboard/client';
import { startChat } from './chat.ts';
import { h } from './dom.ts';
import { fileLink } from './files.ts';
import { t } from './i18n.ts';
import { changed, client, isOpen, s, type View } from './state.ts';

/** The client portal's extras (seed 003): the tabs, the customer's tickets, one ticket. */

async function showTickets() {
  s.view = 'tickets';
  s.tickets = (await client.tickets()).items;
  changed();
}

async function showTicket(id: number) {
  s.ticket = await client.ticket(id);
  s.view = 'ticket';
  changed();
}

export function portalNav(): HTMLElement {
  const tab = (view: View, label: string, go: () => void) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(s.view === view), onclick: go }, label);
  return h('nav', { class: 'tabs', role: 'tablist' }, tab('request', t('newRequest'), () => ((s.view = s.conv && isOpen(s.conv) ? 'chat' : 'request'), changed())), tab('tickets', t('myTickets'), () => void showTickets()));
}

export function ticketList(): Node {
  if (!s.tickets.length) return h('p', {}, t('noTickets'));
  return h('ul', { class: 'tickets' }, ...s.tickets.map((tk) => h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => void showTicket(tk.id) }, `#${tk.id} ${tk.subject}`), h('span', { class: 'meta' }, tk.status))));
}

export function ticketView(tk: Ticket): HTMLDivElement {
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
