import type { Conversation, User } from '../types.ts';
import { api } from '../api.ts';
import type { Ability } from '../stores/settings.ts';
import type { Action } from './types.ts';

export type ConversationDialog = 'resolve' | 'reassign' | 'transfer' | 'complete' | 'end-ticket';

/** What an action knows and may call: the conversation, who acts, and the surface that drew it. */
export interface ConversationContext {
  c: Conversation;
  me: User;
  abilities: Ability[];
  /** Seed 000: consulting on a colleague's conversation, with no customer-facing controls. */
  consulting: boolean;
  /** Runs an API call with the busy state, a toast when done and the answer put in the store. */
  run: (fn: () => Promise<unknown>, done?: string) => Promise<boolean>;
  openDialog: (d: ConversationDialog) => void;
  /** Chat requests end as a session (seed 003). */
  endSession: (outcome: 'plain') => void;
  markUnread: () => void;
}

const finished = (c: Conversation) => c.status === 'resolved' || c.status === 'closed';
const live = (c: Conversation) => c.status === 'active' || c.status === 'pending';
/** Seed 003: web chats and chat requests end as a session, optionally with a ticket. */
export const isChatRequest = (c: Conversation) => c.channel === 'web' || c.channel === 'portal' || c.status === 'callback' || c.status === 'abandoned';
/** The consultant watches; every customer-facing action is absent for her. */
const acting = (ctx: ConversationContext) => !ctx.consulting;

type A = Action<ConversationContext>;

/** The conversation actions, in the order the thread header shows them. */
export const CONVERSATION_ACTIONS: A[] = [
  {
    name: 'pick',
    label: 'Pick',
    placement: ['header'],
    allowed: (x) => acting(x) && x.c.status === 'queued' && x.c.assigneeId === null,
    primary: () => true,
    perform: (x) => void x.run(() => api.pick(x.c.id).then(() => api.conversation(x.c.id)), 'The conversation is yours.'),
  },
  {
    name: 'complete',
    label: 'Complete',
    placement: ['header'],
    allowed: (x) => acting(x) && (x.c.status === 'abandoned' || x.c.status === 'callback'),
    primary: () => true,
    perform: (x) => x.openDialog('complete'),
  },
  {
    name: 'endChat',
    label: 'End chat',
    placement: ['header'],
    allowed: (x) => acting(x) && live(x.c) && !isChatRequest(x.c),
    perform: (x) => void x.run(() => api.endChat(x.c.id), 'Chat ended: wrap-up started.'),
  },
  {
    name: 'endSession',
    label: 'End chat',
    placement: ['header'],
    allowed: (x) => acting(x) && live(x.c) && isChatRequest(x.c),
    perform: () => {},
    items: [
      { name: 'endSessionPlain', label: 'End', placement: [], allowed: () => true, perform: (x) => x.endSession('plain') },
      { name: 'endSessionTicket', label: 'End with a new ticket', placement: [], allowed: () => true, perform: (x) => x.openDialog('end-ticket') },
    ],
  },
  {
    name: 'closeWrapUp',
    label: 'Close wrap-up',
    placement: ['header'],
    allowed: (x) => acting(x) && x.c.status === 'wrap_up',
    perform: (x) => void x.run(() => api.closeWrapUp(x.c.id), 'Wrap-up closed.'),
  },
  {
    name: 'resolve',
    label: 'Resolve',
    describe: 'Resolve the conversation',
    shortcut: { code: 'KeyR', alt: true, label: 'Alt+R', aria: 'Alt+R' },
    placement: ['header'],
    allowed: (x) => acting(x) && !finished(x.c),
    primary: (x) => x.c.status !== 'queued',
    perform: (x) => x.openDialog('resolve'),
  },
  {
    name: 'close',
    label: 'Close',
    placement: ['header'],
    allowed: (x) => acting(x) && !finished(x.c),
    perform: (x) => void x.run(() => api.close(x.c.id), 'Conversation closed.'),
  },
  {
    name: 'reopen',
    label: 'Reopen',
    placement: ['header'],
    allowed: (x) => acting(x) && (finished(x.c) || x.c.status === 'abandoned'),
    perform: (x) => void x.run(() => api.reopen(x.c.id), 'Conversation reopened.'),
  },
  {
    name: 'transfer',
    label: 'Transfer',
    describe: 'Transfer the conversation',
    shortcut: { code: 'KeyT', alt: true, label: 'Alt+T', aria: 'Alt+T' },
    placement: ['header'],
    allowed: acting,
    perform: (x) => x.openDialog('transfer'),
  },
  {
    name: 'reassign',
    label: 'Reassign',
    placement: ['header'],
    allowed: acting,
    perform: (x) => x.openDialog('reassign'),
  },
  {
    name: 'markUnread',
    label: 'Mark unread',
    placement: ['header'],
    allowed: acting,
    perform: (x) => x.markUnread(),
  },
];

/** Who may ask a colleague to take or discuss a conversation (seed 000): its assignee, or an administrator. */
export const mayRequestDiscuss = (x: Pick<ConversationContext, 'c' | 'me' | 'abilities'>) => x.c.assigneeId === x.me.id || x.abilities.includes('administer');

/** What a conversation row's context menu knows (seed 004: right-click → Add label). */
export interface RowContext {
  c: Conversation;
  /** The list lets this user change labels from a row. */
  canLabel: boolean;
}

export const ROW_ACTIONS: Array<Action<RowContext>> = [
  {
    name: 'addLabel',
    label: 'Add label',
    describe: 'Menu of the focused conversation (add a label)',
    shortcut: { key: 'F10', label: 'Shift+F10' },
    placement: ['menu'],
    submenu: 'labels',
    allowed: (x) => x.canLabel,
    perform: () => {},
  },
];
