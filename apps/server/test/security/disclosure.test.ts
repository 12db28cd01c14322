import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillTemplate, type Message } from '@switchboard/protocol';
import { toVisitorMessage } from '../../src/actions/visitors.ts';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { newVisitor, type VisitorCaller } from '../widgetHelpers.ts';

/**
 * Issue 9, finding 10: what a customer or an outsider is shown. The ticket's chat log tells the
 * customer only what the widget showed; template variables never read the prototype; /metrics is not
 * public; the /demo pages exist only with DEMO_DATA, and a page view never makes the identity secret.
 */
let t: TestServer;
let admin: Caller;
let agent: Caller;
let alice: VisitorCaller;

beforeAll(async () => {
  t = await startTestServer();
  const q = await createQueue(t, 'Web');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Lovelace'));
  agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [q]));
  alice = await newVisitor(t, { name: 'Alice' });
});
afterAll(() => t.close());

describe('the chat log attached to a ticket', () => {
  it('shows the customer what the widget showed: agents by first name, no routing lines, no notes', async () => {
    const chat = (await alice.api('POST', '/api/v1/widget/conversations', { message: 'My rocket is late' })).body.id;
    expect((await admin.api('POST', `/api/v1/conversations/${chat}/reassign`, { assigneeId: agent.id, note: 'Handover: VIP customer' })).status).toBe(200);
    expect((await agent.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'Looking into it' })).status).toBe(201);
    expect((await agent.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'NOTE: refund is overdue', internal: true })).status).toBe(201);
    const ended = await agent.api('POST', `/api/v1/conversations/${chat}/end-session`, { outcome: 'ticket', subject: 'Late rocket', note: 'Wrap-up: promised a refund' });
    expect(ended.status).toBe(200);
    const widgetItems = (await alice.api('GET', `/api/v1/widget/conversations/${chat}/messages`)).body.items;
    const widgetView = widgetItems.map((m: any) => m.body);

    const tickets = (await alice.api('GET', '/api/v1/widget/tickets')).body.items;
    const log = tickets.flatMap((tk: any) => tk.attachments).find((a: any) => a.name === `chat-${chat}.txt`);
    expect(log).toBeDefined();
    const text = (await t.server.app.inject({ method: 'GET', url: log.url, headers: { 'x-visitor-token': alice.token } })).body;
    expect(text).toContain('Mark: Looking into it');
    expect(text).toContain('My rocket is late');
    expect(text).not.toContain('Watney');
    expect(text).not.toContain('Ada');
    expect(text).not.toContain('refund is overdue');
    // Notes written with a reassignment or with ending the chat stay with the agents too.
    expect(text).not.toContain('VIP');
    expect(text).not.toContain('promised a refund');
    expect(text).toContain('Mark joined the chat');
    // Every line of the log is a line the widget showed.
    const bodies = text.split('\n').filter((l) => l.startsWith('[')).map((l) => l.replace(/^\[[^\]]+\] (—|[^:]+:) /, ''));
    for (const b of bodies) expect(widgetView).toContain(b);
    // The whole file, line for line: a heading, then each widget line stamped with its minute in UTC,
    // the customer by the name they gave, agents by first name, system lines with a dash.
    const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
    const who = (m: any) => (m.from === 'system' ? '—' : m.from === 'customer' ? 'Alice:' : `${m.name}:`);
    expect(text).toBe(`Chat #${chat}\n\n${widgetItems.map((m: any) => `[${stamp(m.createdAt)} UTC] ${who(m)} ${m.body}`).join('\n')}\n`);
    expect(widgetItems.map((m: any) => `${who(m)} ${m.body}`)).toEqual(['Alice: My rocket is late', '— Mark joined the chat', 'Mark: Looking into it', '— The chat has ended']);
  });
});

describe('each line as the customer sees it (widget history, live stream and the chat log)', () => {
  const line = (over: Partial<Message>): Message => ({
    id: 1, conversationId: 9, senderKind: 'system', sender: null, body: 'Reassigned to Mark Watney by Ada Lovelace: refund is overdue', internal: false,
    replyToId: null, attachments: [], status: 'sent', failureReason: null, systemEvent: null, clientId: null, createdAt: 5, ...over,
  });
  const firstName = (id: number) => (id === 3 ? 'Mark' : null);
  const system = (systemEvent: Message['systemEvent']) => toVisitorMessage(line({ systemEvent }), firstName)?.body ?? null;

  it('an internal note never becomes a customer line, whoever hands it over', () => {
    expect(toVisitorMessage(line({ senderKind: 'agent', sender: { id: 3, name: 'Mark Watney' }, body: 'NOTE: refund is overdue', internal: true }), firstName)).toBeNull();
  });
  it('an agent goes by first name; the customer’s own line is theirs, unnamed', () => {
    expect(toVisitorMessage(line({ senderKind: 'agent', sender: { id: 3, name: 'Mark Watney' }, body: 'Looking into it' }), firstName)).toEqual({
      id: 1, conversationId: 9, from: 'agent', name: 'Mark', body: 'Looking into it', attachments: [], status: 'sent', clientId: null, createdAt: 5, quote: null,
    });
    expect(toVisitorMessage(line({ senderKind: 'customer', sender: null, body: 'Hi', clientId: 'c1' }), firstName)).toMatchObject({ from: 'customer', name: null, body: 'Hi', clientId: 'c1' });
  });
  it('system lines are rewritten, so the note and the full names written with them stay with the agents', () => {
    for (const kind of ['assigned', 'reassigned', 'transferred'] as const) expect(system({ kind, toUserId: 3, note: 'refund is overdue' })).toBe('Mark joined the chat');
    expect(system({ kind: 'transferred', toUserId: null, status: 'queue:2', note: 'refund is overdue' })).toBeNull(); // to a queue: nobody joined yet
    expect(system({ kind: 'reassigned', toUserId: 99 })).toBeNull(); // a colleague whose name is unknown
    expect(system({ kind: 'resolved', note: 'refund is overdue' })).toBe('The chat has ended');
    expect(system({ kind: 'closed' })).toBe('The chat was closed');
    expect(system({ kind: 'reopened' })).toBe('The chat was reopened');
    expect(system({ kind: 'status', status: 'abandoned' })).toBe('You left the chat');
    expect(system({ kind: 'status', status: 'callback' })).toBe('You asked to be called back');
    expect(system({ kind: 'status', status: 'wrap_up' })).toBe('The chat has ended');
    expect(system({ kind: 'status', status: 'pending' })).toBeNull();
    for (const kind of ['unassigned', 'unpinned', 'blocked', 'unblocked', 'request'] as const) expect(system({ kind })).toBeNull();
    expect(system(null)).toBeNull();
    expect(toVisitorMessage(line({ systemEvent: { kind: 'resolved' } }), firstName)).toMatchObject({ from: 'system', name: null });
  });
});

describe('template variables', () => {
  it('never read the prototype: {{constructor}}, {{__proto__}}, {{attr.constructor}} are left empty', () => {
    const out = fillTemplate('Hi {{first_name}}{{constructor}}{{__proto__}}{{toString}}{{attr.constructor}}{{attr.__proto__}}{{attr.hasOwnProperty}}!', {
      contact: { name: 'Alice Smith', email: null, phone: null, attributes: {} },
      agentName: 'Mark',
    });
    expect(out).toBe('Hi Alice!');
  });

  it('a reply template sent by the server fills none of them either', async () => {
    const chat = (await alice.api('POST', '/api/v1/widget/conversations', { message: 'Hello again' })).body.id;
    expect((await admin.api('POST', `/api/v1/conversations/${chat}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    const tpl = await admin.api('POST', '/api/v1/canned-messages', { title: 'Proto probe', body: 'Hi {{first_name}} {{constructor}}{{attr.__proto__}}', template: true });
    expect(tpl.status).toBe(201);
    const sent = await agent.api('POST', `/api/v1/conversations/${chat}/messages`, { templateId: tpl.body.id });
    expect(sent.status).toBe(201);
    expect(sent.body.body).not.toMatch(/function|Object|\[object/);
  });
});

describe('/metrics', () => {
  it('answers callers on this machine, and nobody else (no METRICS_TOKEN)', async () => {
    expect((await t.server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const outside = await t.server.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(outside.statusCode).toBe(404);
    expect(outside.body).not.toContain('process_cpu');
    const direct = await t.server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.7' });
    expect(direct.statusCode).toBe(404);
  });

  it('with METRICS_TOKEN, answers only that bearer token, from anywhere', async () => {
    const m = await startTestServer({ config: { metricsToken: 'scrape-me-please-0123456789' } });
    try {
      expect((await m.server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect((await m.server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(404);
      const ok = await m.server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.7', headers: { authorization: 'Bearer scrape-me-please-0123456789' } });
      expect(ok.statusCode).toBe(200);
    } finally {
      await m.close();
    }
  });
});

describe('/demo', () => {
  it('is not served without DEMO_DATA', async () => {
    // Unknown paths get the agent app's shell (or a 404 when it is not built): never a demo page.
    for (const url of ['/demo', '/demo/portal']) expect((await t.server.app.inject({ method: 'GET', url })).body).not.toContain('Acme Rockets');
    const row = await t.server.services.store.db.selectFrom('widget_settings').select('settings').executeTakeFirst();
    expect(row ? JSON.parse(row.settings).identitySecret : undefined).toBeUndefined();
  });

  it('with DEMO_DATA, an anonymous visit to /demo/portal never creates the identity secret', async () => {
    const d = await startTestServer({ config: { demo: true } });
    try {
      const page = await d.server.app.inject({ method: 'GET', url: '/demo/portal' });
      expect(page.statusCode).toBe(200);
      const row = await d.server.services.store.db.selectFrom('widget_settings').select('settings').executeTakeFirst();
      expect(row ? JSON.parse(row.settings).identitySecret : undefined).toBeUndefined();
      expect(page.body).not.toContain('"hash"');
    } finally {
      await d.close();
    }
  });
});
