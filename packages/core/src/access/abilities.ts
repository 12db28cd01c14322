import { canAdminister, canDeleteConversations, canManageCannedMessages, holdsRight, seesAllConversations, type Viewer } from './permissions.ts';
import { canBrowseContacts } from './contacts.ts';

/**
 * What a user may do outside any one conversation, sent to the agent app (GET /me, /auth/session) so
 * its buttons, menus and shortcuts show only what the server would allow. The server still checks
 * every request with the functions these come from; this list is for display.
 */
export const ABILITIES = [
  'administer',
  'deleteConversations',
  'browseContacts',
  'viewReports',
  'exportReports',
  'manageCannedMessages',
  'seeAllQueues',
  'reassignOthers',
] as const;
export type Ability = (typeof ABILITIES)[number];

/**
 * Reports and the live view: supervisors for their queues, administrators for all (issue 15); the
 * "export reports" group right lets an agent read and export their queues' figures too.
 */
export function canViewReports(viewer: Viewer): boolean {
  return viewer.role === 'admin' || viewer.role === 'supervisor' || holdsRight(viewer, 'exportReports');
}

/** Reports as CSV: whoever may read them (the role's default), and the group right. */
export function canExportReports(viewer: Viewer): boolean {
  return canViewReports(viewer);
}

/** Reassigning conversations assigned to someone else (beyond one's own): the app shows the action. */
export function canReassignOthers(viewer: Viewer): boolean {
  return holdsRight(viewer, 'reassignOthers');
}

export function abilitiesOf(viewer: Viewer): Ability[] {
  const granted: Record<Ability, boolean> = {
    administer: canAdminister(viewer),
    deleteConversations: canDeleteConversations(viewer),
    browseContacts: canBrowseContacts(viewer),
    viewReports: canViewReports(viewer),
    exportReports: canExportReports(viewer),
    manageCannedMessages: canManageCannedMessages(viewer),
    seeAllQueues: seesAllConversations(viewer),
    reassignOthers: canReassignOthers(viewer),
  };
  return ABILITIES.filter((a) => granted[a]);
}
