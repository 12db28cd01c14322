import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { startGraphApi, type GraphApiPeer } from '../../../../test/peers/graphApi.ts';
import * as wa from './whatsappFixtures.ts';
import { conversationsOf, createInbox, messagesOf, settled, tempDir } from './helpers.ts';

const APP_SECRET = 'wa-app-secret';
const TOKEN = 'EAAG-test-token';

/** Issue 13 item 4: a restart mid-send loses nothing and sends nothing twice. */
describe('WhatsApp outbound across a restart', () => {
  const dataDir = tempDir('whatsapp-restart');
  const schema = `sbtest_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  let graph: GraphApiPeer;
  let t: TestServer;
  let agent: Caller;
  let admin: Caller;
  let agentUser: { id: number; email: string };
  let adminUser: { id: number; email: string };

  const start = () => startTestServer({ schema, dataDir, config: { dataDir } });
  beforeAll(async () => {
    graph = await startGraphApi({ token: TOKEN });
    t = await start();
    const queueId = await createQueue(t, 'Support');
    adminUser = await createUser(t, 'admin', 'Ada Admin');
    agentUser = await createUser(t, 'agent', 'Mark Watney', [queueId]);
    admin = await signIn(t, adminUser);
    agent = await signIn(t, agentUser);
    await createInbox(admin, { channel: 'whatsapp', name: 'Acme WhatsApp', address: wa.PHONE_NUMBER_ID, queueId, settings: { apiBaseUrl: graph.base }, secrets: { accessToken: TOKEN, appSecret: APP_SECRET } });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    if (ENGINE === 'postgres') {
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function restart() {
    await t.close();
    t = await start();
    admin = await signIn(t, adminUser);
    agent = await signIn(t, agentUser);
  }
  const send = async () => {
    await t.server.services.dispatcher.flush();
    return t.server.services.outbox.runOnce('whatsapp.outbound');
  };
  async function conversationWith(from: string, name: string) {
    const raw = JSON.stringify(wa.messageWebhook(from, name, wa.text(wa.wamid(), 'Hello')));
    const res = await t.server.app.inject({ method: 'POST', url: '/api/v1/webhooks/whatsapp', payload: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(APP_SECRET, raw) } });
    expect(res.statusCode).toBe(200);
    await settled(t);
    const [c] = await conversationsOf(admin, name);
    expect((await admin.api('POST', `/api/v1/conversations/${c!.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    return c!.id;
  }

  it('a reply committed before the stop is sent once by the restarted server', async () => {
    const id = await conversationWith('16505550101', 'Kim Lee');
    const res = await agent.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Before the restart' });
    expect(res.status).toBe(201);
    await restart();
    expect(graph.sent().filter((x) => x.json?.to === '16505550101')).toHaveLength(0);
    await send();
    await send();
    expect(graph.sent().filter((x) => x.json?.to === '16505550101').map((x) => x.json.text.body)).toEqual(['Before the restart']);
    expect((await messagesOf(agent, id)).find((m) => m.id === res.body.id)!.status).toBe('sent');
  });

  it('a stop while WhatsApp holds the request: never sent again, the message says it may have arrived', async () => {
    const id = await conversationWith('16505550202', 'Lou Reed');
    const to = (x: { json: any }) => x.json?.to === '16505550202';
    graph.hang(to);
    const res = await agent.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'In flight' });
    await t.server.services.dispatcher.flush();
    // As in production: the outbox runs by itself, so stopping waits for the send in flight.
    t.server.services.outbox.start();
    for (let i = 0; i < 200 && !graph.calls.some(to); i++) await new Promise((r) => setTimeout(r, 10));
    expect(graph.calls.filter(to)).toHaveLength(1);
    await t.close();
    graph.release();
    t = await start();
    admin = await signIn(t, adminUser);
    agent = await signIn(t, agentUser);
    await send();
    await send();
    expect(graph.calls.filter(to)).toHaveLength(1);
    const m = (await messagesOf(agent, id)).find((x) => x.id === res.body.id)!;
    expect(m.status).toBe('failed');
    expect(m.failureReason).toMatch(/may have reached the customer/);
  });
});
