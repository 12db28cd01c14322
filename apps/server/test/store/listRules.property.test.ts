import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CONVERSATION_STATUSES, canSeeConversation, type ConversationScope } from '@switchboard/core';
import { matchesFilters } from '@switchboard/client';
import type { ConversationListQuery } from '@switchboard/protocol';
import { ENGINE, createQueue, createUser, startTestServer, type TestServer } from '../../../../test/harness.ts';
import { listConversations } from '../../src/store/conversations.ts';
import { loadViewer, setQueueMembers } from '../../src/store/users.ts';
import { presentConversations } from '../../src/presenters/conversations.ts';

/**
 * The SQL mirrors of the core's rules cannot drift from them (issue 17 item 4): over generated
 * workspaces — queue memberships, conversations with any queue, assignee, participants, status,
 * channel, tags and labels — the conversation list each user gets from the store (`visibleTo` plus
 * the list filters in SQL) is exactly what `canSeeConversation` (core) and `matchesFilters` (the
 * client's live filter) say, for every user and any filter the live filter judges.
 */
const CHANNELS = ['web', 'email', 'whatsapp'] as const;

let t: TestServer;
let queues: number[];
let users: Array<{ id: number; role: 'admin' | 'supervisor' | 'agent' }>;
let tags: number[];
let labels: number[];
let contactId: number;

beforeAll(async () => {
  t = await startTestServer();
  const db = t.server.services.store.db;
  queues = [await createQueue(t, 'Q1'), await createQueue(t, 'Q2'), await createQueue(t, 'Q3')];
  users = [];
  for (const [role, name] of [['admin', 'Ada'], ['supervisor', 'Sam'], ['supervisor', 'Sue'], ['agent', 'Al'], ['agent', 'Bo'], ['agent', 'Cy']] as const) {
    users.push({ id: (await createUser(t, role, name)).id, role });
  }
  tags = [];
  for (const name of ['billing', 'bug']) tags.push((await db.insertInto('tags').values({ kind: 'conversation', name, color: '#888888' }).returning('id').executeTakeFirstOrThrow()).id);
  labels = [];
  for (const name of ['Hot', 'Later']) labels.push((await db.insertInto('labels').values({ name: `${name} property`, color: '#888888', builtin: 0 }).returning('id').executeTakeFirstOrThrow()).id);
  contactId = (await db.insertInto('contacts').values({ name: 'Casey', attributes: '{}', source: '{}', blocked: 0, created_at: 1, updated_at: 1 }).returning('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t?.close();
});

const idx = (n: number) => fc.nat({ max: n - 1 });
const subset = (n: number) => fc.uniqueArray(idx(n), { maxLength: n });

const conversationArb = fc.record({
  queue: fc.option(idx(3), { nil: null }),
  assignee: fc.option(idx(6), { nil: null }),
  participants: subset(6),
  status: fc.constantFrom(...CONVERSATION_STATUSES),
  channel: fc.constantFrom(...CHANNELS),
  tags: subset(2),
  labels: subset(2),
  activity: fc.integer({ min: 1000, max: 1100 }),
});

const views = fc.constantFrom('all', 'mine', 'queued', 'unassigned', 'abandoned', 'callback');
const filterParts = {
  status: fc.uniqueArray(fc.constantFrom(...CONVERSATION_STATUSES), { minLength: 1, maxLength: 4 }),
  channel: fc.uniqueArray(fc.constantFrom(...CHANNELS), { minLength: 1, maxLength: 2 }),
  queue: fc.uniqueArray(idx(3), { minLength: 1, maxLength: 2 }),
  assignee: fc.uniqueArray(idx(6), { minLength: 1, maxLength: 3 }),
  tag: fc.uniqueArray(idx(2), { minLength: 1, maxLength: 2 }),
  label: fc.uniqueArray(idx(2), { minLength: 1, maxLength: 2 }),
  since: fc.integer({ min: 1000, max: 1100 }),
  until: fc.integer({ min: 1000, max: 1100 }),
};
type FilterParts = { [K in keyof typeof filterParts]?: (typeof filterParts)[K] extends fc.Arbitrary<infer T> ? T : never };
/** A view with none, one or two of the other filters: more at once would leave most lists empty. */
const filterArb = fc
  .tuple(views, fc.subarray(Object.keys(filterParts) as Array<keyof typeof filterParts>, { maxLength: 2 }))
  .chain(([view, keys]) =>
    fc.record(Object.fromEntries(keys.map((k) => [k, filterParts[k]])) as { [K in keyof typeof filterParts]: (typeof filterParts)[K] }, { requiredKeys: [] }).map((parts) => ({ view, ...(parts as FilterParts) })),
  );

const worldArb = fc.record({
  memberships: fc.array(subset(3), { minLength: 6, maxLength: 6 }),
  conversations: fc.array(conversationArb, { maxLength: 10 }),
  filters: fc.array(filterArb, { minLength: 1, maxLength: 3 }),
});

describe(`the list's SQL and the core's rules agree (${ENGINE})`, () => {
  it('every user lists exactly the conversations canSeeConversation and matchesFilters allow', async () => {
    const db = t.server.services.store.db;
    const stats = { n: 0, nonEmpty: 0 };
    await fc.assert(
      fc.asyncProperty(worldArb, async (world) => {
        await db.deleteFrom('conversation_participants').execute();
        await db.deleteFrom('conversation_tags').execute();
        await db.deleteFrom('conversation_labels').execute();
        await db.deleteFrom('conversations').execute();
        for (let q = 0; q < 3; q++) await setQueueMembers(db, queues[q]!, users.filter((_, u) => world.memberships[u]!.includes(q)).map((u) => u.id));
        const scopes = new Map<number, ConversationScope>();
        for (const c of world.conversations) {
          const row = await db
            .insertInto('conversations')
            .values({
              contact_id: contactId,
              channel: c.channel,
              queue_id: c.queue === null ? null : queues[c.queue]!,
              assignee_id: c.assignee === null ? null : users[c.assignee]!.id,
              status: c.status,
              priority: 'normal',
              created_at: c.activity,
              updated_at: c.activity,
              last_activity_at: c.activity,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const participantIds = c.participants.map((u) => users[u]!.id);
          for (const user_id of participantIds) await db.insertInto('conversation_participants').values({ conversation_id: row.id, user_id, role: 'invited' }).execute();
          for (const tg of c.tags) await db.insertInto('conversation_tags').values({ conversation_id: row.id, tag_id: tags[tg]! }).execute();
          for (const lb of c.labels) await db.insertInto('conversation_labels').values({ conversation_id: row.id, label_id: labels[lb]! }).execute();
          scopes.set(row.id, { queueId: c.queue === null ? null : queues[c.queue]!, assigneeId: c.assignee === null ? null : users[c.assignee]!.id, participantIds });
        }
        const everything = await presentConversations(db, users[0]!.id, await db.selectFrom('conversations').selectAll().execute());

        for (const f of world.filters) {
          const query: ConversationListQuery = {
            view: f.view,
            sort: 'last_activity',
            limit: 200,
            ...(f.status && { status: f.status }),
            ...(f.channel && { channel: [...f.channel] }),
            ...(f.queue && { queueId: f.queue.map((q) => queues[q]!) }),
            ...(f.assignee && { assigneeId: f.assignee.map((u) => users[u]!.id) }),
            ...(f.tag && { tagId: f.tag.map((x) => tags[x]!) }),
            ...(f.label && { labelId: f.label.map((x) => labels[x]!) }),
            ...(f.since !== undefined && { since: f.since }),
            ...(f.until !== undefined && { until: f.until }),
          };
          for (const u of users) {
            const viewer = await loadViewer(db, u);
            const listed = (await listConversations(db, viewer, query)).map((r) => r.id).sort((a, b) => a - b);
            const allowed = everything
              .filter((c) => canSeeConversation(viewer, scopes.get(c.id)!) && matchesFilters(c, query, viewer.id))
              .map((c) => c.id)
              .sort((a, b) => a - b);
            stats.n++;
            if (listed.length) stats.nonEmpty++;
            expect({ user: u, query, listed }).toEqual({ user: u, query, listed: allowed });
          }
        }
      }),
      { numRuns: ENGINE === 'postgres' ? 40 : 80, seed: 17 },
    );
    // Not vacuous: a good share of the lists compared held something.
    expect(stats.nonEmpty).toBeGreaterThan(stats.n / 10);
  });
});
