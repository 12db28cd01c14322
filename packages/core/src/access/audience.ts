import { canSeeConversation, type ConversationScope, type Viewer } from './permissions.ts';

/** Who an event is for, stored with the event so replay and live delivery decide alike. */
export interface EventScope extends Partial<ConversationScope> {
  /** A private event (unread counts, drafts, a lost conversation) for one user only. */
  userId?: number | null;
  /** Internal events (notes, discuss) never reach customers. */
  internal?: boolean;
  /** The customer the conversation belongs to, if they may see this event. */
  contactId?: number | null;
  /**
   * A conversation lost from sight (`conversation.revoked`): the event is for whoever could see it
   * with this scope, before the change, and cannot with the event's own (after it) — one event for
   * a whole queue instead of one per member.
   */
  revokedFrom?: ConversationScope | null;
}

const conversationScope = (scope: EventScope): ConversationScope => ({
  queueId: scope.queueId ?? null,
  assigneeId: scope.assigneeId ?? null,
  participantIds: scope.participantIds ?? [],
});

/** The audience rule as a predicate: may this agent receive this event? */
export function agentMayReceive(viewer: Viewer, scope: EventScope): boolean {
  if (scope.userId != null) return scope.userId === viewer.id;
  if (scope.revokedFrom) return canSeeConversation(viewer, scope.revokedFrom) && !canSeeConversation(viewer, conversationScope(scope));
  if (scope.queueId === undefined && scope.assigneeId === undefined) {
    // Workspace-wide events (presence, settings) reach every agent.
    return true;
  }
  return canSeeConversation(viewer, conversationScope(scope));
}

/**
 * May this agent receive this event *again*, on replay? An event about a conversation is judged by
 * who may see that conversation now (`current`), exactly as reading it over REST would be: after a
 * reassignment away, the previous agent gets none of its history back (seed 002). A conversation
 * that no longer exists (`current` null) replays to nobody. Private and workspace-wide events keep
 * their own audience.
 */
export function agentMayReplay(viewer: Viewer, scope: EventScope, current: ConversationScope | null | undefined): boolean {
  if (scope.userId != null || current === undefined) return agentMayReceive(viewer, scope);
  // A loss of sight replays to those who could see it then and cannot now (gone counts as cannot):
  // its frame names only a conversation they were shown.
  if (scope.revokedFrom) return canSeeConversation(viewer, scope.revokedFrom) && !(current && canSeeConversation(viewer, current));
  if (current === null) return false;
  return canSeeConversation(viewer, current);
}

/** May this customer receive this event? Only non-internal events of their own conversations. */
export function customerMayReceive(contactId: number, scope: EventScope): boolean {
  return !scope.internal && scope.userId == null && scope.contactId === contactId;
}
