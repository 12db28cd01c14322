import crypto from 'node:crypto';
import type { Store } from '../store/db.ts';
import type { Clock } from '../clock.ts';
import { hashPassword } from '../auth/secrets.ts';
import { insertUser, setQueueMembers } from '../store/users.ts';
import { seedHistory } from './history.ts';
import type { Services } from '../http/services.ts';
import { BUILTIN_GREETER, createBot } from '../actions/bots.ts';
import { recordConversationFacts } from '../actions/reportFacts.ts';
import { conversationRow } from '../store/conversations.ts';

export const BUILTIN_LABELS = [
  { name: 'Follow-up required', color: '#f59e0b' },
  { name: 'Escalated', color: '#ef4444' },
  { name: 'Bug report', color: '#8b5cf6' },
  { name: 'Feature request', color: '#10b981' },
];

/**
 * Workflow labels from seed 004 exist in every workspace: created once, when there are none yet.
 * Administrators may rename them afterwards (not delete them), so they are not looked up by name.
 */
export async function ensureBuiltins(store: Store): Promise<void> {
  const existing = await store.db.selectFrom('labels').select('id').where('builtin', '=', 1).limit(1).executeTakeFirst();
  if (!existing) await store.db.insertInto('labels').values(BUILTIN_LABELS.map((l) => ({ ...l, builtin: 1 }))).execute();
}

/**
 * The first admin, from ADMIN_EMAIL / ADMIN_PASSWORD, when there are no users yet. Outside the demo a
 * known password (none given) must be replaced at the first sign-in.
 */
export async function ensureAdmin(store: Store, clock: Clock, email: string, password: string, mustChange = false): Promise<boolean> {
  const any = await store.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const id = await insertUser(store.db, { email, name: 'Admin', role: 'admin', passwordHash: await hashPassword(password), now: clock.now() });
  if (mustChange) await store.db.updateTable('users').set({ must_change_password: 1 }).where('id', '=', id).execute();
  return true;
}

/**
 * The demo accounts (known password) exist only while DEMO_DATA is on: started without it, they are
 * deactivated and signed out, so a workspace that began as a demo does not keep open doors.
 */
export async function retireDemoAccounts(store: Store): Promise<number> {
  const emails = DEMO_USERS.map((u) => u.email);
  const rows = await store.db.selectFrom('users').select('id').where('email', 'in', emails).where('disabled', '=', 0).execute();
  if (!rows.length) return 0;
  const ids = rows.map((r) => r.id);
  await store.db.updateTable('users').set({ disabled: 1 }).where('id', 'in', ids).execute();
  await store.db.deleteFrom('sessions').where('user_id', 'in', ids).execute();
  await store.db.deleteFrom('api_tokens').where('user_id', 'in', ids).execute();
  return ids.length;
}

export const DEMO_PASSWORD = 'switchboard';
/** The demo workspace's email inbox. */
export const DEMO_INBOX_ADDRESS = 'support@acme.localhost';
/** The demo turns the SMTP listener on at this port unless SMTP_PORT says otherwise. */
export const DEMO_SMTP_PORT = 2525;
export const DEMO_USERS = [
  { email: 'supervisor@example.com', name: 'Sam Supervisor', role: 'supervisor' as const },
  { email: 'mark@example.com', name: 'Mark Watney', role: 'agent' as const },
  { email: 'martha@example.com', name: 'Martha Jones', role: 'agent' as const },
  { email: 'nina@example.com', name: 'Nina Patel', role: 'agent' as const },
];

/**
 * Demo data for an empty workspace: people, queues, contacts and conversations to click through.
 * `history: false` leaves out the four weeks behind Reports (tests of other demo parts: it is the
 * slow part, some 22k statements).
 */
export async function seedDemo(store: Store, clock: Clock, opts: { history?: boolean } = {}): Promise<void> {
  const db = store.db;
  const has = await db.selectFrom('queues').select('id').limit(1).executeTakeFirst();
  if (has) return;
  const now = clock.now();
  const hash = await hashPassword(DEMO_PASSWORD);
  const ids: Record<string, number> = {};
  for (const u of DEMO_USERS) {
    const existing = await db.selectFrom('users').select('id').where('email', '=', u.email).executeTakeFirst();
    ids[u.email] = existing?.id ?? (await insertUser(db, { ...u, passwordHash: hash, capacity: 5, now }));
  }
  const support = await db.insertInto('queues').values({ name: 'Support', routing_mode: 'auto_assign', settings: '{}', created_at: now }).returning('id').executeTakeFirstOrThrow();
  const sales = await db.insertInto('queues').values({ name: 'Sales', routing_mode: 'pick_list', settings: '{}', created_at: now }).returning('id').executeTakeFirstOrThrow();
  await setQueueMembers(db, support.id, [ids['supervisor@example.com']!, ids['mark@example.com']!, ids['martha@example.com']!]);
  await setQueueMembers(db, sales.id, [ids['supervisor@example.com']!, ids['nina@example.com']!, ids['martha@example.com']!]);
  // The demo portal (/demo/portal) signs its customer in with the identity secret: the demo workspace
  // gets one of its own here, never from a page view.
  const settings = JSON.stringify({ identitySecret: crypto.randomBytes(24).toString('base64url') });
  await db.insertInto('widget_settings').values({ id: 1, settings, updated_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();

  // An email inbox: mail sent to DEMO_INBOX_ADDRESS through the built-in SMTP listener (port 2525 in the demo) lands here.
  const inbox = await db
    .insertInto('inboxes')
    .values({ channel: 'email', name: 'Acme Support', queue_id: support.id, address: DEMO_INBOX_ADDRESS, settings: JSON.stringify({ fromName: 'Acme Support' }), secrets: null, enabled: 1, last_error: null, last_error_at: null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const tag = async (kind: 'customer' | 'conversation', name: string, color: string) =>
    (await db.insertInto('tags').values({ kind, name, color }).returning('id').executeTakeFirstOrThrow()).id;
  const vip = await tag('customer', 'VIP', '#eab308');
  const newcomer = await tag('customer', 'New customer', '#22c55e');
  const billing = await tag('conversation', 'Billing Issue', '#3b82f6');
  const product = await tag('conversation', 'Product Question', '#06b6d4');
  await tag('conversation', 'Complaint', '#ef4444');
  // Four weeks of past work for Reports, through the real actions; before the open conversations below.
  // Its script depends on today's date; should a day's script ever be refused, the history (one
  // transaction) rolls back and the demo starts without it rather than not at all.
  if (opts.history !== false) await seedHistory(store, clock).catch((err: unknown) => process.emitWarning(`demo history skipped: ${err instanceof Error ? err.message : String(err)}`));

  const contacts = [
    { name: 'John Smith', email: 'smith@example.org', phone: '+15550100', channel: 'web', attrs: { plan: 'Pro', city: 'Boston' } },
    { name: 'Ana García', email: 'ana@example.org', phone: '+34600111222', channel: 'whatsapp', attrs: { plan: 'Free' } },
    { name: 'Li Wei', email: 'li.wei@example.org', phone: null, channel: 'email', attrs: {} },
    { name: 'Olga Petrova', email: null, phone: '+79001234567', channel: 'telegram', attrs: { language: 'ru' } },
    { name: 'Tom Becker', email: 'tom@example.org', phone: null, channel: 'messenger', attrs: {} },
  ];
  const script: Array<{ who: 'customer' | 'agent' | 'note'; text: string }[]> = [
    [
      { who: 'customer', text: 'Hi! My invoice for October shows two charges.' },
      { who: 'agent', text: 'Hi John, thanks for reaching out. Let me look into this for you.' },
      { who: 'note', text: 'Customer called earlier, promised callback' },
      { who: 'customer', text: 'Thanks, I will wait.' },
    ],
    [{ who: 'customer', text: 'Hola, does the Pro plan include WhatsApp?' }],
    [
      { who: 'customer', text: 'The export button does nothing on Firefox.' },
      { who: 'agent', text: 'Thanks Li, which version of Firefox are you on?' },
    ],
    [{ who: 'customer', text: 'Can I get a demo next week?' }],
    [{ who: 'customer', text: 'Where is my order #4411?' }],
  ];
  const assignees = [ids['mark@example.com']!, null, ids['martha@example.com']!, null, ids['nina@example.com']!];
  const queues = [support.id, support.id, support.id, sales.id, sales.id];
  for (let i = 0; i < contacts.length; i++) {
    const c = contacts[i]!;
    const start = now - (contacts.length - i) * 45 * 60_000;
    const contact = await db
      .insertInto('contacts')
      .values({ name: c.name, email: c.email, phone: c.phone, attributes: JSON.stringify(c.attrs), source: JSON.stringify({ channel: c.channel }), blocked: 0, created_at: start, updated_at: start })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('contact_identities').values({ contact_id: contact.id, channel: c.channel, external_id: c.email ?? c.phone ?? c.name }).execute();
    if (i === 0) await db.insertInto('contact_tags').values({ contact_id: contact.id, tag_id: vip, pinned: 1 }).execute();
    if (i === 1 || i === 3) await db.insertInto('contact_tags').values({ contact_id: contact.id, tag_id: newcomer, pinned: 0 }).execute();
    const assignee = assignees[i]!;
    const conv = await db
      .insertInto('conversations')
      .values({
        contact_id: contact.id,
        channel: c.channel,
        subject: c.channel === 'email' ? 'Export button broken' : null,
        inbox_id: c.channel === 'email' ? inbox.id : null,
        queue_id: queues[i]!,
        assignee_id: assignee,
        status: assignee ? 'active' : 'queued',
        priority: i === 0 ? 'high' : 'normal',
        previous_conversation_id: null,
        created_at: start,
        updated_at: start,
        first_response_at: null,
        last_customer_message_at: null,
        last_agent_message_at: null,
        resolved_at: null,
        resolution_note: null,
        last_message_id: null,
        last_activity_at: start,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (i === 0) await db.insertInto('conversation_tags').values({ conversation_id: conv.id, tag_id: billing }).execute();
    if (i === 2) await db.insertInto('conversation_tags').values({ conversation_id: conv.id, tag_id: product }).execute();
    let t = start;
    let last = 0;
    for (const line of script[i]!) {
      t += 2 * 60_000;
      const m = await db
        .insertInto('messages')
        .values({
          conversation_id: conv.id,
          sender_kind: line.who === 'customer' ? 'customer' : 'agent',
          sender_user_id: line.who === 'customer' ? null : assignee,
          sender_contact_id: line.who === 'customer' ? contact.id : null,
          body: line.text,
          internal: line.who === 'note' ? 1 : 0,
          reply_to_id: null,
          attachments: '[]',
          status: line.who === 'customer' ? 'delivered' : 'sent',
          failure_reason: null,
          system_event: null,
          client_id: null,
          created_at: t,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      last = m.id;
      await db
        .updateTable('conversations')
        .set({
          last_message_id: m.id,
          last_activity_at: t,
          updated_at: t,
          ...(line.who === 'customer' ? { last_customer_message_at: t } : line.who === 'agent' ? { last_agent_message_at: t, first_response_at: t } : {}),
        })
        .where('id', '=', conv.id)
        .execute();
    }
    void last;
    if (i === 0) await earlierChatWithTicket(store, { contactId: contact.id, queueId: support.id, agentId: ids['mark@example.com']!, before: start });
    await countInReports(store, conv.id, assignee ? start + 60_000 : null, null);
  }
  await seedCannedMessages(store, ids['mark@example.com']!, now);
}

/** Shared canned messages (seed 004's variables filled on insert) and one agent's personal quick reply. */
export const DEMO_CANNED = [
  { title: 'Greeting', body: 'Hi {{first_name}}, thanks for contacting us! My name is {{agent_name}}; how can I help?', template: 1 },
  { title: 'Looking into it', body: 'Thanks {{first_name}}, let me look into this for you. It will take a couple of minutes.', template: 0 },
  { title: 'Refund issued', body: 'I have issued the refund; it shows on your statement within 5 business days.', template: 0 },
  { title: 'Anything else', body: 'Is there anything else I can help you with today?', template: 0 },
  { title: 'Closing', body: 'Thanks for chatting with us, {{first_name}}. Have a great day!', template: 1 },
];

async function seedCannedMessages(store: Store, quickReplyOwner: number, now: number): Promise<void> {
  await store.db
    .insertInto('canned_messages')
    .values([
      ...DEMO_CANNED.map((c) => ({ title: c.title, body: c.body, template: c.template, created_by: null, owner_id: null, created_at: now, updated_at: now })),
      { title: 'My sign-off', body: 'Best, {{agent_name}} from Acme Support', template: 0, created_by: quickReplyOwner, owner_id: quickReplyOwner, created_at: now, updated_at: now },
    ])
    .execute();
}

/**
 * Yesterday's resolved web chat of the same customer, ended with a ticket (seed 003), so the details
 * panel's history and the Tickets view have something to show; today's conversation follows it.
 */
async function earlierChatWithTicket(store: Store, o: { contactId: number; queueId: number; agentId: number; before: number }): Promise<void> {
  const db = store.db;
  const at = o.before - 24 * 3600_000;
  const old = await db
    .insertInto('conversations')
    .values({
      contact_id: o.contactId, channel: 'web', subject: null, inbox_id: null, queue_id: o.queueId, assignee_id: o.agentId, status: 'resolved', priority: 'normal',
      previous_conversation_id: null, created_at: at, updated_at: at + 10 * 60_000, first_response_at: at + 60_000, last_customer_message_at: at, last_agent_message_at: at + 60_000,
      resolved_at: at + 10 * 60_000, resolution_note: 'Explained the billing cycle; ticket opened for the duplicate charge.', last_message_id: null, last_activity_at: at + 10 * 60_000,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const lines = [
    { kind: 'customer' as const, text: 'Why was I charged on the 1st and again on the 3rd?' },
    { kind: 'agent' as const, text: 'Let me check with billing and open a ticket so we follow up.' },
  ];
  let t = at;
  for (const l of lines) {
    const m = await db
      .insertInto('messages')
      .values({ conversation_id: old.id, sender_kind: l.kind, sender_user_id: l.kind === 'agent' ? o.agentId : null, sender_contact_id: l.kind === 'customer' ? o.contactId : null, body: l.text, internal: 0, reply_to_id: null, attachments: '[]', status: l.kind === 'customer' ? 'delivered' : 'sent', failure_reason: null, system_event: null, client_id: null, created_at: t })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('conversations').set({ last_message_id: m.id }).where('id', '=', old.id).execute();
    t += 60_000;
  }
  const ticket = await db
    .insertInto('tickets')
    .values({ contact_id: o.contactId, subject: 'Duplicate charge in October', assignee_id: o.agentId, queue_id: o.queueId, status: 'open', source_conversation_id: old.id, created_at: at + 10 * 60_000, updated_at: at + 10 * 60_000 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('ticket_notes').values({ ticket_id: ticket.id, author_user_id: o.agentId, author_contact_id: null, body: 'Asked billing to refund the charge of the 3rd.', internal: 1, created_at: at + 11 * 60_000 }).execute();
  await countInReports(store, old.id, at + 30_000, at + 10 * 60_000);
  // Today's chat follows yesterday's (seed 004: a customer writing again is linked to the earlier conversation).
  await db.updateTable('conversations').set({ previous_conversation_id: old.id }).where('contact_id', '=', o.contactId).where('id', '!=', old.id).execute();
}

/**
 * The hand-written conversations above skip the routing hook that records Reports' facts, so their
 * steps are replayed through it (arrived, taken, resolved), each at its time, as a live one's were.
 */
async function countInReports(store: Store, id: number, takenAt: number | null, resolvedAt: number | null): Promise<void> {
  await store.transaction(async (tx) => {
    const row = await conversationRow(tx, id);
    if (!row) return;
    const arrived = { ...row, status: 'queued', assignee_id: null, first_response_at: null, resolved_at: null };
    await recordConversationFacts(tx, null, arrived, row.created_at);
    if (takenAt == null) return;
    const taken = { ...row, status: 'active', resolved_at: null };
    await recordConversationFacts(tx, arrived, taken, takenAt);
    if (resolvedAt != null) await recordConversationFacts(tx, taken, row, resolvedAt);
  });
}

/**
 * The demo's agent bot: the built-in greeter (integrations/builtinBot.ts) starts the Support queue,
 * so a chat from the widget is greeted and handed to the agents when the customer writes "agent".
 */
export async function seedDemoBot(s: Services): Promise<void> {
  const db = s.store.db;
  const support = await db.selectFrom('queues').select('id').where('name', '=', 'Support').executeTakeFirst();
  const admin = await db.selectFrom('users').select('id').where('role', '=', 'admin').orderBy('id').executeTakeFirst();
  if (!support || !admin) return;
  const viewer = { id: admin.id, role: 'admin' as const, queueIds: new Set<number>(), browseContacts: true };
  await createBot(s.actions, s.secrets, viewer, { name: 'Greeter bot', url: BUILTIN_GREETER, queueIds: [support.id] }, s.webhooks.policy, { builtin: true });
  await s.webhooks.sync();
}
