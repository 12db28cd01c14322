export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Rights an administrator grants through user groups (issue 16, seed 002: "to be able to delete
 * dialogs you need to activate the appropriate rights in the user group"). The role gives defaults
 * (an administrator holds them all); a group adds, never takes away.
 */
export const GROUP_RIGHTS = ['deleteConversations', 'exportReports', 'manageCannedMessages', 'seeAllQueues', 'reassignOthers'] as const;
export type GroupRight = (typeof GROUP_RIGHTS)[number];

/** Who is asking: enough to decide what they may see and do, loaded once per request or socket. */
export interface Viewer {
  id: number;
  role: Role;
  /** Queues the user is a member of. */
  queueIds: ReadonlySet<number>;
  /** The admin-granted right to browse every contact (access/contacts.ts). */
  browseContacts?: boolean;
  /** Rights granted by the user's groups (store/groups.ts); absent means none. */
  rights?: ReadonlySet<GroupRight>;
}

/** Whether the viewer holds a right: administrators by their role, others through a group. */
export function holdsRight(viewer: Viewer, right: GroupRight): boolean {
  return viewer.role === 'admin' || viewer.rights?.has(right) === true;
}

/** Sees every conversation, whatever its queue: administrators, and the "see all queues" right. */
export function seesAllConversations(viewer: Viewer): boolean {
  return holdsRight(viewer, 'seeAllQueues');
}

/** What decides who may see a conversation. */
export interface ConversationScope {
  queueId: number | null;
  assigneeId: number | null;
  /** Users invited into the conversation (discuss consults). */
  participantIds: readonly number[];
}

/**
 * Visibility rule (issue 2, seed 002):
 * - admins see everything;
 * - supervisors see every conversation of their queues, and what they are assigned or invited to;
 * - agents see what is assigned to them, what they are invited to, and the unassigned conversations of
 *   their queues (the queue and pick list). An assigned conversation is its assignee's: once it is
 *   reassigned, the previous agent no longer sees it or its history (seed 002).
 */
export function canSeeConversation(viewer: Viewer, c: ConversationScope): boolean {
  if (seesAllConversations(viewer)) return true;
  if (c.assigneeId === viewer.id) return true;
  if (c.participantIds.includes(viewer.id)) return true;
  if (c.queueId === null || !viewer.queueIds.has(c.queueId)) return false;
  return viewer.role === 'supervisor' || c.assigneeId === null;
}

/** Public replies go from the assignee; an admin may step in (seed 002: the "not assigned to you" error). */
export function canReplyToCustomer(viewer: Viewer, c: ConversationScope): boolean {
  return c.assigneeId === viewer.id || viewer.role === 'admin';
}

/**
 * Seed 002: "only the administrator and the manager in charge of the dialog can reassign the chat";
 * the "reassign others' conversations" right lets a group do it for the conversations it sees.
 */
export function canReassign(viewer: Viewer, c: ConversationScope): boolean {
  if (viewer.role === 'admin' || c.assigneeId === viewer.id) return true;
  return holdsRight(viewer, 'reassignOthers') && canSeeConversation(viewer, c);
}

/**
 * Status changes (end chat, resolve, close, reopen): the assignee, a supervisor of the queue, an admin;
 * anyone who sees an unassigned conversation may act on it (e.g. close spam from the queue).
 */
export function canManageConversation(viewer: Viewer, c: ConversationScope): boolean {
  if (!canSeeConversation(viewer, c)) return false;
  if (viewer.role === 'admin') return true;
  if (c.assigneeId === null || c.assigneeId === viewer.id) return true;
  // A supervisor who only sees it as an invited participant (discuss, seed 001) is not "of the queue".
  return viewer.role === 'supervisor' && c.queueId !== null && viewer.queueIds.has(c.queueId);
}

/** Seed 002: deleting dialogues needs a right: administrators hold it, a user group can grant it. */
export function canDeleteConversations(viewer: Viewer): boolean {
  return holdsRight(viewer, 'deleteConversations');
}

/** The workspace's shared canned messages: administrators, and groups with the right. */
export function canManageCannedMessages(viewer: Viewer): boolean {
  return holdsRight(viewer, 'manageCannedMessages');
}

/** Managing users, queues, tags, labels and settings. */
export function canAdminister(viewer: Viewer): boolean {
  return viewer.role === 'admin';
}
