import { describe, expect, it } from 'vitest';
import { abilitiesOf } from './abilities.ts';
import type { GroupRight, Role } from './permissions.ts';

const viewer = (role: Role, browseContacts = false, rights: GroupRight[] = []) => ({ id: 1, role, queueIds: new Set([1]), browseContacts, rights: new Set(rights) });

describe('abilitiesOf', () => {
  it.each([
    ['admin', false, ['administer', 'deleteConversations', 'browseContacts', 'viewReports', 'exportReports', 'manageCannedMessages', 'seeAllQueues', 'reassignOthers']],
    ['supervisor', false, ['viewReports', 'exportReports']],
    ['agent', false, []],
    ['agent', true, ['browseContacts']],
  ] as const)('a %s (browse contacts granted: %s) may %j', (role, browse, expected) => {
    expect(abilitiesOf(viewer(role, browse))).toEqual(expected);
  });

  it.each([
    ['agent', ['deleteConversations'], ['deleteConversations']],
    ['agent', ['exportReports'], ['viewReports', 'exportReports']],
    ['supervisor', ['manageCannedMessages', 'reassignOthers'], ['viewReports', 'exportReports', 'manageCannedMessages', 'reassignOthers']],
    ['agent', ['seeAllQueues'], ['seeAllQueues']],
  ] as const)('a %s whose groups grant %j may %j', (role, rights, expected) => {
    expect(abilitiesOf(viewer(role, false, [...rights]))).toEqual(expected);
  });
});
