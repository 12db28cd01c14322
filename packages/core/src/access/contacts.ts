import { canSeeConversation, type ConversationScope, type Viewer } from './permissions.ts';

/**
 * Contact visibility rule (issue 9, finding 11). A contact is a customer's personal data; staff reach
 * it through their work:
 * - admins see and change every contact;
 * - anyone sees and changes (edit, block, tag) the contacts of conversations they may see now
 *   (`canSeeConversation`): an agent outside the queue reaches none of its customers;
 * - the admin-granted right "browse contacts" (`Viewer.browseContacts`) lets a user read and search
 *   every contact, not change the ones outside their conversations.
 * An unreachable contact answers 404, like an unseen conversation.
 */
export function canSeeContact(viewer: Viewer, conversations: readonly ConversationScope[]): boolean {
  if (viewer.role === 'admin' || viewer.browseContacts) return true;
  return conversations.some((c) => canSeeConversation(viewer, c));
}

/** Editing, blocking and tagging a contact: only through a conversation you see (or as an admin). */
export function canChangeContact(viewer: Viewer, conversations: readonly ConversationScope[]): boolean {
  if (viewer.role === 'admin') return true;
  return conversations.some((c) => canSeeConversation(viewer, c));
}

/** Searching every contact, rather than only those of one's conversations. */
export function canBrowseContacts(viewer: Viewer): boolean {
  return viewer.role === 'admin' || viewer.browseContacts === true;
}
