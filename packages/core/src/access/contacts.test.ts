import { describe, expect, it } from 'vitest';
import { canBrowseContacts, canChangeContact, canSeeContact } from './contacts.ts';
import type { ConversationScope, Viewer } from './permissions.ts';

const SALES = 10;
const SUPPORT = 20;
const viewer = (id: number, role: Viewer['role'], queueIds: number[] = [], browseContacts = false): Viewer => ({ id, role, queueIds: new Set(queueIds), browseContacts });
const conv = (queueId: number | null, assigneeId: number | null, participantIds: number[] = []): ConversationScope => ({ queueId, assigneeId, participantIds });

const admin = viewer(1, 'admin');
const mark = viewer(3, 'agent', [SALES]);
const nina = viewer(4, 'agent', [SALES]);
const martha = viewer(5, 'agent', [SUPPORT]);
const nobody = viewer(7, 'agent', []);
const librarian = viewer(8, 'agent', [], true);
const salesSupervisor = viewer(2, 'supervisor', [SALES]);
const supportSupervisor = viewer(6, 'supervisor', [SUPPORT]);

/** A customer with one chat in sales, assigned to Mark, where Martha is consulted. */
const marksCustomer = [conv(SALES, mark.id, [martha.id])];
/** A customer waiting in the sales queue. */
const waitingCustomer = [conv(SALES, null)];
/** A customer with no conversation at all (created by hand or by an integration). */
const lonelyCustomer: ConversationScope[] = [];
/** A customer with two chats: one in support, one in sales assigned to Nina. */
const twoChatsCustomer = [conv(SUPPORT, null), conv(SALES, nina.id)];

describe('who sees a contact', () => {
  it.each([
    ['admin', admin, marksCustomer, true],
    ['admin, contact without conversations', admin, lonelyCustomer, true],
    ['the assigned agent', mark, marksCustomer, true],
    ['the consulted agent', martha, marksCustomer, true],
    ['another agent of the queue (the chat is Mark’s)', nina, marksCustomer, false],
    ['an agent of the queue, the chat waiting', nina, waitingCustomer, true],
    ['an agent of another queue', martha, waitingCustomer, false],
    ['an agent in no queue', nobody, waitingCustomer, false],
    ['the supervisor of the queue', salesSupervisor, marksCustomer, true],
    ['a supervisor of another queue', supportSupervisor, marksCustomer, false],
    ['an agent through any one of the conversations', martha, twoChatsCustomer, true],
    ['an agent, contact without conversations', mark, lonelyCustomer, false],
    ['a user granted “browse contacts”', librarian, waitingCustomer, true],
    ['a user granted “browse contacts”, contact without conversations', librarian, lonelyCustomer, true],
  ] as const)('%s → %s', (_who, v, convs, expected) => {
    expect(canSeeContact(v, convs)).toBe(expected);
  });
});

describe('who changes a contact (edit, block, tag)', () => {
  it.each([
    ['admin', admin, lonelyCustomer, true],
    ['the assigned agent', mark, marksCustomer, true],
    ['another agent of the queue', nina, marksCustomer, false],
    ['an agent in no queue', nobody, waitingCustomer, false],
    ['a supervisor of another queue', supportSupervisor, waitingCustomer, false],
    ['a user granted “browse contacts” only reads', librarian, waitingCustomer, false],
  ] as const)('%s → %s', (_who, v, convs, expected) => {
    expect(canChangeContact(v, convs)).toBe(expected);
  });
});

describe('who searches every contact', () => {
  it.each([
    ['admin', admin, true],
    ['a user granted “browse contacts”', librarian, true],
    ['a supervisor', salesSupervisor, false],
    ['an agent', mark, false],
  ] as const)('%s → %s', (_who, v, expected) => {
    expect(canBrowseContacts(v)).toBe(expected);
  });
});

describe('a customer with several conversations', () => {
  it('is reachable through any one of them the agent sees, not only when all are visible', () => {
    const two = [conv(SUPPORT, martha.id), conv(SALES, null)];
    expect(canSeeContact(mark, two)).toBe(true);
    expect(canChangeContact(mark, two)).toBe(true);
    expect(canSeeContact(nobody, two)).toBe(false);
  });
});
