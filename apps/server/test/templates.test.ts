import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

const HOUR = 60 * 60 * 1000;

/** Seed 001's reply templates and seed 004's WhatsApp 24-hour window. */
describe('reply templates and the WhatsApp 24-hour window', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let token: string;
  let queue: number;

  beforeAll(async () => {
    t = await startTestServer();
    queue = await createQueue(t, 'Support');
    const a = await createUser(t, 'admin', 'Ada Admin');
    admin = await signIn(t, a);
    token = await tokenFor(t, a.id);
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [queue]));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A customer writes on a channel; the conversation is then given to Martha. */
  async function customerWrites(channel: string, externalId: string, body = 'Hello?') {
    const r = await bearer(t, token, 'POST', '/api/v1/inbound/messages', {
      channel,
      externalId,
      contact: { name: 'Grace Brewster Hopper', email: 'grace@navy.mil', attributes: { plan: 'Gold' } },
      body,
      queueId: queue,
    });
    expect(r.status).toBe(201);
    const id: number = r.body.conversationId;
    const c = await admin.api('GET', `/api/v1/conversations/${id}`);
    if (c.body.assigneeId !== agent.id) expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    return id;
  }
  const reply = (id: number, body: Record<string, unknown>) => agent.api('POST', `/api/v1/conversations/${id}/messages`, body);

  let followUp: number;
  let plainCanned: number;

  it('lets only administrators make reply templates; agents list them', async () => {
    const created = await admin.api('POST', '/api/v1/canned-messages', {
      title: 'Follow-up',
      body: 'Hi {{first_name}}, this is {{agent_name}} following up on your {{attr.plan}} plan.',
      template: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Follow-up', template: true, ownerId: null });
    followUp = created.body.id;
    plainCanned = (await admin.api('POST', '/api/v1/canned-messages', { title: 'Thanks', body: 'Thanks {{first_name}}!' })).body.id;

    const byAgent = await agent.api('POST', '/api/v1/canned-messages', { title: 'Mine', body: 'x', template: true });
    expect(byAgent.status).toBe(403);
    const personal = await agent.api('POST', '/api/v1/canned-messages', { title: 'Mine', body: 'x', personal: true, template: true });
    expect(personal.status).toBe(422);
    expect(personal.body.error.code).toBe('template_not_shared');
    expect((await agent.api('PUT', `/api/v1/canned-messages/${plainCanned}`, { title: 'Thanks', body: 'Thanks!', template: true })).status).toBe(403);

    const listed = (await agent.api('GET', '/api/v1/canned-messages')).body.items;
    expect(listed.map((m: { title: string; template: boolean }) => [m.title, m.template])).toEqual([
      ['Follow-up', true],
      ['Thanks', false],
    ]);

    // An administrator may turn the flag off and on; leaving it out keeps it.
    expect((await admin.api('PUT', `/api/v1/canned-messages/${plainCanned}`, { title: 'Thanks', body: 'Thanks {{first_name}}!', template: true })).body.template).toBe(true);
    expect((await admin.api('PUT', `/api/v1/canned-messages/${plainCanned}`, { title: 'Thanks', body: 'Thanks {{first_name}}!' })).body.template).toBe(true);
    expect((await admin.api('PUT', `/api/v1/canned-messages/${plainCanned}`, { title: 'Thanks', body: 'Thanks {{first_name}}!', template: false })).body.template).toBe(false);
  });

  it('sends a reply template filled by the server, whatever body the client sent', async () => {
    const id = await customerWrites('web', 'tpl-web');
    const sent = await reply(id, { body: 'something else entirely', templateId: followUp });
    expect(sent.status).toBe(201);
    expect(sent.body.body).toBe('Hi Grace, this is Martha Jones following up on your Gold plan.');
    const thread = (await agent.api('GET', `/api/v1/conversations/${id}/messages`)).body.items;
    expect(thread.at(-1).body).toBe('Hi Grace, this is Martha Jones following up on your Gold plan.');

    const notTemplate = await reply(id, { templateId: plainCanned });
    expect(notTemplate.status).toBe(422);
    expect(notTemplate.body.error.code).toBe('template_not_found');
    expect((await reply(id, { templateId: 999_999 })).body.error.code).toBe('template_not_found');
  });

  it('refuses a free-form WhatsApp reply 24 hours after the customer last wrote, and accepts a template', async () => {
    const id = await customerWrites('whatsapp', 'tpl-wa');
    expect((await reply(id, { body: 'Within the window' })).status).toBe(201);

    const open = await agent.api('GET', `/api/v1/conversations/${id}/messaging-window`);
    expect(open.body).toMatchObject({ freeForm: true, now: t.clock.now() });
    expect(open.body.closesAt).toBe(t.clock.now() + 24 * HOUR);

    t.clock.advance(24 * HOUR + 60_000);
    expect((await agent.api('GET', `/api/v1/conversations/${id}/messaging-window`)).body.freeForm).toBe(false);
    const late = await reply(id, { body: 'Are you still there?' });
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('outside_messaging_window');
    expect(late.body.error.message).toMatch(/more than 24 hours ago/);

    // Internal notes never reach the customer, so the window does not apply to them.
    const note = await reply(id, { body: 'Customer went quiet, following up with the template', internal: true });
    expect(note.status).toBe(201);

    const tpl = await reply(id, { templateId: followUp });
    expect(tpl.status).toBe(201);
    expect(tpl.body.body).toBe('Hi Grace, this is Martha Jones following up on your Gold plan.');
    const thread = (await agent.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.map((m: { body: string }) => m.body);
    expect(thread).not.toContain('Are you still there?');
    expect(thread.at(-1)).toBe('Hi Grace, this is Martha Jones following up on your Gold plan.');

    // The customer answers: the window opens again for 24 hours.
    await customerWrites('whatsapp', 'tpl-wa', 'Yes, still here');
    expect((await reply(id, { body: 'Great, let us continue' })).status).toBe(201);
  });

  it('refuses free-form on a WhatsApp conversation the customer never wrote in', async () => {
    const r = await admin.api('POST', '/api/v1/conversations', { channel: 'whatsapp', contact: { name: 'Quiet Quentin', phone: '+34600000001' } });
    expect(r.status).toBe(201);
    expect((await admin.api('POST', `/api/v1/conversations/${r.body.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    const free = await reply(r.body.id, { body: 'Hello from us' });
    expect(free.status).toBe(422);
    expect(free.body.error.code).toBe('outside_messaging_window');
    const tpl = await reply(r.body.id, { templateId: followUp });
    expect(tpl.status).toBe(201);
    expect(tpl.body.body).toBe('Hi Quiet, this is Martha Jones following up on your  plan.');
  });

  it('tells the window only to those who may see the conversation', async () => {
    const id = await customerWrites('whatsapp', 'tpl-wa-private');
    const outsider = await signIn(t, await createUser(t, 'agent', 'Otto Outsider'));
    expect((await outsider.api('GET', `/api/v1/conversations/${id}/messaging-window`)).status).toBe(404);
  });

  it('does not apply to web chat', async () => {
    const id = await customerWrites('web', 'tpl-web-old');
    t.clock.advance(72 * HOUR);
    expect((await agent.api('GET', `/api/v1/conversations/${id}/messaging-window`)).body).toMatchObject({ freeForm: true, closesAt: null });
    const late = await reply(id, { body: 'Sorry for the wait!' });
    expect(late.status).toBe(201);
    expect(late.body.body).toBe('Sorry for the wait!');
  });
});
