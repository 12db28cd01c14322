import { describe, expect, it } from 'vitest';
import {
  canAdminister,
  canManageCannedMessages,
  holdsRight,
  seesAllConversations,
  type GroupRight,
  canDeleteConversations,
  canManageConversation,
  canReassign,
  canReplyToCustomer,
  canSeeConversation,
  type ConversationScope,
  type Viewer,
} from './permissions.ts';

const SALES = 10;
const SUPPORT = 20;

const viewer = (id: number, role: Viewer['role'], queueIds: number[] = []): Viewer => ({
  id,
  role,
  queueIds: new Set(queueIds),
});

/** People, after the seeds: Mark and Nina work the sales queue, Martha is the support product expert. */
const admin = viewer(1, 'admin');
const salesSupervisor = viewer(2, 'supervisor', [SALES]);
const mark = viewer(3, 'agent', [SALES]);
const nina = viewer(4, 'agent', [SALES]);
const martha = viewer(5, 'agent', [SUPPORT]);
const supportSupervisor = viewer(6, 'supervisor', [SUPPORT]);

const conv = (queueId: number | null, assigneeId: number | null, participantIds: number[] = []): ConversationScope => ({
  queueId,
  assigneeId,
  participantIds,
});

/** Conversations the tables below ask about. */
const waitingInSales = conv(SALES, null);
const marksSalesChat = conv(SALES, mark.id);
/** Was Mark's; reassigned to Nina (seed 002). */
const reassignedFromMarkToNina = conv(SALES, nina.id);
/** Mark consults Martha, from the support queue, via Discuss (seed 001). */
const marksChatWithMarthaInvited = conv(SALES, mark.id, [martha.id]);
/** Mark consults the support supervisor via Discuss. */
const marksChatWithSupportSupervisorInvited = conv(SALES, mark.id, [supportSupervisor.id]);
const waitingInSalesWithMarthaInvited = conv(SALES, null, [martha.id]);
const marthasSupportChat = conv(SUPPORT, martha.id);
const waitingInSupport = conv(SUPPORT, null);
const marksChatOutsideHisQueues = conv(SUPPORT, mark.id);
const supervisorsOwnSupportChat = conv(SUPPORT, salesSupervisor.id);
const waitingWithoutQueue = conv(null, null);

type Row = [title: string, viewer: Viewer, conversation: ConversationScope, allowed: boolean];

describe('who can see a conversation', () => {
  const rows: Row[] = [
    ['an admin sees a conversation of a queue they are not in', admin, marthasSupportChat, true],
    ['an admin sees a conversation that has no queue', admin, waitingWithoutQueue, true],
    ['a supervisor sees an agent’s conversation in their queue', salesSupervisor, marksSalesChat, true],
    ['a supervisor sees a waiting conversation in their queue', salesSupervisor, waitingInSales, true],
    ['a supervisor does not see conversations of a queue they do not supervise', salesSupervisor, marthasSupportChat, false],
    ['a supervisor does not see waiting conversations of a queue they do not supervise', salesSupervisor, waitingInSupport, false],
    ['a supervisor sees a conversation assigned to them outside their queues', salesSupervisor, supervisorsOwnSupportChat, true],
    ['a supervisor sees a conversation they are invited into outside their queues', supportSupervisor, marksChatWithSupportSupervisorInvited, true],
    ['an agent sees the conversation assigned to them', mark, marksSalesChat, true],
    ['an agent sees the conversation assigned to them even outside their queues', mark, marksChatOutsideHisQueues, true],
    ['a reassigned conversation stops being visible to its previous agent', mark, reassignedFromMarkToNina, false],
    ['a reassigned conversation is visible to its new agent', nina, reassignedFromMarkToNina, true],
    ['an agent sees a waiting conversation in their queue (the pick list)', nina, waitingInSales, true],
    ['an agent does not see a colleague’s conversation in their own queue', nina, marksSalesChat, false],
    ['an agent does not see waiting conversations of other queues', mark, waitingInSupport, false],
    ['an agent does not see a conversation that has no queue and no assignee', mark, waitingWithoutQueue, false],
    ['a supervisor does not see a conversation that has no queue and no assignee', salesSupervisor, waitingWithoutQueue, false],
    ['an invited expert sees the conversation they were consulted on', martha, marksChatWithMarthaInvited, true],
    ['an agent not invited does not see a consult in another queue', martha, marksSalesChat, false],
  ];

  it.each(rows)('%s', (_title, who, conversation, allowed) => {
    expect(canSeeConversation(who, conversation)).toBe(allowed);
  });
});

describe('who can reply to the customer', () => {
  const rows: Row[] = [
    ['the assigned agent can reply to the customer', mark, marksSalesChat, true],
    ['an admin can step in and reply to the customer', admin, marksSalesChat, true],
    ['a supervisor of the queue cannot reply in an agent’s conversation', salesSupervisor, marksSalesChat, false],
    ['an invited expert cannot message the customer', martha, marksChatWithMarthaInvited, false],
    ['an agent must accept a waiting conversation before replying', nina, waitingInSales, false],
    ['a reassigned conversation no longer accepts replies from its previous agent', mark, reassignedFromMarkToNina, false],
    ['a colleague in the same queue cannot reply in another agent’s conversation', nina, marksSalesChat, false],
  ];

  it.each(rows)('%s', (_title, who, conversation, allowed) => {
    expect(canReplyToCustomer(who, conversation)).toBe(allowed);
  });
});

describe('who can reassign a conversation', () => {
  const rows: Row[] = [
    ['an admin can reassign any conversation', admin, marthasSupportChat, true],
    ['the agent in charge can reassign their conversation', mark, marksSalesChat, true],
    ['a supervisor of the queue cannot reassign an agent’s conversation', salesSupervisor, marksSalesChat, false],
    ['a colleague in the same queue cannot reassign another agent’s conversation', nina, marksSalesChat, false],
    ['the previous agent cannot reassign a conversation taken from them', mark, reassignedFromMarkToNina, false],
    ['an invited expert cannot reassign the conversation', martha, marksChatWithMarthaInvited, false],
    ['an agent cannot reassign a waiting conversation nobody is in charge of', nina, waitingInSales, false],
  ];

  it.each(rows)('%s', (_title, who, conversation, allowed) => {
    expect(canReassign(who, conversation)).toBe(allowed);
  });
});

describe('who can end, resolve, close and reopen a conversation', () => {
  const rows: Row[] = [
    ['an admin can manage any conversation', admin, marthasSupportChat, true],
    ['the assigned agent can manage their conversation', mark, marksSalesChat, true],
    ['a supervisor can manage an agent’s conversation in their queue', salesSupervisor, marksSalesChat, true],
    ['a supervisor cannot manage conversations of a queue they do not supervise', salesSupervisor, marthasSupportChat, false],
    ['an agent can close a waiting conversation from their queue (spam)', nina, waitingInSales, true],
    ['an agent cannot manage a colleague’s conversation in their queue', nina, marksSalesChat, false],
    ['the previous agent cannot manage a conversation reassigned away from them', mark, reassignedFromMarkToNina, false],
    ['an invited expert cannot manage the conversation they were consulted on', martha, marksChatWithMarthaInvited, false],
    ['an invited supervisor from another queue cannot manage the conversation they were consulted on', supportSupervisor, marksChatWithSupportSupervisorInvited, false],
    ['anyone who sees a waiting conversation can act on it, invited experts included', martha, waitingInSalesWithMarthaInvited, true],
    ['an agent cannot manage waiting conversations of other queues', mark, waitingInSupport, false],
  ];

  it.each(rows)('%s', (_title, who, conversation, allowed) => {
    expect(canManageConversation(who, conversation)).toBe(allowed);
  });
});

describe('who can delete conversations and administer the workspace', () => {
  const rows: [title: string, viewer: Viewer, allowed: boolean][] = [
    ['an admin holds the right to delete conversations', admin, true],
    ['a supervisor cannot delete conversations', salesSupervisor, false],
    ['an agent cannot delete conversations', mark, false],
  ];

  it.each(rows)('%s', (_title, who, allowed) => {
    expect(canDeleteConversations(who)).toBe(allowed);
  });

  it.each([
    ['an admin manages users, queues and settings', admin, true],
    ['a supervisor does not manage users, queues and settings', salesSupervisor, false],
    ['an agent does not manage users, queues and settings', mark, false],
  ] as [string, Viewer, boolean][])('%s', (_title, who, allowed) => {
    expect(canAdminister(who)).toBe(allowed);
  });
});

describe('an agent invited to a colleague’s conversation of her own queue', () => {
  const invited = viewer(5, 'agent', [SALES]);
  const c: ConversationScope = { queueId: SALES, assigneeId: 3, participantIds: [5] };
  it('sees it, but cannot end, resolve or close it: that is the assignee’s or a supervisor’s', () => {
    expect(canSeeConversation(invited, c)).toBe(true);
    expect(canManageConversation(invited, c)).toBe(false);
  });
});

/** Issue 16 item 4: rights granted through user groups add to the role's defaults, never take away. */
describe('rights granted by user groups', () => {
  const withRights = (v: Viewer, ...rights: GroupRight[]): Viewer => ({ ...v, rights: new Set(rights) });
  const markMayDelete = withRights(mark, 'deleteConversations');
  const markSeesAll = withRights(mark, 'seeAllQueues');
  const markReassigns = withRights(mark, 'reassignOthers');
  const supervisorWithCanned = withRights(salesSupervisor, 'manageCannedMessages');

  const rows: [title: string, decide: () => boolean, allowed: boolean][] = [
    ['an agent in a group with the delete right may delete conversations', () => canDeleteConversations(markMayDelete), true],
    ['the same agent without the group may not', () => canDeleteConversations(mark), false],
    ['a supervisor with only another right may not delete', () => canDeleteConversations(supervisorWithCanned), false],
    ['an admin holds every right without a group', () => holdsRight(admin, 'seeAllQueues') && holdsRight(admin, 'exportReports'), true],
    ['a supervisor with the canned-messages right manages shared canned messages', () => canManageCannedMessages(supervisorWithCanned), true],
    ['a supervisor without it does not', () => canManageCannedMessages(salesSupervisor), false],
    ['an agent with "see all queues" sees a conversation of a queue he is not in', () => canSeeConversation(markSeesAll, marthasSupportChat), true],
    ['…and one without a queue', () => canSeeConversation(markSeesAll, waitingWithoutQueue), true],
    ['…which he does not without the right', () => canSeeConversation(mark, marthasSupportChat), false],
    ['"see all queues" is not a right to act on another agent’s conversation', () => canManageConversation(markSeesAll, marthasSupportChat), false],
    ['seesAllConversations: the right, or an admin', () => seesAllConversations(markSeesAll) && seesAllConversations(admin) && !seesAllConversations(mark), true],
    ['an agent with "reassign others’" still cannot reassign Nina’s chat: he does not see it', () => canReassign(markReassigns, reassignedFromMarkToNina), false],
    ['an agent with "reassign others’" reassigns a colleague’s conversation he is invited to', () => canReassign(withRights(martha, 'reassignOthers'), marksChatWithMarthaInvited), true],
    ['…which he may not without the right', () => canReassign(martha, marksChatWithMarthaInvited), false],
    ['a supervisor with "reassign others’" reassigns an agent’s conversation of her queue', () => canReassign(withRights(salesSupervisor, 'reassignOthers'), marksSalesChat), true],
    ['without it she may not', () => canReassign(salesSupervisor, marksSalesChat), false],
    ['with it, not a conversation she cannot see', () => canReassign(withRights(salesSupervisor, 'reassignOthers'), marthasSupportChat), false],
    ['"see all queues" and "reassign others’" together reach every queue', () => canReassign(withRights(mark, 'seeAllQueues', 'reassignOthers'), marthasSupportChat), true],
  ];
  it.each(rows)('%s', (_title, decide, allowed) => {
    expect(decide()).toBe(allowed);
  });
});
