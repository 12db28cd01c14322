import { VisitorClient, type Ticket, type VisitorConversation, type VisitorMessage, type WidgetConfig } from '@switchboard/client';

/**
 * What the chat UI in the iframe knows, in one place: every module reads and changes this and then
 * calls `changed()`, and the frame draws it all again (plain DOM, no framework: the widget is small).
 */
export type User = { id: string; hash?: string; name?: string; email?: string } | null;
export type View = 'chat' | 'request' | 'tickets' | 'ticket';

export const params = new URLSearchParams(location.search);
export const mode: 'portal' | 'widget' = params.get('mode') === 'portal' ? 'portal' : 'widget';
/** The embedding page's origin, as the loader told us: the only one messages go to or come from. */
export const hostOrigin = params.get('host');

/** The visitor API, with the visitor token once there is one. */
export const client = new VisitorClient();

export const s = {
  config: null as WidgetConfig | null,
  user: null as User,
  attributes: {} as Record<string, string>,
  page: params.get('page') ?? '',
  contactName: '',
  conv: null as VisitorConversation | null,
  msgs: new Map<number, VisitorMessage>(),
  pending: new Map<string, { body: string; attachments: VisitorMessage['attachments'] }>(),
  online: false,
  typing: null as string | null,
  view: (mode === 'portal' ? 'request' : 'chat') as View,
  tickets: [] as Ticket[],
  ticket: null as Ticket | null,
  open: mode === 'portal',
  showCallback: false,
  showEmoji: false,
  error: '',
  started: false,
};

/** Still being served: the customer can write in it. */
export const isOpen = (c: VisitorConversation) => ['queued', 'active', 'pending', 'wrap_up', 'callback'].includes(c.status);

let draw = () => {};
/** The frame registers its drawing here (so no module below it imports it back). */
export function onChange(fn: () => void): void {
  draw = fn;
}
/** Something in `s` changed: draw again. */
export function changed(): void {
  draw();
}
